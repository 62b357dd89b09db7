"""Demo and benchmark data: the demo centre and a city-sized one. Only the CLI and tests use it."""
