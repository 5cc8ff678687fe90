"""The arrests register as a lazily paged table model: the register's columns over :class:`PagedModel`.

Rows come from ``register.page()`` 200 at a time as the view scrolls; sorting and filtering are done
by SQL (``sort()`` reloads with the column's sort key, the filter is an ``ArrestQuery``), so a register
of any size opens in the same few milliseconds.
"""

from __future__ import annotations

from dataclasses import replace
from enum import IntEnum
from typing import Any

from mshtdesk.domain.dates import uk
from mshtdesk.services.register import SORT_KEYS, ArrestQuery, ArrestRow, RegisterService
from ui.models.columns import ColumnSpec, headers
from ui.models.paged_model import PAGE_SIZE as PAGE_SIZE  # the tests page through it
from ui.models.paged_model import ROW_ROLE as ROW_ROLE
from ui.models.paged_model import SORT_ROLE as SORT_ROLE
from ui.models.paged_model import PagedModel


class Column(IntEnum):
    CUSTODY_REF = 0
    ARREST_DATE = 1
    DISTRICT = 2
    DETAINEE_REF = 3
    OPERATION = 4
    OFFENCES = 5
    DISPOSAL = 6


SORT_KEY = dict(zip(Column, SORT_KEYS, strict=True))

COLUMNS: tuple[ColumnSpec[ArrestRow], ...] = (
    ColumnSpec(
        "Custody ref",
        lambda r: r.custody_ref,
        "WY/00/000000",
        sort_key=SORT_KEY[Column.CUSTODY_REF],
        tip="The custody record's reference",
    ),
    ColumnSpec(
        "Arrest date",
        lambda r: uk(r.arrest_date),
        "00/00/0000",
        sort_key=SORT_KEY[Column.ARREST_DATE],
        raw=lambda r: r.arrest_date,
    ),
    ColumnSpec(
        "District",
        lambda r: r.district,
        "District",
        sort_key=SORT_KEY[Column.DISTRICT],
        tip="The district on the custody record",
    ),
    ColumnSpec("Detainee ref", lambda r: r.detainee_ref, "N0000000", sort_key=SORT_KEY[Column.DETAINEE_REF]),
    ColumnSpec(
        "Operation",
        lambda r: r.operation,
        "Op Meridian Pennine",
        sort_key=SORT_KEY[Column.OPERATION],
        cell_tip=lambda r: r.operation,
    ),
    ColumnSpec(
        "Offences",
        lambda r: str(r.offences),
        "Offences",
        sort_key=SORT_KEY[Column.OFFENCES],
        raw=lambda r: r.offences,
        right=True,
        tip="Number of offences on this arrest",
    ),
    ColumnSpec(
        "Current disposal",
        lambda r: r.disposal_label,
        sort_key=SORT_KEY[Column.DISPOSAL],
        raw=lambda r: r.disposal_code or "",
        tip="Highest-ranked disposal of the arrest's offences, as at today",
        muted=lambda r: r.disposal_code is None,
    ),
)


def _withdrawn(column: ColumnSpec[ArrestRow]) -> ColumnSpec[ArrestRow]:
    """The column, striking a withdrawn arrest through with who withdrew it, when and why as the tip."""
    tip = column.cell_tip

    def cell_tip(r: ArrestRow) -> str:
        return r.withdrawn or (tip(r) if tip is not None else "")

    return replace(column, struck=lambda r: bool(r.withdrawn), cell_tip=cell_tip)


COLUMNS = tuple(_withdrawn(c) for c in COLUMNS)
HEADERS = headers(COLUMNS)


class ArrestsModel(PagedModel[ArrestQuery]):
    def __init__(self, register: RegisterService, parent: Any = None) -> None:
        super().__init__(
            COLUMNS,
            register.count,
            lambda q, key, desc, offset, limit: register.page(
                q, sort=key or SORT_KEY[Column.ARREST_DATE], descending=desc, offset=offset, limit=limit
            ),
            ArrestQuery(),
            sort_column=Column.ARREST_DATE,
            descending=True,
            parent=parent,
        )
