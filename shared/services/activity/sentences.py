"""One sentence per change record, from the facts its batch loaded.

"A012 在 9 号窗口被呼叫", "参观团「…」已签到", "绿色通道请求 K7C3AX 已接单": the words a
person uses, never an id or a revision. A record whose row is gone falls back to the generic
sentence of :func:`~shared.services.activity.words.describe_change`.
"""

from __future__ import annotations

import uuid

from shared.changes import ChangeRecord
from shared.services.activity.facts import Facts
from shared.services.activity.words import describe_change

_TICKET_AT_WINDOW = {
    "called": "{number} 在 {window} 号窗口被呼叫",
    "recalled": "{number} 在 {window} 号窗口被再次呼叫",
    "serving": "{number} 在 {window} 号窗口开始办理",
    "done": "{number} 在 {window} 号窗口办结",
    "no_show": "{number} 在 {window} 号窗口过号",
}
_TICKET = {
    "called": "{number} 被呼叫",
    "recalled": "{number} 被再次呼叫",
    "serving": "{number} 开始办理",
    "done": "{number} 已办结",
    "no_show": "{number} 过号",
    "printed": "{number} 的号票已打印",
    "print_failed": "{number} 的号票打印失败",
    "cancelled": "{number} 已取消",
}
_REQUEST = {
    "accepted": "{request} 已接单",
    "assigned": "{request} 已指派给帮办代办岗",
    "noted": "{request} 添加了备注",
    "done": "{request} 已办结",
    "cancelled": "{request} 已取消",
    "purged": "{request} 的联系信息已按期清除",
}
_TOUR = {
    "confirmed": "{tour}的预约已确认",
    "arrived": "{tour}已签到",
    "started": "{tour}开始参观",
    "completed": "{tour}参观结束",
    "cancelled": "{tour}的预约已取消",
    "no_show": "{tour}未到",
}
_WINDOW = {
    "signed_in": "{window} 号窗口已签到",
    "resumed": "{window} 号窗口恢复叫号",
    "paused": "{window} 号窗口暂停",
    "signed_out": "{window} 号窗口已签退",
}
_PIN = {
    "set": "自助机管理密码已设置（{scope}）",
    "cleared": "自助机管理密码已清除（{scope}）",
    "wrong": "自助机管理密码输入错误（{scope}）",
    "locked": "自助机管理密码错误次数过多，已锁定（{scope}）",
    "unlocked": "自助机管理密码已解锁（{scope}）",
}
_CATALOG = {
    ("all", "imported"): "事项目录已导入",
    ("all", "reloaded"): "事项目录已重新载入",
    ("aliases", "imported"): "事项搜索别名已导入",
}


def _ticket(record: ChangeRecord, facts: Facts) -> str | None:
    key, action = record.entity_id, record.action
    number = facts.tickets.get(key)
    if number is None:
        return None
    if action in ("issued", "created"):
        priority = facts.priorities.get(key)
        label = f"{facts.queues[key]}，{priority}优先" if priority else facts.queues[key]
        return f"{number} 已取号（{label}）"
    if action == "transferred":
        to = facts.transfers.get(key)
        return f"{number} 已转至 {to}" if to else f"{number} 已转到其他业务"
    window = facts.windows_of.get(key)
    if window is not None and action in _TICKET_AT_WINDOW:
        return _TICKET_AT_WINDOW[action].format(number=number, window=window)
    return _TICKET.get(action, "{number} 的号票有变动").format(number=number)


def _request(record: ChangeRecord, facts: Facts) -> str | None:
    request = facts.requests.get(record.entity_id)
    if request is None:
        return None
    if record.action == "created":
        detail = facts.request_details.get(record.entity_id)
        return f"收到{request}（{detail}）" if detail else f"收到{request}"
    return _REQUEST.get(record.action, "{request} 有变动").format(request=request)


def _tour(record: ChangeRecord, facts: Facts) -> str | None:
    tour = facts.tours.get(record.entity_id)
    if tour is None:
        return None
    if record.action in ("booked", "created"):
        return f"{tour}已预约（{facts.tour_times[record.entity_id]}）"
    if record.action == "moved":  # dragged in the planner: to another time or docent
        return f"{tour}的安排已调整（现为 {facts.tour_times[record.entity_id]}）"
    return _TOUR.get(record.action, "{tour}的预约有变动").format(tour=tour)


def _window(record: ChangeRecord, facts: Facts) -> str | None:
    window = facts.windows.get(record.entity_id)
    if window is None:
        return None
    reason = facts.pause_reasons.get((record.entity_id, record.at), "")
    if record.action == "signed_out" and reason == "自动签退":
        return f"{window} 号窗口已自动签退"
    text = _WINDOW.get(record.action, "{window} 号窗口状态有变动").format(window=window)
    return f"{text}（{reason}）" if record.action == "paused" and reason else text


def _admin(record: ChangeRecord, facts: Facts) -> str | None:
    key, kind, action = record.entity_id, record.kind, record.action
    if kind == "setting":
        if action == "deleted":
            return "一项系统设置已恢复默认"
        label = facts.settings.get(key)
        return f"系统设置「{label}」已修改" if label else None
    if kind == "organisation":
        if key == "all":
            return describe_change(record)
        what = facts.org.get(key)
        return f"{what}的信息已更新" if what else None
    if kind == "calendar":
        if action == "deleted":
            return "一项节假日安排已删除"
        entry = facts.calendar.get(key)
        return f"节假日安排：{entry}" if entry else None
    if kind == "terminal":
        terminal = facts.terminals.get(key)
        if terminal is None:
            return None
        if action == "created":
            return f"新增终端：{terminal}"
        printed = facts.test_prints.get((key, record.at))
        if printed is not None:
            return f"{terminal}打印测试{'成功' if printed else '失败'}"
        return f"{terminal}的设置已更新"
    if kind == "kiosk_pin":
        scope = facts.pin_scopes.get(key, "一台终端")
        return _PIN.get(action, "自助机管理密码有变动（{scope}）").format(scope=scope)
    if kind == "catalog":
        return _CATALOG.get((key, action))
    if kind == "staff":
        return "新增一个工作人员账号" if action == "created" else "工作人员账号信息已更新"
    return None


_DESCRIBERS = {
    "ticket": _ticket,
    "priority_request": _request,
    "tour": _tour,
    "window": _window,
}


def sentence(record: ChangeRecord, facts: Facts) -> str:
    describer = _DESCRIBERS.get(record.kind, _admin)
    text = describer(record, facts) or describe_change(record)
    site_id = uuid.UUID(record.site_id) if record.site_id else None
    if site_id is not None and site_id != facts.home and site_id in facts.sites:
        # Another site's window 9 is not ours: say whose it is.
        return f"{facts.sites[site_id][1]}：{text}"
    return text
