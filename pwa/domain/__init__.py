"""The rules of Asysta, in plain functions: nothing in here knows about HTTP."""
