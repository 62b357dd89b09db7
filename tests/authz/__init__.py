"""The authorization matrix: every route × every role × (own object, another family's,
another centre's, signed out). Each feature adds its routes' rules in a `rules_<feature>.py`
module of this package; a route without a rule fails the matrix test."""
