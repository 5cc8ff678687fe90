"""Passwords, keys and the key file: what stands between a lost laptop and the data on it."""
