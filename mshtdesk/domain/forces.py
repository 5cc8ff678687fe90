"""Force profiles: districts are configuration, not code. A profile seeds a new database."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class District:
    code: str
    name: str


@dataclass(frozen=True)
class ForceProfile:
    key: str
    name: str
    districts: tuple[District, ...]


WEST_YORKSHIRE = ForceProfile(
    "west-yorkshire",
    "West Yorkshire Police",
    (
        District("BD", "Bradford"),
        District("CD", "Calderdale"),
        District("KD", "Kirklees"),
        District("LD", "Leeds"),
        District("WD", "Wakefield"),
    ),
)

GREATER_MANCHESTER = ForceProfile(
    "greater-manchester",
    "Greater Manchester Police",
    tuple(
        District(code, name)
        for code, name in (
            ("BOL", "Bolton"),
            ("BUR", "Bury"),
            ("MAN", "Manchester"),
            ("OLD", "Oldham"),
            ("ROC", "Rochdale"),
            ("SAL", "Salford"),
            ("STO", "Stockport"),
            ("TAM", "Tameside"),
            ("TRA", "Trafford"),
            ("WIG", "Wigan"),
        )
    ),
)

PROFILES: dict[str, ForceProfile] = {p.key: p for p in (WEST_YORKSHIRE, GREATER_MANCHESTER)}
DEFAULT_PROFILE = WEST_YORKSHIRE.key
