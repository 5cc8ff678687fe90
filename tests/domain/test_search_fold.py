"""The SQL function the search index's triggers call folds exactly as ``domain.names.fold`` does,
ASCII short way included (an index folded one way and a search folded another would miss)."""

from __future__ import annotations

from mshtdesk.domain.names import fold
from mshtdesk.domain.search import Rank, rank, search_text
from mshtdesk.store.engine import _fold


def test_the_sql_fold_is_the_names_fold() -> None:
    samples = [
        "WY/22/000042",
        "Op Kestrel",
        "Khalid PHILLIPS-Wyatt",
        "x-ray JAY yew",
        "Ştefan Popescu",
        "Стефан Попеску",
        "Łukasz Wójcik",
        "ß æ ø",
        "",
        "Tab\tand\nnewline",
        "ＦＵＬＬＷＩＤＴＨ",
    ]
    for text in samples:
        assert _fold(text) == fold(text), text
    assert _fold(None) == ""


def test_search_text_and_rank() -> None:
    assert search_text("  \x00 \x1b ") is None
    found = search_text("Ştefan\u0007  POPESCU")
    assert found is not None and found.folded == "stefan popescu" and found.partial
    short = search_text("Po")
    assert short is not None and not short.partial
    assert rank(short, "", "popescu stefan") is Rank.PREFIX
    q = search_text("al-amin")
    assert q is not None and rank(q, "p-1", "al-amin ahmed") is Rank.PREFIX
    amin = search_text("amin")
    assert amin is not None and rank(amin, "", "al-amin ahmed") is Rank.PREFIX
    assert rank(amin, "", "benjamin") is Rank.PARTIAL
    ref = search_text("P-000001")
    assert ref is not None and rank(ref, "p-000001", "") is Rank.EXACT_REFERENCE
