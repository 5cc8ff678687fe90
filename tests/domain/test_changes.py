"""Changes as values: union, which views they touch, and which records they name."""

from __future__ import annotations

from mshtdesk.domain.changes import NOTHING, Changes, Data


def test_a_change_with_ids_names_only_those_records() -> None:
    c = Changes.of(Data.ARREST, 4, 7)
    assert c.ids_of(Data.ARREST) == {4, 7}
    assert c.touches_record(Data.ARREST, 4)
    assert not c.touches_record(Data.ARREST, 5)
    assert c.ids_of(Data.PERSON) == frozenset()


def test_a_change_without_ids_may_be_any_record_and_wins_in_a_union() -> None:
    c = Changes.of(Data.ARREST, 4) | Changes.of(Data.ARREST)
    assert c.ids_of(Data.ARREST) is None
    assert c.touches_record(Data.ARREST, 99)


def test_touches_asks_whether_a_view_shows_one_of_the_kinds() -> None:
    c = Changes.of(Data.CONTACT, 1) | Changes.of(Data.PERSON)
    assert c.touches(frozenset({Data.PERSON, Data.REFERRAL}))
    assert not c.touches(frozenset({Data.ARREST, Data.DISPOSAL}))
    assert not NOTHING.touches(frozenset(Data))
    assert not NOTHING and c


def test_everything_touches_every_kind_and_every_record() -> None:
    every = Changes.everything()
    assert all(every.touches(frozenset({k})) for k in Data)
    assert every.touches_record(Data.HAVEN_STAY, 12345)
    assert every.describe().count(",") == len(Data) - 1
