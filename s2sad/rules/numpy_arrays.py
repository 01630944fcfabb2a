"""Rules: (to be written)."""
