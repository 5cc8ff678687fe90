"""Pure rules and values: standard library and the `holidays` calendar only, so they can be tested and
reused anywhere."""
