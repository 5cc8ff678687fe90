"""Use cases shared by the CLI and the app. They return frozen dataclasses, never ORM objects."""
