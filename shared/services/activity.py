"""The hall's activity as staff read it: change-feed records in plain Chinese.

The change feed carries codes (``kind`` = ``ticket``, ``action`` = ``created``); the console's
live panel shows people a sentence instead ("号票已发出"). The wording lives here, on the domain
side of the wall, so any front end (the console, a display board, the CLI) describes a change
the same way. Unknown kinds and actions get a generic sentence rather than a raw code, so a
newer terminal writing a kind this one does not know still reads sensibly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from shared.changes import ChangeRecord, changes_after, latest_revision
from shared.clock import to_local, utcnow

#: How many past changes the live panel loads when it opens.
RECENT_LIMIT = 50

#: What each kind of record is called (a noun phrase).
KIND_LABELS: dict[str, str] = {
    "ticket": "号票",
    "ticket_counter": "取号计数",
    "priority_request": "优先服务请求",
    "tour": "参观接待预约",
    "staff": "工作人员账号",
    "setting": "系统设置",
    "catalog": "事项目录",
    "matter": "服务事项",
    "organisation": "组织机构",
    "site": "站点",
    "department": "部门",
    "queue": "业务队列",
    "window": "服务窗口",
    "terminal": "终端设备",
    "venue": "参观场馆",
    "route": "参观路线",
    "evaluation": "服务评价",
    "feedback": "办不成事反映",
    "printer": "打印机",
}

#: What happened, as the verb after "已" ("号票已发出").
ACTION_LABELS: dict[str, str] = {
    "created": "新建",
    "updated": "更新",
    "deleted": "删除",
    "reloaded": "重新载入",
    "imported": "导入",
    "issued": "发出",
    "called": "呼叫",
    "recalled": "重新呼叫",
    "serving": "开始办理",
    "done": "办结",
    "finished": "办结",
    "no_show": "标记为过号",
    "cancelled": "取消",
    "transferred": "转移",
    "printed": "打印",
    "reprinted": "补打",
    "accepted": "受理",
    "assigned": "指派",
    "noted": "添加备注",
    "confirmed": "确认",
    "started": "开始",
    "completed": "完成",
    "arrived": "签到",
    "logged": "登记",
    "disabled": "停用",
    "enabled": "启用",
    "locked": "锁定",
    "purged": "清除个人信息",
}

#: Sentences that read better than "<kind>已<action>".
SPECIAL: dict[tuple[str, str], str] = {
    ("ticket", "created"): "新号票已发出",
    ("ticket", "issued"): "新号票已发出",
    ("priority_request", "created"): "收到新的优先服务请求",
    ("tour", "created"): "新增一个参观接待预约",
    ("staff", "created"): "新增工作人员账号",
    ("evaluation", "created"): "收到一条服务评价",
    ("feedback", "created"): "收到一条办不成事反映",
}

UNKNOWN_KIND = "其他数据"


class ChangeLike(Protocol):
    """What :func:`describe_change` reads from a change record."""

    @property
    def kind(self) -> str: ...

    @property
    def action(self) -> str: ...


def kind_label(kind: str) -> str:
    """The Chinese name of a record kind (a generic name for unknown kinds)."""
    return KIND_LABELS.get(kind, UNKNOWN_KIND)


def describe_change(record: ChangeLike) -> str:
    """One Chinese sentence saying what changed, e.g. ``新号票已发出`` or ``系统设置已更新``.

    Args:
        record: a :class:`shared.changes.ChangeRecord` (anything with ``kind`` and ``action``).

    Returns:
        A short sentence for staff; never a raw code.
    """
    special = SPECIAL.get((record.kind, record.action))
    if special is not None:
        return special
    noun = kind_label(record.kind)
    verb = ACTION_LABELS.get(record.action)
    if verb is None:
        return f"{noun}有变动"
    return f"{noun}已{verb}"


def format_change_time(at: datetime, now: datetime | None = None) -> str:
    """A change's hall-local time: ``14:03:05`` today, ``01-02 14:03:05`` on another day."""
    local = to_local(at)
    today = to_local(now or utcnow()).date()
    if local.date() == today:
        return local.strftime("%H:%M:%S")
    return local.strftime("%m-%d %H:%M:%S")


@dataclass(frozen=True)
class ActivityEntry:
    """One line of the live panel, ready to show (plain data)."""

    revision: int
    time_text: str
    description: str
    kind: str
    action: str


def activity_entry(record: ChangeRecord, now: datetime | None = None) -> ActivityEntry:
    """A change record as one ready-to-show line."""
    return ActivityEntry(
        revision=record.revision,
        time_text=format_change_time(record.at, now),
        description=describe_change(record),
        kind=record.kind,
        action=record.action,
    )


def recent_changes(session: Session, limit: int = RECENT_LIMIT) -> list[ChangeRecord]:
    """The last ``limit`` changes of the feed, oldest first (what a live panel opens with)."""
    if limit <= 0:
        return []
    newest = latest_revision(session)
    return changes_after(session, max(0, newest - limit), limit=limit)
