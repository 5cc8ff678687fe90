"""The UI fixtures (worker, context, dialog tracking, the no-logged-bug guard) for the failure dialogs."""

from tests.ui.conftest import _no_ui_bugs, ctx, make_ctx, tasks, track, wait_idle, window_for

__all__ = ["_no_ui_bugs", "ctx", "make_ctx", "tasks", "track", "wait_idle", "window_for"]
