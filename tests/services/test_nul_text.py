"""A NUL (or another refused character) in any field of the arrest form is a field message on both
engines, never a database error: PostgreSQL refuses a NUL in any text, even in a look-up, so the
service must check the text before it queries with it (found by tests/reliability/test_hostile_inputs.py
on PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest

from mshtdesk.errors import ValidationError
from mshtdesk.services.backend import Backend
from mshtdesk.services.register import ArrestInput
from mshtdesk.store.queries.arrests import ArrestQuery

FIELDS = ("custody_ref", "district", "detainee_ref", "operation", "notes", "offence_ref", "offence")


@pytest.mark.parametrize("field", FIELDS)
def test_a_nul_anywhere_is_a_field_message(backend: Backend, field: str) -> None:
    values = {"custody_ref": "NUL-1", "district": "BD", "detainee_ref": "", "operation": "", "notes": ""}
    offence = {"offence_ref": "O1", "offence": "MSA s.2"}
    if field in values:
        values[field] = "A\x00B"
    else:
        offence[field] = "A\x00B"
    data = ArrestInput(
        values["custody_ref"],
        date(2024, 5, 1),
        values["district"],
        detainee_ref=values["detainee_ref"],
        operation=values["operation"],
        notes=values["notes"],
    )
    with pytest.raises(ValidationError):
        backend.register.create_arrest(data, [(offence["offence_ref"], offence["offence"])])
    assert backend.register.count(ArrestQuery()) == 0
