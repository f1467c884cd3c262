"""What the live panel's words mean: categories, kinds, the entry, generic sentences, times.

Pure data and functions (no database): the per-row sentences are in
:mod:`shared.services.activity.sentences`, the rows they read in
:mod:`shared.services.activity.facts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shared.changes import RESYNC
from shared.clock import to_local, utcnow


@dataclass(frozen=True)
class Category:
    """A kind of activity staff filter by (号票, 叫号 …)."""

    key: str
    label: str


CATEGORIES: tuple[Category, ...] = (
    Category("tickets", "号票"),
    Category("calling", "叫号"),
    Category("windows", "窗口"),
    Category("priority", "优先服务"),
    Category("tours", "参观接待"),
    Category("admin", "设置管理"),
    Category("other", "其他"),
)
_CATEGORY_LABELS = {c.key: c.label for c in CATEGORIES}


def category_label(key: str) -> str:
    """号票, 叫号 … for a category key."""
    return _CATEGORY_LABELS.get(key, _CATEGORY_LABELS["other"])


#: Ticket actions that happen at a window (叫号); the others are the ticket's own (号票).
CALLING_ACTIONS = ("called", "recalled", "serving", "done", "no_show")
#: The record kinds each category holds (``ticket`` is split by action).
CATEGORY_KINDS: dict[str, tuple[str, ...]] = {
    "tickets": ("ticket", "ticket_counter"),
    "calling": ("ticket",),
    "windows": ("window",),
    "priority": ("priority_request",),
    "tours": ("tour", "venue", "route"),
    "admin": (
        "setting",
        "staff",
        "organisation",
        "site",
        "department",
        "queue",
        "terminal",
        "printer",
        "kiosk_pin",
        "calendar",
        "catalog",
        "matter",
    ),
}
KIND_CATEGORY = {
    kind: key for key, kinds in CATEGORY_KINDS.items() if key != "calling" for kind in kinds
}

#: What each kind of record is called (a noun phrase), for generic sentences.
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
    "kiosk_pin": "自助机管理密码",
    "calendar": "节假日安排",
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
    "booked": "预约",
    "moved": "调整",
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
    ("ticket", "print_failed"): "号票打印失败",
    ("priority_request", "created"): "收到新的优先服务请求",
    ("tour", "created"): "新增一个参观接待预约",
    ("tour", "booked"): "新增一个参观接待预约",
    ("staff", "created"): "新增一个工作人员账号",
    ("evaluation", "created"): "收到一条服务评价",
    ("feedback", "created"): "收到一条办不成事反映",
    ("window", "signed_in"): "一个窗口已签到",
    ("window", "signed_out"): "一个窗口已签退",
    ("window", "paused"): "一个窗口已暂停",
    ("window", "resumed"): "一个窗口已恢复叫号",
    (RESYNC, RESYNC): "较早的动态已清理，列表已重新同步",
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


def category_of(kind: str, action: str) -> str:
    """The :data:`CATEGORIES` key a change belongs to (``other`` for unknown kinds)."""
    if kind == "ticket" and action in CALLING_ACTIONS:
        return "calling"
    return KIND_CATEGORY.get(kind, "other")


def describe_change(record: ChangeLike) -> str:
    """A generic sentence from the kind and action alone, e.g. ``系统设置已更新``.

    What :func:`describe_changes` says when the row a record names is gone or unknown.
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
    """One line of the live panel, ready to show (plain data).

    ``revision`` identifies the record (to drop duplicates); it is never shown.
    """

    revision: int
    at: datetime
    category: str
    description: str
    kind: str
    action: str

    @property
    def category_label(self) -> str:
        """号票, 叫号 … (the filter's and the kind column's word)."""
        return category_label(self.category)

    @property
    def sort_key(self) -> tuple[datetime, int]:
        """Newest first by time; the revision breaks ties within one transaction."""
        return (self.at, self.revision)

    def time_text(self, now: datetime | None = None) -> str:
        """The time column: ``14:03:05`` today, with the date on another day."""
        return format_change_time(self.at, now)
