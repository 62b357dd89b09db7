"""Test data, one module per feature: small functions with sensible defaults, flushed, not
committed. `core` makes what every feature needs (centres, staff, families, members,
consents); the others build on it."""
