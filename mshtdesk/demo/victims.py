"""Who the demo's victims are and how they were found: kinds of case with their nationalities, ages,
exploitation and sub-types; names by nationality; and the wording of synthetic notes and contacts.

The weights follow the seeds and domain.md (Eastern European and British victims mostly; county lines
and child sexual exploitation for British children; cannabis farms for Vietnamese and Albanian young
people; Eritrean and Sudanese people exploited on the journey). ``pick`` draws from these tables.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from typing import Any

from mshtdesk.domain.exploitation import ExploitationType
from mshtdesk.domain.support import ContactMethod, ContactPurpose, DischargeDestination, NotifiableDecision

E = ExploitationType

# ----- who is found, and how ---------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A kind of case: who its victims are and how they were exploited."""

    name: str
    weight: float
    sizes: tuple[tuple[int, float], ...]  # (victims found together, weight)
    child: float  # share of children among its victims
    nationalities: tuple[tuple[str, float], ...]
    female: float
    flags: tuple[tuple[frozenset[ExploitationType], float], ...]
    sub_type: str = ""
    sub_type_share: float = 0.0
    locations: tuple[tuple[str, float], ...] = (("uk", 1.0),)
    haven: float = 0.0  # share of adult victims admitted to Haven House


def _f(*types: ExploitationType) -> frozenset[ExploitationType]:
    return frozenset(types)


EASTERN_EUROPE = (
    ("Romanian", 24),
    ("Polish", 18),
    ("Lithuanian", 7),
    ("Hungarian", 8),
    ("Slovak", 8),
    ("Czech", 8),
    ("Albanian", 8),
    ("Latvian", 3),
)

KINDS: tuple[Kind, ...] = (
    Kind(
        "labour",
        24,
        ((1, 30), (2, 20), (3, 15), (4, 10), (5, 5), (6, 4)),
        0.03,
        (*EASTERN_EUROPE, ("British", 12), ("Vietnamese", 8)),
        0.25,
        ((_f(E.LABOUR), 86), (_f(E.LABOUR, E.DOMESTIC), 8), (_f(E.LABOUR, E.CRIMINAL), 6)),
        "organised-immigration-crime",
        0.12,
        (("uk", 65), ("uk-and-overseas", 30), ("overseas", 5)),
        haven=0.55,
    ),
    Kind(
        "sexual",
        13,
        ((1, 50), (2, 30), (3, 15)),
        0.04,
        (
            ("Romanian", 30),
            ("Hungarian", 12),
            ("Albanian", 12),
            ("Czech", 8),
            ("Slovak", 8),
            ("Polish", 8),
            ("British", 14),
            ("Vietnamese", 8),
        ),
        0.93,
        ((_f(E.SEXUAL), 85), (_f(E.SEXUAL, E.LABOUR), 8), (_f(E.SEXUAL, E.DOMESTIC), 7)),
        "brothel",
        0.5,
        (("uk", 70), ("uk-and-overseas", 30)),
        haven=0.6,
    ),
    Kind(
        "county-lines",
        21,
        ((1, 70), (2, 25), (3, 5)),
        0.9,
        (("British", 90), ("Albanian", 3), ("Romanian", 4), ("Vietnamese", 3)),
        0.2,
        ((_f(E.CRIMINAL), 85), (_f(E.SEXUAL, E.CRIMINAL), 15)),
        "county-lines",
        0.9,
        haven=0.1,
    ),
    Kind(
        "cuckooing",
        5,
        ((1, 100),),
        0.0,
        (("British", 100),),
        0.4,
        ((_f(E.CRIMINAL), 100),),
        "cuckooing",
        1.0,
    ),
    Kind(
        "child-sexual-exploitation",
        7,
        ((1, 75), (2, 25)),
        1.0,
        (("British", 84), ("Romanian", 6), ("Slovak", 5), ("Czech", 5)),
        0.85,
        ((_f(E.SEXUAL), 90), (_f(E.SEXUAL, E.CRIMINAL), 10)),
    ),
    Kind(
        "cannabis",
        7,
        ((1, 70), (2, 30)),
        0.45,
        (("Vietnamese", 70), ("Albanian", 30)),
        0.1,
        ((_f(E.CRIMINAL), 80), (_f(E.LABOUR, E.CRIMINAL), 20)),
        "cannabis-cultivation",
        0.95,
        (("uk", 50), ("uk-and-overseas", 50)),
        haven=0.5,
    ),
    Kind(
        "domestic",
        5,
        ((1, 100),),
        0.1,
        (
            ("Romanian", 20),
            ("Eritrean", 15),
            ("Sudanese", 15),
            ("Vietnamese", 15),
            ("Polish", 10),
            ("British", 10),
            ("Albanian", 15),
        ),
        0.85,
        ((_f(E.DOMESTIC), 80), (_f(E.SEXUAL, E.DOMESTIC), 20)),
        locations=(("uk", 60), ("uk-and-overseas", 40)),
        haven=0.5,
    ),
    Kind(
        "journey",
        6,
        ((1, 70), (2, 30)),
        0.5,
        (("Eritrean", 45), ("Sudanese", 45), ("Vietnamese", 10)),
        0.2,
        ((_f(E.LABOUR), 55), (_f(), 25), (_f(E.SEXUAL, E.LABOUR), 20)),
        "organised-immigration-crime",
        0.5,
        (("overseas", 60), ("uk-and-overseas", 40)),
        haven=0.4,
    ),
    Kind(
        "begging",
        4,
        ((1, 50), (2, 30), (3, 20)),
        0.2,
        (("Romanian", 70), ("Slovak", 15), ("Czech", 15)),
        0.5,
        ((_f(E.CRIMINAL), 100),),
        "forced-begging",
        1.0,
        haven=0.4,
    ),
    Kind(
        "benefit-fraud",
        3,
        ((1, 50), (2, 30), (3, 20)),
        0.0,
        (("Polish", 40), ("Slovak", 20), ("Czech", 20), ("Lithuanian", 10), ("Hungarian", 10)),
        0.4,
        ((_f(E.LABOUR, E.CRIMINAL), 100),),
        "benefit-fraud",
        1.0,
        haven=0.3,
    ),
)


@dataclass(frozen=True)
class People:
    """How to name someone of a nationality: a faker locale, or short lists where faker has none in Latin
    script (sq_AL gives English names; Tigrinya and Sudanese Arabic have no locale) or mixes genders
    (lt_LT: Lithuanian women's surnames take -ienė or -aitė)."""

    locale: str
    language: str
    speaks_english: float  # share who need no interpreter
    female: tuple[str, ...] = ()
    male: tuple[str, ...] = ()
    surnames: tuple[str, ...] = ()
    female_surnames: tuple[str, ...] = ()


PEOPLE: dict[str, People] = {
    "Polish": People("pl_PL", "Polish", 0.3),
    "Romanian": People("ro_RO", "Romanian", 0.2),
    "Czech": People("cs_CZ", "Czech", 0.2),
    "Slovak": People("sk_SK", "Slovak", 0.2),
    "Hungarian": People("hu_HU", "Hungarian", 0.2),
    "Lithuanian": People(
        "",
        "Lithuanian",
        0.3,
        ("Aurelija", "Irma", "Justina", "Rasa", "Ieva", "Asta", "Jurgita", "Simona", "Greta"),
        ("Arūnas", "Eimantas", "Deividas", "Mantas", "Tomas", "Darius", "Lukas", "Jonas", "Paulius"),
        ("Kazlauskas", "Petrauskas", "Jankauskas", "Stankevičius", "Vasiliauskas", "Žukauskas", "Butkus"),
        ("Kazlauskienė", "Petrauskaitė", "Jankauskienė", "Stankevičiūtė", "Vasiliauskienė", "Butkutė"),
    ),
    "Latvian": People("lv_LV", "Latvian", 0.3),
    "British": People("en_GB", "English", 1.0),
    "Vietnamese": People("vi_VN", "Vietnamese", 0.05),
    "Albanian": People(
        "",
        "Albanian",
        0.15,
        ("Arta", "Besa", "Blerta", "Drita", "Elira", "Era", "Jonida", "Klea", "Mirela", "Rezarta"),
        ("Arben", "Besnik", "Dritan", "Ervin", "Gentian", "Ilir", "Klodian", "Redon", "Arjan", "Erion"),
        ("Hoxha", "Shehu", "Leka", "Gashi", "Krasniqi", "Dervishi", "Marku", "Kola", "Basha", "Cela", "Meta"),
    ),
    "Eritrean": People(
        "",
        "Tigrinya",
        0.1,
        ("Senait", "Selam", "Mebrat", "Saba", "Yordanos", "Winta", "Ruta", "Helen", "Luwam"),
        ("Tesfay", "Yonas", "Merhawi", "Dawit", "Filmon", "Samuel", "Habtom", "Kidane", "Biniam"),
        ("Haile", "Tesfamariam", "Ghebremedhin", "Berhane", "Kahsay", "Tekle", "Woldu", "Mehari", "Gebru"),
    ),
    "Sudanese": People(
        "",
        "Arabic",
        0.15,
        ("Amna", "Fatima", "Hawa", "Mariam", "Sara", "Nafisa", "Khadija", "Samah"),
        ("Mohamed", "Ahmed", "Osman", "Abdelrahman", "Ibrahim", "Yousif", "Adam", "Hamza", "Mustafa"),
        ("Abdalla", "Osman", "Elsheikh", "Ibrahim", "Babiker", "Hassan", "Mohamed", "Yagoub", "Adam"),
    ),
}

NO_CRIME_REASONS = (
    "Exploitation took place overseas; passed to the National Crime Agency",
    "Exploitation in another force area; crime recorded by that force",
    "Historic exploitation abroad before arrival in the UK; no offence in England and Wales",
)
NAVIGATOR_SOURCES = (
    ("Human Trafficking Team", 40),
    ("Victim liaison officer", 20),
    ("Haven House", 15),
    ("District officer", 10),
    ("Local authority", 8),
    ("Self-referral", 4),
    ("Partner charity", 3),
)
FACTS = (
    "Identified during {op}.",
    "Found at the address searched during {op}.",
    "Came forward after {op}; disclosed being made to work without pay.",
    "Identified by a district officer; linked to {op}.",
)
ASSESSMENTS = (
    "Presents as anxious; fears reprisals against family at home.",
    "Reluctant to engage at first; trust building through the Navigator.",
    "Possible debt bondage; says money is owed for travel.",
    "Low mood reported; GP registration arranged.",
    "Does not see themselves as a victim; keep contact low-key.",
    "",
    "",
)
SUMMARIES: dict[ContactPurpose, tuple[str, ...]] = {
    ContactPurpose.INITIAL: (
        "First contact: explained the VLO role and the Victims' Code; agreed how to keep in touch.",
    ),
    ContactPurpose.WELFARE: (
        "Welfare check; no new concerns.",
        "Welfare check; discussed accommodation and health appointments.",
        "Welfare check; settling in, attending English classes.",
    ),
    ContactPurpose.INVESTIGATION_UPDATE: (
        "Update on the investigation: enquiries continue.",
        "Update: suspects' phones being examined; no decision yet.",
    ),
    ContactPurpose.STATEMENT: (
        "Arranged the statement with an interpreter.",
        "Took part in an ABE interview.",
    ),
    ContactPurpose.COURT: (
        "Explained the court process; pre-trial visit booked.",
        "Updated on the trial date.",
    ),
    ContactPurpose.SAFEGUARDING: ("Safeguarding concern raised with the district safeguarding team.",),
    ContactPurpose.NRM_SUPPORT_LIAISON: (
        "Liaised with the support provider about NRM support.",
        "Discussed the Reasonable Grounds decision and what it means.",
    ),
    ContactPurpose.CLOSURE: ("Closing contact: no further contact needed; told how to get back in touch.",),
}
METHODS = (
    (ContactMethod.IN_PERSON, 35),
    (ContactMethod.PHONE, 30),
    (ContactMethod.TEXT_APP, 15),
    (ContactMethod.VIA_NAVIGATOR, 8),
    (ContactMethod.VIDEO, 5),
    (ContactMethod.LETTER_EMAIL, 7),
)
DESTINATIONS = (
    (DischargeDestination.MSVCC_SAFE_HOUSE, 30),
    (DischargeDestination.ASYLUM_ACCOMMODATION, 8),
    (DischargeDestination.LOCAL_AUTHORITY, 5),
    (DischargeDestination.FRIENDS_FAMILY, 12),
    (DischargeDestination.OWN_ACCOMMODATION, 10),
    (DischargeDestination.RETURNED_TO_PREVIOUS, 6),
    (DischargeDestination.VOLUNTARY_RETURN, 8),
    (DischargeDestination.PLACE_OF_SAFETY, 5),
    (DischargeDestination.HOSPITAL, 2),
    (DischargeDestination.POLICE_CUSTODY, 2),
    (DischargeDestination.IMMIGRATION_DETENTION, 2),
    (DischargeDestination.LEFT_WITHOUT_NOTICE, 10),
)
ANONYMOUS_DESTINATIONS = (
    (DischargeDestination.LEFT_WITHOUT_NOTICE, 40),
    (DischargeDestination.RETURNED_TO_PREVIOUS, 20),
    (DischargeDestination.OWN_ACCOMMODATION, 15),
    (DischargeDestination.FRIENDS_FAMILY, 15),
    (DischargeDestination.VOLUNTARY_RETURN, 10),
)
NOTIFIABLE = {d.value: d for d in NotifiableDecision}


_CUMULATIVE: dict[tuple[tuple[Any, float], ...], tuple[tuple[Any, ...], list[float]]] = {}


def pick(rng: random.Random, weighted: tuple[tuple[Any, float], ...]) -> Any:
    """One value of (value, weight) pairs; each table's running totals are worked out once."""
    table = _CUMULATIVE.get(weighted)
    if table is None:
        values, weights = zip(*weighted, strict=True)
        table = _CUMULATIVE[weighted] = (values, list(itertools.accumulate(weights)))
    return rng.choices(table[0], cum_weights=table[1])[0]
