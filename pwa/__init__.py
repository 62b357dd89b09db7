"""Asysta: a mobile-first PWA for Polish family assistants and the families they support."""
