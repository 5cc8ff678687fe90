from datetime import date

from mshtdesk.domain.disposal_table import assemble_table
from mshtdesk.domain.disposals import DEFAULT_DISPOSALS

RANKING = [(k.code, k.label) for k in DEFAULT_DISPOSALS]
PERIOD = (date(2021, 4, 1), date(2022, 4, 30), date(2022, 5, 24))


def test_all_seven_rows_with_zeros_then_total() -> None:
    t = assemble_table([("BD", "CHARGE", 2), ("LD", "NFA", 3)], ["BD", "CD", "LD"], RANKING, *PERIOD)
    assert t.header == ("Disposal Type", "Disposals", "BD", "CD", "LD")
    assert [r[0] for r in t.records()] == [label for _, label in RANKING] + ["Total arrests"]
    assert t.records()[0] == ["Charge", 2, 2, 0, 0]
    assert t.records()[3] == ["Other", 0, 0, 0, 0]
    assert t.records()[-1] == ["Total arrests", 5, 2, 0, 3]


def test_no_disposal_row_only_when_non_zero() -> None:
    t = assemble_table([("BD", None, 1), ("BD", "BAIL", 1)], ["BD"], RANKING, *PERIOD)
    assert [r[0] for r in t.records()][-2:] == ["No disposal recorded", "Total arrests"]
    assert t.records()[-1] == ["Total arrests", 2, 2]


def test_an_unlisted_district_still_counts() -> None:
    t = assemble_table([("XX", "RUI", 1)], ["BD"], RANKING, *PERIOD)
    assert t.header[-1] == "XX" and t.total_arrests == 1


def test_footnotes_state_the_rule_and_the_ranking() -> None:
    t = assemble_table([], ["BD"], list(reversed(RANKING)), *PERIOD)
    assert "highest ranked disposal" in t.footnotes[0]
    assert t.footnotes[1].startswith("Ranking used, highest first: Released under investigation, Bail")
    assert (
        t.caption == "Arrests between 01/04/2021 and 30/04/2022 by highest-ranked disposal (as at 24/05/2022)"
    )
