"""Qt item models over plain dataclasses returned by the services."""
