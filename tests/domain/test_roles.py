from mshtdesk.domain.roles import PERMISSIONS, Action, Entity, RecordScope, Role, may
from mshtdesk.security.passwords import hash_password, policy_problem, verify_password


def test_every_role_has_a_row_and_least_privilege_holds() -> None:
    assert set(PERMISSIONS) == set(Role)
    assert not may(Role.ADMINISTRATOR, 1, Action.READ, Entity.ARREST)  # administers, does not investigate
    assert not may(Role.AUDITOR, 1, Action.READ, Entity.PERSON)
    assert may(Role.AUDITOR, 1, Action.READ, Entity.AUDIT_LOG)
    assert not may(Role.AUDITOR, 1, Action.UPDATE, Entity.AUDIT_LOG)  # nobody may change the log
    assert not any(
        Action.UPDATE in g[0]
        for grants in PERMISSIONS.values()
        for e, g in grants.items()
        if e == Entity.AUDIT_LOG
    )


def test_record_scope_narrows_vlo_and_navigator() -> None:
    mine = RecordScope(vlo_user_ids=frozenset({7}), navigator_user_ids=frozenset({9}))
    assert may(Role.VLO, 7, Action.READ, Entity.PERSON, mine)
    assert not may(Role.VLO, 8, Action.READ, Entity.PERSON, mine)
    assert may(Role.NAVIGATOR, 9, Action.UPDATE, Entity.NAVIGATOR_CASE, mine)
    assert not may(Role.NAVIGATOR, 7, Action.READ, Entity.PERSON, mine)
    assert may(Role.MANAGER, 1, Action.READ, Entity.PERSON, mine)  # force-wide
    assert may(Role.VLO, 8, Action.READ, Entity.PERSON)  # a list: narrowed in SQL, not refused


def test_password_policy() -> None:
    assert policy_problem("short") is not None
    assert policy_problem("password1234") is not None
    assert policy_problem("aaaaaaaaaaaaaaa") is not None
    assert policy_problem("chief-of-the-team-2026", "chief") is not None
    assert policy_problem("correct horse battery staple") is None


def test_password_hashes_are_argon2id_and_salted() -> None:
    a, b = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert a.startswith("$argon2id$") and a != b
    assert verify_password(a, "correct horse battery") and not verify_password(a, "correct horse batterY")
    assert not verify_password("not a hash", "x")
