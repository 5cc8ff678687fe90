"""Synthetic demonstration data, kept out of the core: the demo users, the generators of arrests and
victims, the guard that keeps them out of real databases, and ``create_demo_database``.

The demo builds on the services; no service imports it (an import-linter contract in pyproject.toml).
"""
