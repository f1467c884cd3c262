"""How tickets read on the console: labels of priorities, states and print states, the wait
text of a queue, restyling a widget whose ``role`` changed, and the page's message line.
Shared by the 取号台, 叫号 and 办事指南查询.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QLabel, QWidget

from reception.i18n import QT_TRANSLATE_NOOP, translate
from shared.clock import utcnow
from shared.services.calling import QueueStatus
from shared.services.waits import wait_wording

CONTEXT = "TicketLabels"

PRIORITY_LABELS: dict[str, str] = {
    "elderly": QT_TRANSLATE_NOOP("TicketLabels", "老年人"),
    "disabled": QT_TRANSLATE_NOOP("TicketLabels", "残障人士"),
    "pregnant": QT_TRANSLATE_NOOP("TicketLabels", "孕妇"),
    "other": QT_TRANSLATE_NOOP("TicketLabels", "其他"),
}
STATE_LABELS: dict[str, str] = {
    "issued": QT_TRANSLATE_NOOP("TicketLabels", "等候中"),
    "called": QT_TRANSLATE_NOOP("TicketLabels", "已呼叫"),
    "serving": QT_TRANSLATE_NOOP("TicketLabels", "办理中"),
    "done": QT_TRANSLATE_NOOP("TicketLabels", "已办结"),
    "no_show": QT_TRANSLATE_NOOP("TicketLabels", "过号"),
    "cancelled": QT_TRANSLATE_NOOP("TicketLabels", "已取消"),
    "transferred": QT_TRANSLATE_NOOP("TicketLabels", "已转移"),
}
PRINT_LABELS: dict[str, str] = {
    "pending": QT_TRANSLATE_NOOP("TicketLabels", "未打印"),
    "printed": QT_TRANSLATE_NOOP("TicketLabels", "已打印"),
    "print_failed": QT_TRANSLATE_NOOP("TicketLabels", "打印失败"),
}


def label(labels: Mapping[str, str], code: str | None, empty: str = "") -> str:
    """The translated label of a code (the code itself when unknown)."""
    if code is None:
        return empty
    source = labels.get(code)
    return translate(CONTEXT, source) if source else code


def wait_range_text(status: QueueStatus) -> str:
    """``等候 3 人 · 预计 5–15 分钟`` for a queue button: the count, then the wait in the one
    wording the kiosk and the slip use too (:func:`shared.services.waits.wait_wording`,
    issue #19) — 即将叫号 only when a window is free, 窗口暂未开放 (with the hall's next
    opening when it is closed) when none is open (issue #9)."""
    wait = wait_wording(
        status.wait_low,
        status.wait_high,
        next_opening=status.next_opening,
        now=utcnow(),
        short=True,
    )
    return translate("DeskPage", "等候 {count} 人 · {wait}").format(count=status.waiting, wait=wait)


def set_role(widget: QWidget, role: str) -> None:
    """Change a widget's ``role`` and restyle it (a dynamic property needs a re-polish)."""
    widget.setProperty("role", role)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def show_message(message: QLabel, text: str, ok: bool = False) -> None:
    """Show ``text`` on a page's message line, styled as success (``ok``) or error."""
    message.setText(text)
    set_role(message, "ok" if ok else "error")
    message.show()
