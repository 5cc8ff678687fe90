"""Pure rules and values. Standard library only, so they can be tested and reused anywhere."""
