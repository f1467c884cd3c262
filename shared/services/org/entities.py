"""Sites, departments, queues and windows: created and changed one at a time, by code.

The console's 组织机构 page and the workbook import (:mod:`shared.services.org.workbook`) both
write through these functions, so a rule lives once. Nothing is ever deleted: a record that is
no longer wanted is deactivated, so history (tickets at a window, matters of a department)
keeps its references. Every change is audited and published in the change feed (kind
``organisation``), so running terminals pick it up.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.changes import record_change
from shared.errors import NotFound, ValidationError
from shared.models import Department, Queue, Site, Window
from shared.models.org import SITE_KINDS
from shared.services.audit import audit
from shared.services.settings import site_by_code

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
PREFIX_RE = re.compile(r"^[A-Z]{1,2}$")
SITE_KIND_WORDS = {
    "district": "district",
    "区级中心": "district",
    "区政务服务中心": "district",
    "政务服务中心": "district",
    "subcentre": "subcentre",
    "分中心": "subcentre",
    "township": "township",
    "乡镇": "township",
    "乡镇便民服务中心": "township",
    "便民服务中心": "township",
}
SITE_KIND_ZH = {"district": "区级中心", "subcentre": "分中心", "township": "乡镇便民服务中心"}
POLICY_ZH = {"strict": "优先号始终优先", "interleave": "优先号穿插"}


@dataclass(frozen=True)
class SiteInfo:
    """A site as plain data."""

    code: str
    name: str
    kind: str
    address: str
    phone: str
    active: bool


@dataclass(frozen=True)
class DepartmentInfo:
    """A department as plain data."""

    code: str
    name: str
    short_name: str
    active: bool


@dataclass(frozen=True)
class QueueInfo:
    """A queue as plain data; ``departments`` are department codes."""

    site_code: str
    prefix: str
    name: str
    description: str
    policy: str
    interleave_n: int
    default_service_minutes: int
    departments: tuple[str, ...]
    active: bool


@dataclass(frozen=True)
class WindowInfo:
    """A window as plain data; ``queues`` are queue prefixes at its site."""

    site_code: str
    number: int
    name: str
    location: str
    queues: tuple[str, ...]
    active: bool


# -- checks ----------------------------------------------------------------------------------


def check_code(value: str, what: str = "code") -> str:
    """A record code: letters, digits, ``-`` and ``_``, at most 40."""
    code = str(value or "").strip()
    if not CODE_RE.match(code):
        raise ValidationError(
            f"{what} {code!r} must be 1-40 letters, digits, '-' or '_'",
            f"编码“{code}”只能由字母、数字、“-”和“_”组成（最多40位）。",
        )
    return code


def check_text(value: str | None, limit: int, label_zh: str, *, required: bool = False) -> str:
    """Trimmed text within ``limit`` characters."""
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError(f"{label_zh} is required", f"请填写{label_zh}。")
    if len(text) > limit:
        raise ValidationError(
            f"{label_zh} is longer than {limit} characters", f"{label_zh}不能超过{limit}个字。"
        )
    return text


def parse_site_kind(value: str) -> str:
    """``district``/``subcentre``/``township`` from the code or its Chinese word."""
    kind = SITE_KIND_WORDS.get(str(value or "").strip())
    if kind is None:
        raise ValidationError(
            f"unknown site kind {value!r} ({', '.join(SITE_KINDS)})",
            f"站点类型“{value}”无效（区级中心、分中心、乡镇便民服务中心）。",
        )
    return kind


def check_int(value: object, low: int, high: int, label_zh: str) -> int:
    """A whole number within ``low``..``high``."""
    try:
        if isinstance(value, bool):
            raise ValueError
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise ValidationError(
            f"{label_zh} must be a whole number, got {value!r}", f"{label_zh}应为整数。"
        ) from None
    if not low <= number <= high:
        raise ValidationError(
            f"{label_zh} must be between {low} and {high}, got {number}",
            f"{label_zh}应在 {low} 至 {high} 之间。",
        )
    return number


def parse_policy(value: str) -> tuple[str, int | None]:
    """``strict`` or ``interleave N`` (also 严格 / 穿插 N) → (policy, N or None)."""
    text = str(value or "").strip().lower()
    match = re.match(r"^(strict|严格|interleave|穿插)\s*(\d+)?$", text)
    if not match:
        raise ValidationError(
            f"calling policy must be 'strict' or 'interleave N', got {value!r}",
            f"叫号规则“{value}”无效，应为 strict（严格优先）或 interleave N（穿插）。",
        )
    policy = "strict" if match.group(1) in ("strict", "严格") else "interleave"
    if policy == "strict" and match.group(2):
        raise ValidationError("'strict' takes no number", "strict 后不应有数字。")
    n = int(match.group(2)) if match.group(2) else None
    if policy == "interleave" and n is None:
        raise ValidationError(
            "'interleave' needs N, e.g. 'interleave 3'", "穿插规则需写明 N，如 interleave 3。"
        )
    return policy, n


# -- plain views --------------------------------------------------------------------------


def _site_info(site: Site) -> SiteInfo:
    return SiteInfo(site.code, site.name, site.kind, site.address, site.phone, site.active)


def _department_info(dept: Department) -> DepartmentInfo:
    return DepartmentInfo(dept.code, dept.name, dept.short_name, dept.active)


def _queue_info(queue: Queue, site_code: str) -> QueueInfo:
    return QueueInfo(
        site_code,
        queue.prefix,
        queue.name,
        queue.description,
        queue.policy,
        queue.interleave_n,
        queue.default_service_minutes,
        tuple(d.code for d in queue.departments),
        queue.active,
    )


def _window_info(window: Window, site_code: str) -> WindowInfo:
    return WindowInfo(
        site_code,
        window.number,
        window.name,
        window.location,
        tuple(q.prefix for q in window.queues),
        window.active,
    )


def _changed(
    session: Session,
    action: str,
    entity_id: uuid.UUID,
    *,
    actor: str,
    actor_id: uuid.UUID | None,
    site_id: uuid.UUID | None,
    detail: dict[str, object],
) -> None:
    record_change(session, "organisation", entity_id, site_id=site_id)
    audit(
        session,
        f"organisation.{action}",
        actor=actor,
        actor_id=actor_id,
        entity_kind="organisation",
        entity_id=entity_id,
        site_id=site_id,
        detail=detail,
    )


# -- writes --------------------------------------------------------------------------------


def save_site(
    session: Session,
    *,
    code: str,
    name: str,
    kind: str,
    address: str = "",
    phone: str = "",
    active: bool = True,
    sort_order: int | None = None,
    actor: str = "cli",
    actor_id: uuid.UUID | None = None,
) -> SiteInfo:
    """Create the site ``code`` or update it."""
    code = check_code(code, "site code")
    values = {
        "name": check_text(name, 100, "站点名称", required=True),
        "kind": parse_site_kind(kind),
        "address": check_text(address, 200, "地址"),
        "phone": check_text(phone, 40, "电话"),
        "active": bool(active),
    }
    site = session.scalar(select(Site).where(Site.code == code))
    if site is None:
        count = len(session.scalars(select(Site.id)).all())
        site = Site(code=code, sort_order=count if sort_order is None else sort_order, **values)
        session.add(site)
    else:
        for key, value in values.items():
            setattr(site, key, value)
        if sort_order is not None:
            site.sort_order = sort_order
    session.flush()
    _changed(
        session,
        "site_saved",
        site.id,
        actor=actor,
        actor_id=actor_id,
        site_id=site.id,
        detail={"code": code},
    )
    return _site_info(site)


def save_department(
    session: Session,
    *,
    code: str,
    name: str,
    short_name: str = "",
    active: bool = True,
    sort_order: int | None = None,
    actor: str = "cli",
    actor_id: uuid.UUID | None = None,
) -> DepartmentInfo:
    """Create the department ``code`` or update it (names are unique)."""
    code = check_code(code, "department code")
    name = check_text(name, 100, "部门名称", required=True)
    clash = session.scalar(
        select(Department).where(Department.name == name, Department.code != code)
    )
    if clash is not None:
        raise ValidationError(
            f"department name {name!r} is already used by {clash.code}",
            f"部门名称“{name}”已被编码 {clash.code} 使用。",
        )
    dept = session.scalar(select(Department).where(Department.code == code))
    if dept is None:
        count = len(session.scalars(select(Department.id)).all())
        dept = Department(
            code=code, name=name, sort_order=count if sort_order is None else sort_order
        )
        session.add(dept)
    dept.name = name
    dept.short_name = check_text(short_name, 40, "简称")
    dept.active = bool(active)
    if sort_order is not None:
        dept.sort_order = sort_order
    session.flush()
    _changed(
        session,
        "department_saved",
        dept.id,
        actor=actor,
        actor_id=actor_id,
        site_id=None,
        detail={"code": code},
    )
    return _department_info(dept)


def _departments(session: Session, codes: Iterable[str]) -> list[Department]:
    found = []
    for code in codes:
        dept = session.scalar(select(Department).where(Department.code == code.strip()))
        if dept is None:
            raise ValidationError(f"unknown department: {code}", f"部门编码“{code}”不存在。")
        found.append(dept)
    return found


def save_queue(
    session: Session,
    *,
    site: str,
    prefix: str,
    name: str,
    description: str = "",
    policy: str = "strict",
    interleave_n: int | None = None,
    default_service_minutes: int = 8,
    departments: Iterable[str] = (),
    active: bool = True,
    sort_order: int | None = None,
    actor: str = "cli",
    actor_id: uuid.UUID | None = None,
) -> QueueInfo:
    """Create the queue ``prefix`` at ``site`` or update it.

    ``policy`` is ``strict`` or ``interleave`` (with ``interleave_n``), or the text form
    ``interleave 3``.
    """
    the_site = site_by_code(session, site)
    prefix = str(prefix or "").strip().upper()
    if not PREFIX_RE.match(prefix):
        raise ValidationError(
            f"queue prefix {prefix!r} must be one or two letters A-Z",
            f"队列字头“{prefix}”应为一到两个大写字母。",
        )
    parsed, n = parse_policy(policy if interleave_n is None else f"{policy} {interleave_n}".strip())
    if parsed == "strict":
        n = None
    depts = _departments(session, departments)
    queue = session.scalar(
        select(Queue).where(Queue.site_id == the_site.id, Queue.prefix == prefix)
    )
    if queue is None:
        count = len(session.scalars(select(Queue.id).where(Queue.site_id == the_site.id)).all())
        queue = Queue(
            site_id=the_site.id,
            prefix=prefix,
            sort_order=count if sort_order is None else sort_order,
        )
        session.add(queue)
    queue.name = check_text(name, 60, "队列名称", required=True)
    queue.description = check_text(description, 200, "说明")
    queue.policy = parsed
    if n is not None:
        queue.interleave_n = check_int(n, 1, 20, "穿插间隔")
    queue.default_service_minutes = check_int(default_service_minutes, 1, 240, "默认办理时长")
    queue.departments = depts
    queue.active = bool(active)
    if sort_order is not None:
        queue.sort_order = sort_order
    session.flush()
    _changed(
        session,
        "queue_saved",
        queue.id,
        actor=actor,
        actor_id=actor_id,
        site_id=the_site.id,
        detail={"site": the_site.code, "prefix": prefix},
    )
    return _queue_info(queue, the_site.code)


def save_window(
    session: Session,
    *,
    site: str,
    number: int,
    name: str = "",
    location: str = "",
    queues: Iterable[str] = (),
    active: bool = True,
    actor: str = "cli",
    actor_id: uuid.UUID | None = None,
) -> WindowInfo:
    """Create window ``number`` at ``site`` or update it; ``queues`` are prefixes there."""
    the_site = site_by_code(session, site)
    number = check_int(number, 1, 999, "窗口号")
    served = []
    for prefix in queues:
        prefix = prefix.strip().upper()
        queue = session.scalar(
            select(Queue).where(Queue.site_id == the_site.id, Queue.prefix == prefix)
        )
        if queue is None:
            raise ValidationError(
                f"window {number} serves an unknown queue {prefix!r} at {the_site.code}",
                f"窗口 {number} 服务的队列“{prefix}”在站点 {the_site.code} 不存在。",
            )
        served.append(queue)
    if active and not served:
        raise ValidationError(
            f"window {number} serves no queue", f"窗口 {number} 至少要服务一个队列。"
        )
    window = session.scalar(
        select(Window).where(Window.site_id == the_site.id, Window.number == number)
    )
    if window is None:
        window = Window(site_id=the_site.id, number=number)
        session.add(window)
    window.name = check_text(name, 60, "窗口名称") or f"{number}号窗口"
    window.location = check_text(location, 100, "窗口位置")
    window.queues = served
    window.active = bool(active)
    session.flush()
    _changed(
        session,
        "window_saved",
        window.id,
        actor=actor,
        actor_id=actor_id,
        site_id=the_site.id,
        detail={"site": the_site.code, "number": number},
    )
    return _window_info(window, the_site.code)


# -- reads ---------------------------------------------------------------------------------


def list_sites(session: Session) -> list[SiteInfo]:
    """Every site, active or not, in display order."""
    return [
        _site_info(s) for s in session.scalars(select(Site).order_by(Site.sort_order, Site.code))
    ]


def list_departments(session: Session) -> list[DepartmentInfo]:
    """Every department in display order."""
    rows = session.scalars(select(Department).order_by(Department.sort_order, Department.code))
    return [_department_info(d) for d in rows]


def list_queues(session: Session, site: str | None = None) -> list[QueueInfo]:
    """Queues of one site (or all), in display order."""
    query = select(Queue, Site.code).join(Site, Site.id == Queue.site_id)
    if site is not None:
        query = query.where(Site.code == site_by_code(session, site).code)
    rows = session.execute(query.order_by(Site.sort_order, Queue.sort_order, Queue.prefix)).all()
    return [_queue_info(q, code) for q, code in rows]


def list_windows(session: Session, site: str | None = None) -> list[WindowInfo]:
    """Windows of one site (or all), by number."""
    query = select(Window, Site.code).join(Site, Site.id == Window.site_id)
    if site is not None:
        query = query.where(Site.code == site_by_code(session, site).code)
    rows = session.execute(query.order_by(Site.sort_order, Window.number)).all()
    return [_window_info(w, code) for w, code in rows]


def get_queue(session: Session, site: str, prefix: str) -> QueueInfo:
    """One queue, or :class:`NotFound`."""
    the_site = site_by_code(session, site)
    queue = session.scalar(
        select(Queue).where(Queue.site_id == the_site.id, Queue.prefix == prefix)
    )
    if queue is None:
        raise NotFound(f"no queue {prefix} at {site}", "找不到该队列。")
    return _queue_info(queue, the_site.code)
