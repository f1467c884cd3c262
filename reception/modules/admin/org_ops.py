"""Background operations of the 组织机构 page (issue #9): plain functions of a session.

Each builder returns a callable the page hands to the :class:`TaskRunner`. They call the
organisation services only (:mod:`shared.services.org`), which check every value, audit the
change with the signed-in staff member as actor and publish it in the change feed; no widget
runs SQL or holds these rules. Nothing is ever deleted: 停用 saves the record inactive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.orm import Session

from shared.services.org import (
    DepartmentInfo,
    QueueInfo,
    SiteInfo,
    WindowInfo,
    list_departments,
    list_queues,
    list_sites,
    list_windows,
    save_department,
    save_queue,
    save_site,
    save_window,
)
from shared.services.staff import StaffInfo

Op = Callable[[Session], Any]


@dataclass(frozen=True)
class OrgListing:
    """Everything the 组织机构 page shows, read in one transaction."""

    sites: list[SiteInfo]
    departments: list[DepartmentInfo]
    queues: list[QueueInfo]
    windows: list[WindowInfo]


def load_organisation(session: Session) -> OrgListing:
    """Every site, department, queue and window, active or not."""
    return OrgListing(
        list_sites(session), list_departments(session), list_queues(session), list_windows(session)
    )


def _actor(acting: StaffInfo) -> dict[str, Any]:
    return {"actor": acting.username, "actor_id": acting.id}


def save_site_op(acting: StaffInfo, site: SiteInfo) -> Op:
    """Create or update a site from the dialog's values."""

    def run(session: Session) -> SiteInfo:
        return save_site(
            session,
            code=site.code,
            name=site.name,
            kind=site.kind,
            address=site.address,
            phone=site.phone,
            active=site.active,
            **_actor(acting),
        )

    return run


def save_department_op(acting: StaffInfo, dept: DepartmentInfo) -> Op:
    """Create or update a department."""

    def run(session: Session) -> DepartmentInfo:
        return save_department(
            session,
            code=dept.code,
            name=dept.name,
            short_name=dept.short_name,
            active=dept.active,
            **_actor(acting),
        )

    return run


def save_queue_op(acting: StaffInfo, queue: QueueInfo) -> Op:
    """Create or update a queue (the service checks prefix, policy, minutes, departments)."""

    def run(session: Session) -> QueueInfo:
        return save_queue(
            session,
            site=queue.site_code,
            prefix=queue.prefix,
            name=queue.name,
            description=queue.description,
            policy=queue.policy,
            interleave_n=queue.interleave_n if queue.policy == "interleave" else None,
            default_service_minutes=queue.default_service_minutes,
            departments=queue.departments,
            active=queue.active,
            **_actor(acting),
        )

    return run


def save_window_op(acting: StaffInfo, window: WindowInfo) -> Op:
    """Create or update a window (an active window must serve at least one queue)."""

    def run(session: Session) -> WindowInfo:
        return save_window(
            session,
            site=window.site_code,
            number=window.number,
            name=window.name,
            location=window.location,
            queues=window.queues,
            active=window.active,
            **_actor(acting),
        )

    return run


Record = SiteInfo | DepartmentInfo | QueueInfo | WindowInfo


def set_active_op(acting: StaffInfo, record: Record, active: bool) -> Op:
    """停用 or 启用 a record: save it unchanged but for ``active`` (never a delete)."""
    changed = replace(record, active=active)
    if isinstance(changed, SiteInfo):
        return save_site_op(acting, changed)
    if isinstance(changed, DepartmentInfo):
        return save_department_op(acting, changed)
    if isinstance(changed, QueueInfo):
        return save_queue_op(acting, changed)
    return save_window_op(acting, changed)
