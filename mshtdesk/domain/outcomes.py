"""Court outcomes after charge: the five outcomes, how a file or a form names them, and the sentence rules.

An offence charged goes to court; what happens there is recorded per offence, appended like a disposal
(``services/outcomes.py``). The COM summary counts them (``reports/com.py``: ``outcomes``).
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """The outcome at court, in the order the COM table lists them."""

    CONVICTED = "convicted"
    CONVICTED_LESSER = "convicted-lesser"
    ACQUITTED = "acquitted"
    DISCONTINUED = "discontinued"
    OTHER = "other"

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def is_conviction(self) -> bool:
        return self in (Outcome.CONVICTED, Outcome.CONVICTED_LESSER)


LABELS: dict[Outcome, str] = {
    Outcome.CONVICTED: "Convicted",
    Outcome.CONVICTED_LESSER: "Convicted of a lesser offence",
    Outcome.ACQUITTED: "Acquitted",
    Outcome.DISCONTINUED: "Discontinued",
    Outcome.OTHER: "Other outcome",
}

#: A sentence longer than this is surely a typing error (life sentences are recorded as "other" with a note).
MAX_SENTENCE_MONTHS = 600


def _norm(text: str) -> str:
    return "-".join(text.replace("_", " ").replace("-", " ").split()).casefold()


_BY_TEXT: dict[str, Outcome] = {}
for _o in Outcome:
    _BY_TEXT[_norm(_o.value)] = _o
    _BY_TEXT[_norm(LABELS[_o])] = _o


def parse_outcome(text: str) -> Outcome | None:
    """The outcome a cell or a form names (its code or its label, any case, ``_`` or spaces for ``-``);
    None when it names none."""
    return _BY_TEXT.get(_norm(text))


def accepted_outcome_words() -> str:
    """The words an import accepts, for error messages."""
    return ", ".join(o.value for o in Outcome)


def parse_custodial(text: str) -> bool | None:
    """``yes``/``no`` (also y/n, true/false, 1/0) as True/False, empty as None (not known); ValueError
    for anything else."""
    t = text.strip().casefold()
    if not t:
        return None
    if t in ("yes", "y", "true", "1"):
        return True
    if t in ("no", "n", "false", "0"):
        return False
    raise ValueError(f"'{text[:20]}' is not yes, no or empty")


def parse_sentence_months(text: str) -> int | None:
    """Empty as None; a whole number of months from 0 to ``MAX_SENTENCE_MONTHS``; ValueError otherwise."""
    t = text.strip()
    if not t:
        return None
    if not t.isascii() or not t.isdigit():
        raise ValueError(f"'{t[:20]}' is not a whole number of months")
    months = int(t)
    if months > MAX_SENTENCE_MONTHS:
        raise ValueError(f"{months} months is more than {MAX_SENTENCE_MONTHS}; check the figure")
    return months


def sentence_problems(
    outcome: Outcome, sentence_months: int | None, custodial: bool | None
) -> dict[str, str]:
    """A sentence follows a conviction only: an acquittal or a discontinuance carries none."""
    problems: dict[str, str] = {}
    if sentence_months is not None and (sentence_months < 0 or sentence_months > MAX_SENTENCE_MONTHS):
        problems["sentence_months"] = f"A sentence is from 0 to {MAX_SENTENCE_MONTHS} months."
    if outcome in (Outcome.ACQUITTED, Outcome.DISCONTINUED):
        if sentence_months is not None:
            problems["sentence_months"] = f"{outcome.label}: there is no sentence; leave it empty."
        if custodial is not None:
            problems["custodial"] = f"{outcome.label}: there is no sentence; leave custodial empty."
    return problems


def describe(outcome: Outcome, sentence_months: int | None, custodial: bool | None) -> str:
    """One phrase: "Convicted, 18 months custodial"."""
    parts = [outcome.label]
    if sentence_months is not None:
        parts.append(f"{sentence_months} month{'s' if sentence_months != 1 else ''}")
    if custodial is not None:
        parts.append("custodial" if custodial else "non-custodial")
    return ", ".join(parts)
