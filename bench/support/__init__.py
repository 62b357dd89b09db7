"""What the benchmarks share: scratch databases, the app on a port, signed-in cookies, tables."""
