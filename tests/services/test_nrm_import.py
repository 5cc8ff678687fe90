"""NRM register import from real files: values in any case, names or codes, ISO or UK dates; idempotent,
cumulative, all-or-nothing, every error named by physical line and column; audited once per file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import func, select

from mshtdesk.domain.nrm import DecisionKind, Outcome, Route
from mshtdesk.domain.roles import Role
from mshtdesk.errors import CancelledError, ImportRejectedError, PermissionDeniedError
from mshtdesk.imports.nrm import COLUMNS
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.nrm import ReferralQuery, ReferralStatus
from mshtdesk.store.tables import IMPORT_BATCH, NRM_DECISION, NRM_REFERRAL, PERSON
from tests.conftest import DATA

Backends = Callable[[Role], Backend]
REGISTER = DATA / "nrm_register.csv"
LATER = DATA / "nrm_register_later.csv"
BAD = DATA / "nrm_bad.csv"
HEADER = ",".join(COLUMNS) + "\n"


def counts(b: Backend) -> tuple[int, ...]:
    with b.db.engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (PERSON, NRM_REFERRAL, NRM_DECISION, IMPORT_BATCH)
        )


def run(b: Backend, rows: str, **kw: object):  # type: ignore[no-untyped-def]
    return b.import_nrm((HEADER + rows).encode("utf-8"), "register.csv", **kw)


def test_the_register_imports_with_every_accepted_form(backend: Backend) -> None:
    s = backend.import_nrm_file(str(REGISTER))
    assert (s.rows_read, s.referrals_added, s.people_added, s.decisions_added) == (6, 6, 5, 5)
    assert counts(backend) == (5, 6, 5, 1)
    nrm = backend.nrm
    d = nrm.get(nrm.find_id("NRM-23-002") or 0)
    assert d.person_ref == "V-002" and d.person_name == "Dervishi, Elira"
    assert d.exploitation_label == "Sexual & Criminal" and d.data.submitted_date == date(2023, 3, 14)
    assert d.data.route is Route.NRM and d.data.consents is None  # a child needs no consent
    assert [(x.kind, x.outcome, x.decided_on) for x in d.decisions] == [
        (DecisionKind.RG, Outcome.POSITIVE, date(2023, 3, 21))
    ]
    assert d.decisions[0].source == "import" and d.decisions[0].recorded_by == "officer"
    dtn = nrm.get(nrm.find_id("NRM-23-003") or 0)
    assert dtn.status is ReferralStatus.DUTY_TO_NOTIFY and dtn.person_name == ""
    assert dtn.data.consents is False and dtn.data.cooperates is False
    done = nrm.get(nrm.find_id("NRM-23-001") or 0)
    assert done.status is ReferralStatus.CONCLUDED
    assert done.decisions[-1].outcome is Outcome.POSITIVE_SLAVERY
    assert nrm.get(nrm.find_id("NRM-23-005") or 0).exploitation_label == "Not specified or unknown"
    assert nrm.get(nrm.find_id("NRM-23-004") or 0).data.no_crime_reason == "Exploited overseas before arrival"
    # two referrals of one person (V-001), and the nationality code stored as its name
    people = {p.person_ref: p for p in backend.people.list()}
    assert people["V-001"].nationality == "Polish" and people["V-002"].nationality == "Albanian"
    assert {r.referral_ref for r in nrm.list(ReferralQuery(text="nowicki"))} == {"NRM-23-001", "NRM-23-005"}
    # audited once, as a combination
    log = backend_log(backend, "import_batch")
    assert [e.action for e in log] == ["combine"] and "nrm_register.csv" in log[0].reason


def backend_log(b: Backend, entity: str):  # type: ignore[no-untyped-def]
    auditor = Backend.as_user(b.db, "auditor")
    return auditor.audit.list(AuditQuery(entity=entity))


def test_importing_the_same_file_twice_changes_nothing(backend: Backend) -> None:
    backend.import_nrm_file(str(REGISTER))
    before = counts(backend)
    again = backend.import_nrm_file(str(REGISTER))
    assert not again.changed and again.referrals_already_present == 6 and again.batch_id is None
    assert "Nothing new" in again.describe()
    assert counts(backend) == before
    assert len(backend_log(backend, "import_batch")) == 1


def test_a_later_cumulative_register_adds_only_what_is_new(backend: Backend) -> None:
    backend.import_nrm_file(str(REGISTER))
    s = backend.import_nrm_file(str(LATER))
    # new: NRM-24-002 (and person V-006), V-004's date of birth, CG for NRM-23-002, RG for NRM-24-001
    assert (s.referrals_added, s.people_added, s.people_completed, s.decisions_added) == (1, 1, 1, 2)
    assert s.referrals_already_present == 5
    assert "1 new referrals" in s.describe()
    nrm = backend.nrm
    assert nrm.get(nrm.find_id("NRM-23-002") or 0).status is ReferralStatus.CONCLUDED
    assert nrm.get(nrm.find_id("NRM-24-001") or 0).status is ReferralStatus.AWAITING_CG
    assert backend.people.get(nrm.get(nrm.find_id("NRM-23-004") or 0).person_id).data.date_of_birth == date(
        2007, 1, 30
    )
    assert not backend.import_nrm_file(str(LATER)).changed
    assert counts(backend)[3] == 2


def test_a_bad_file_names_every_error_and_writes_nothing(backend: Backend) -> None:
    with pytest.raises(ImportRejectedError) as e:
        backend.import_nrm_file(str(BAD))
    found = [(x.line, x.column) for x in e.value.errors]
    assert found == [
        (4, "route"),
        (5, "route"),
        (6, "surname"),
        (7, "submitted_date"),
        (8, "nationality"),
        (9, "exploitation"),
        (11, "cg_outcome"),
        (12, "rg_date"),
        (13, "crime_ref"),
        (14, "surname"),
        (15, "submitted_date"),
        (17, "gender"),
        (18, "age_at_referral"),
        (19, "exploitation"),
        (20, "rg_date"),
        (21, "row"),
        (22, "submitted_date"),
        (23, "exploitation_location"),
        (24, "rg_outcome"),
        (25, "cg_outcome"),
    ], [str(x) for x in e.value.errors]
    text = "\n".join(str(x) for x in e.value.errors)
    for words in (
        "'Taxi' is not one of NRM or DtN",
        "Duty to Notify is for adults only",
        "Duty to Notify is anonymous",
        "not a real calendar date",
        "'Narnian' is not a nationality",
        "'Fishing' is not an exploitation type",
        "needs a positive Reasonable Grounds decision first",
        "rg_date: is empty but rg_outcome is given",
        "Give the crime reference",
        "'Lupu' contradicts line 2 for person P-1",
        "referral B-01 is also on line 2 with a different submitted_date",
        "'robot' is not one of female, male, other or unknown",
        "age_at_referral: is empty",
        "cannot be combined",
        "is before the referral was submitted",
        "has 10 fields but the header has 19",
        "is in the future",
        "'Mars' is not one of UK, Overseas",
        "Duty to Notify receives no NRM decisions",
        "'positive' is not one of positive-trafficking, positive-slavery or negative",
    ):
        assert words in text, words
    assert e.value.rows_read == 21
    assert counts(backend) == (0, 0, 0, 0)


def test_contradictions_with_stored_data_are_errors(backend: Backend) -> None:
    backend.import_nrm_file(str(REGISTER))
    before = counts(backend)
    rows = (
        # stored person V-001 is Tomasz; a different forename contradicts it
        "N-1,V-001,Nowicki,Adam,,,,NRM,2024-02-01,adult,adult,Labour,UK,13/1/24,,,,,\n"
        # stored referral with another submission date and a different RG
        "NRM-23-002,V-002,,,,,,NRM,2023-03-15,child,child,Sexual;Criminal,UK and Overseas,13/20233/23,,"
        "negative,2023-03-21,,\n"
        # stored referral of another person
        "NRM-24-001,V-002,,,,,,NRM,2024-01-08,adult,adult,Domestic;Sexual,UK,13/10044/24,,,,,\n"
        # a DtN for a stored named person
        "N-2,V-005,,,,,,DtN,2024-02-01,adult,adult,Labour,UK,13/2/24,,,,,\n"
        # a CG other than the one stored
        "NRM-23-001,V-001,,,,,,NRM,2023-02-06,adult,adult,Labour,UK,13/20011/23,,positive,2023-02-13,"
        "negative,2023-11-20\n"
    )
    with pytest.raises(ImportRejectedError) as e:
        run(backend, rows)
    found = [(x.line, x.column) for x in e.value.errors]
    assert found == [
        (2, "forenames"),
        (3, "submitted_date"),
        (3, "rg_outcome"),
        (4, "person_ref"),
        (5, "person_ref"),
        (6, "cg_outcome"),
    ], [str(x) for x in e.value.errors]
    assert "contradicts the stored forenames of person V-001 (Tomasz)" in str(e.value.errors[0])
    assert "contradicts the stored Reasonable Grounds decision" in str(e.value.errors[2])
    assert counts(backend) == before


def test_a_stored_anonymous_dtn_person_is_not_given_a_name(backend: Backend) -> None:
    backend.import_nrm_file(str(REGISTER))
    with pytest.raises(ImportRejectedError) as e:
        run(backend, "N-9,V-003,Stan,,,,,NRM,2024-02-01,adult,adult,Labour,UK,13/9/24,,,,,\n")
    assert [(x.line, x.column) for x in e.value.errors] == [(2, "surname")]
    assert "anonymous Duty to Notify (NRM-23-003)" in str(e.value.errors[0])


def test_a_cg_inside_the_recovery_period_is_accepted_with_a_warning(backend: Backend) -> None:
    s = run(
        backend,
        "W-1,W1,Stan,Ana,,,,NRM,2024-01-02,adult,adult,Labour,UK,13/1/24,,positive,2024-01-05,"
        "positive-trafficking,2024-01-20\n",
    )
    assert s.decisions_added == 2 and len(s.warnings) == 1 and "recovery period" in s.warnings[0]
    assert "accepted with a warning" in s.describe()


def test_a_cg_added_to_a_stored_referral_warns_on_its_line(backend: Backend) -> None:
    first = "W-1,W1,Stan,Ana,,,,NRM,2024-01-02,adult,adult,Labour,UK,13/1/24,,positive,2024-01-05,,\n"
    assert run(backend, first).warnings == ()
    later = "X-1,X1,,,,,,NRM,2024-01-03,adult,adult,Labour,UK,13/2/24,,,,,\n" + first.replace(
        ",,\n", ",positive-trafficking,2024-01-20\n"
    )
    s = run(backend, later)
    assert s.decisions_added == 1 and len(s.warnings) == 1
    assert s.warnings[0].startswith("line 3: ") and "recovery period" in s.warnings[0]


def test_a_register_in_no_order_is_written_in_submission_order(backend: Backend) -> None:
    rows = [
        "C-3,P3,,,,,,NRM,2024-03-01,adult,adult,Labour,UK,13/3/24,,positive,2024-03-04,negative,2024-06-20\n",
        "A-1,P1,,,,,,NRM,2024-01-01,adult,adult,Labour,UK,13/1/24,,positive,2024-01-04,negative,2024-04-20\n",
        "B-2,P2,,,,,,NRM,2024-02-01,adult,adult,Labour,UK,13/2/24,,positive,2024-02-04,,\n",
    ]
    assert run(backend, "".join(rows)).decisions_added == 5
    with backend.db.engine.connect() as conn:
        refs = conn.execute(select(NRM_REFERRAL.c.referral_ref).order_by(NRM_REFERRAL.c.id)).scalars()
        assert list(refs) == ["A-1", "B-2", "C-3"]
        kinds = conn.execute(
            select(NRM_REFERRAL.c.referral_ref, NRM_DECISION.c.kind)
            .join(NRM_REFERRAL, NRM_REFERRAL.c.id == NRM_DECISION.c.referral_id)
            .order_by(NRM_DECISION.c.id)
        ).all()
    assert [tuple(k) for k in kinds] == [
        ("A-1", "rg"),
        ("A-1", "cg"),
        ("B-2", "rg"),
        ("C-3", "rg"),
        ("C-3", "cg"),
    ]


def test_dry_run_cancel_header_and_rights(backend_for: Backends) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    s = officer.import_nrm_file(str(REGISTER), dry_run=True)
    assert s.referrals_added == 6 and s.dry_run and "Nothing was written" in s.describe()
    assert counts(officer) == (0, 0, 0, 0)
    with pytest.raises(CancelledError):
        officer.import_nrm_file(str(REGISTER), cancel=lambda: True)
    assert counts(officer) == (0, 0, 0, 0)
    seen: list[tuple[str, int, int]] = []
    officer.import_nrm_file(str(REGISTER), progress=lambda *a: seen.append(a))
    assert seen and seen[-1][0] == "Writing" and seen[-1][1] == seen[-1][2]
    with pytest.raises(ImportRejectedError) as e:
        officer.import_nrm(b"referral_ref;person_ref\nA;B\n", "x.csv")
    assert (1, "surname") in [(x.line, x.column) for x in e.value.errors]
    with pytest.raises(ImportRejectedError, match="1 problem"):
        officer.import_nrm(HEADER.encode(), "x.csv")
    with pytest.raises(ImportRejectedError):
        officer.import_nrm("é".encode("latin-1"), "x.csv")
    for role in (Role.MANAGER, Role.VLO, Role.HAVEN_HOUSE, Role.ADMINISTRATOR):
        with pytest.raises(PermissionDeniedError):
            backend_for(role).import_nrm_file(str(REGISTER))


def test_a_referral_repeated_in_other_words_is_one_referral(backend: Backend) -> None:
    s = run(
        backend,
        "D-1,D1,Lungu,Ana,,female,ROU,NRM,2023-03-01,adult,adult,Sexual;Labour,UK,13/1/23,,,,,\n"
        "D-1,D1,,,,,Romanian,nrm,01/03/2023,ADULT,Adult,labour; sexual,uk,13/1/23,,,,,\n",
    )
    assert (s.referrals_added, s.people_added) == (1, 1)


def test_errors_found_across_rows_are_listed_in_line_order(backend: Backend) -> None:
    with pytest.raises(ImportRejectedError) as e:
        run(
            backend,
            "A-1,X1,,,,,,DtN,2023-03-01,adult,adult,Labour,UK,13/1/23,,,,,\n"
            "A-2,X1,Named,,,,,NRM,2023-03-01,adult,adult,Labour,UK,13/2/23,,,,,\n"
            "A-3,X3,,,,robot,,NRM,2023-03-01,adult,adult,Labour,UK,13/3/23,,,,,\n",
        )
    assert [(x.line, x.column) for x in e.value.errors] == [(2, "person_ref"), (4, "gender")]


def test_imported_people_and_referrals_are_found_by_the_search_once(backend: Backend) -> None:
    """The import writes in bulk and indexes the new rows together: each is found, and only once, also
    after the same register and a later one are imported again."""
    backend.import_nrm_file(str(REGISTER))
    backend.import_nrm_file(str(REGISTER))
    people_found = [r for r in backend.search.find("Dervishi") if r.kind.value == "person"]
    assert len(people_found) == 1 and "V-002" in people_found[0].title, people_found
    refs = [r for r in backend.search.find("NRM-23-002") if r.kind.value == "referral"]
    assert len(refs) == 1 and refs[0].record_id == backend.nrm.find_id("NRM-23-002")
    if backend.db.engine.dialect.name != "sqlite":
        return  # a team server searches the tables themselves: there is no index table to count
    with backend.db.engine.connect() as conn:
        entries = conn.exec_driver_sql(
            "SELECT kind, COUNT(*), COUNT(DISTINCT record_id) FROM search_entry "
            "WHERE kind IN ('person', 'referral') GROUP BY kind ORDER BY kind"
        ).all()
    people, referrals, *_ = counts(backend)
    assert [tuple(e) for e in entries] == [("person", people, people), ("referral", referrals, referrals)]
