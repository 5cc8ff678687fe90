"""The pages of the main window, in navigation order. Adding a page is one line in ``PAGES``.

Pages are named by module rather than imported, so the window can list them while the database (and
the SQLAlchemy import behind the services) is still opening on the worker. Each names the permission
it needs: a user sees only the pages their role may read (the services would refuse the rest anyway).
"""

from __future__ import annotations

from typing import NamedTuple

from mshtdesk.domain.roles import Action, Entity  # standard library only: cheap at start-up


class PageSpec(NamedTuple):
    title: str
    module: str
    cls: str
    needs: tuple[Action, Entity]


PAGES: tuple[PageSpec, ...] = (
    PageSpec("Today", "ui.pages.today_page", "TodayPage", (Action.READ, Entity.PERSON)),  # lands here
    PageSpec("People", "ui.pages.people_page", "PeoplePage", (Action.READ, Entity.PERSON)),
    PageSpec("Arrests", "ui.pages.arrests_page", "ArrestsPage", (Action.READ, Entity.ARREST)),
    PageSpec(
        "Disposal table", "ui.pages.disposal_page", "DisposalPage", (Action.READ, Entity.DISPOSAL_REPORT)
    ),
    PageSpec("Reports", "ui.pages.reports_page", "ReportsPage", (Action.READ, Entity.DISPOSAL_REPORT)),
    PageSpec("NRM", "ui.pages.nrm_page", "NrmPage", (Action.READ, Entity.NRM_REFERRAL)),
    PageSpec("Navigator", "ui.pages.navigator_page", "NavigatorPage", (Action.READ, Entity.NAVIGATOR_CASE)),
    PageSpec("Haven House", "ui.pages.haven_page", "HavenPage", (Action.READ, Entity.HAVEN_STAY)),
    PageSpec("Contacts", "ui.pages.contacts_page", "ContactsPage", (Action.READ, Entity.VLO_CONTACT)),
    PageSpec("Review queue", "ui.pages.review_page", "ReviewPage", (Action.READ, Entity.RETENTION_REVIEW)),
    PageSpec("Audit log", "ui.pages.audit_page", "AuditPage", (Action.READ, Entity.AUDIT_LOG)),
    PageSpec("Users", "ui.pages.users_page", "UsersPage", (Action.ADMINISTER, Entity.USER)),
)
