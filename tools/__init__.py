"""Developer tools, not shipped (the wheel packages only mshtdesk, ui and resources): the screenshot
scripts, run as ``QT_QPA_PLATFORM=offscreen uv run python -m tools.screenshots [out-dir]``."""
