"""Dialogs: each is a controller with its own layout, given its services through the constructor."""
