"""The reason a correction, withdrawal or ending is kept with: one check for every service that asks."""

from __future__ import annotations

from mshtdesk.domain.text import text_problems
from mshtdesk.errors import ValidationError


def required_reason(reason: str, *, missing: str, limit: int = 2000) -> str:
    """The reason, stripped; refused (under ``reason``) when empty, longer than ``limit`` or unsafe."""
    text = reason.strip()
    if not text:
        raise ValidationError({"reason": missing})
    if len(text) > limit:
        raise ValidationError({"reason": f"A reason has at most {limit:,} characters."})
    if problems := text_problems({"reason": text}, multiline=("reason",)):
        raise ValidationError(problems)
    return text
