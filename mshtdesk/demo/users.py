"""The demo's users, one per role, with fixed passwords the demo's login dialog shows. Demo only: these
accounts exist in a database ``create_demo_database`` made, never in a real one."""

from __future__ import annotations

from dataclasses import dataclass

from mshtdesk.domain.roles import Role


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: Role


DEMO_USERS: tuple[DemoUser, ...] = tuple(
    DemoUser(name, password, role)
    for name, password, role in (
        ("admin", "amber-kestrel-lantern", Role.ADMINISTRATOR),
        ("manager", "copper-heron-meadow", Role.MANAGER),
        ("officer", "granite-fox-harbour", Role.HTT_OFFICER),
        ("vlo", "silver-rowan-bridge", Role.VLO),
        ("navigator", "ember-willow-compass", Role.NAVIGATOR),
        ("haven", "cobalt-orchid-river", Role.HAVEN_HOUSE),
        ("auditor", "juniper-tarn-ledger", Role.AUDITOR),
    )
)
