"""实时动态: changes written anywhere show in the console within a second (issue #2, item 9),
told in words with the ticket, window, group or request, newest first, filtered by category,
with no internal numbers and no personal data (issue #19, item 4)."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from reception.modules.live import LivePanel
from reception.shell import ReceptionShell
from shared.clock import to_local, utcnow
from shared.demo.org_data import DEMO_PASSWORD
from shared.models import ServiceMatter
from shared.qt.a11y import check_accessibility
from shared.qt.theme import NORMAL
from shared.services import priority, tours
from shared.services.activity import ActivityEntry
from shared.services.call_order import call_next
from tests.reception.conftest import OFFSCREEN_NOISE, SIGNAL_TIMEOUT_MS, ShellMaker, log_in
from tests.reception.desk_support import Console, console_on
from tests.support.windows import open_windows

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

__all__ = ["console_on"]

NAME, PHONE, ADDRESS = "张三丰", "13912345678", "华容区华容镇建设路12号3栋2单元"
CONTACT, CONTACT_PHONE = "刘主任", "13800000000"
GROUP = "鄂州市营商环境优化考察团"

WRITER = """
import sys, time
from shared.changes import record_change
from shared.db import create_session_factory

factory = create_session_factory(sys.argv[1])
with factory.begin() as session:
    record_change(session, "ticket", "from-another-process", "created")
print(time.time(), flush=True)
factory.kw["bind"].dispose()
"""


def _open_live_panel(qtbot: QtBot, shell: ReceptionShell, username: str) -> LivePanel:
    log_in(qtbot, shell, username, DEMO_PASSWORD)
    console = shell.console
    assert console is not None
    panel = console.module("live")
    assert isinstance(panel, LivePanel)
    with qtbot.wait_signal(panel.history_loaded, timeout=SIGNAL_TIMEOUT_MS):
        console.select_module("live")
    return panel


def test_change_from_another_process_shows_within_a_second(
    qtbot: QtBot, open_shell: ShellMaker, seeded_db_url: str
) -> None:
    shell = open_shell(seeded_db_url)
    panel = _open_live_panel(qtbot, shell, "guide1")
    shown_at: dict[int, float] = {}

    def on_shown(entries: list[ActivityEntry]) -> None:
        for entry in entries:
            if entry.kind == "ticket":
                shown_at[entry.revision] = time.time()

    panel.changes_shown.connect(on_shown)
    proc = subprocess.run(
        [sys.executable, "-c", WRITER, seeded_db_url],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    written_at = float(proc.stdout.split()[-1])
    qtbot.waitUntil(lambda: bool(shown_at), timeout=5_000)

    (revision, seen_at) = next(iter(shown_at.items()))
    assert seen_at - written_at < 1.0
    top = panel.entries[0]
    assert (top.revision, top.description) == (revision, "新号票已发出")
    assert _row(panel, 0) == [panel.table.item(0, 0).text(), "号票", "新号票已发出"]
    assert panel.table.item(0, 0).text().count(":") == 2


def test_panel_opens_with_recent_changes_newest_first(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    shell = open_shell(seeded_sqlite_url)
    panel = _open_live_panel(qtbot, shell, "docent1")
    # The demo seed reloads the catalog, then the organisation.
    descriptions = [panel.table.item(row, 2).text() for row in range(panel.table.rowCount())]
    assert descriptions[:2] == ["组织机构已重新载入", "事项目录已重新载入"]
    revisions = [entry.revision for entry in panel.entries]
    assert revisions == sorted(revisions, reverse=True)
    assert not panel.empty.isVisible()


def test_connection_indicator_follows_the_feed(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    shell = open_shell(seeded_sqlite_url)
    log_in(qtbot, shell, "guide1", DEMO_PASSWORD)
    console = shell.console
    assert console is not None
    label = console.connection_label
    assert label.text().endswith("数据库已连接")
    # The watcher reports from its worker thread; emitting its signal stands in for an outage.
    shell.watcher.connection_changed.emit(False)
    qtbot.waitUntil(lambda: label.text().endswith("数据库连接中断，正在重试…"))
    assert label.property("role") == "error"
    shell.watcher.connection_changed.emit(True)
    qtbot.waitUntil(lambda: label.text().endswith("数据库已连接"))
    assert label.property("role") == "ok"


def test_live_panel_is_reachable_by_keyboard(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    shell = open_shell(seeded_sqlite_url)
    log_in(qtbot, shell, "window1", DEMO_PASSWORD)
    console = shell.console
    assert console is not None
    assert console.current_module() == "calling"
    console.nav.setFocus()
    with qtbot.wait_signal(console.module_selected) as blocker:
        qtbot.keyClick(console.nav, Qt.Key.Key_Down)
    assert blocker.args == ["live"]


def _row(panel: LivePanel, row: int) -> list[str]:
    return [panel.table.item(row, column).text() for column in range(panel.table.columnCount())]


def _texts(panel: LivePanel) -> list[str]:
    return [panel.table.item(row, 2).text() for row in range(panel.table.rowCount())]


def _open_panel(qtbot: QtBot, console: Console, username: str = "guide1") -> LivePanel:
    panel = LivePanel(console.context(username))
    qtbot.add_widget(panel)
    panel.resize(1366, 768)
    with qtbot.wait_signal(panel.history_loaded, timeout=SIGNAL_TIMEOUT_MS):
        panel.show()
    return panel


def _write(console: Console, step: Any) -> Any:
    """One service call in its own transaction, as another terminal would make it."""
    with console.factory.begin() as session:
        return step(session)


def _shoot(widget: QWidget, name: str) -> None:
    """Grab ``widget`` at 1920×1080 and 1366×768 when HALL_SHOTS names a folder (a look by
    hand; nothing is asserted about the pictures)."""
    folder = os.environ.get("HALL_SHOTS")
    if not folder:
        return
    for width, height in ((1920, 1080), (1366, 768)):
        widget.resize(width, height)
        QApplication.sendPostedEvents()
        QApplication.processEvents()
        widget.grab().save(os.path.join(folder, f"{name}-{width}x{height}.png"))


def test_the_page_says_what_happened_newest_first_and_filters_by_category(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = console_on(seeded_sqlite_url)
    panel = _open_panel(qtbot, console)
    assert [panel.table.horizontalHeaderItem(c).text() for c in range(3)] == [
        "时间",
        "类别",
        "动态",
    ]
    today = to_local(utcnow()).date()
    with console.factory() as session:
        matter = session.scalar(select(ServiceMatter.code).order_by(ServiceMatter.code).limit(1))

    first = console.issue("A")
    open_windows(console.factory, [1])
    called = _write(console, lambda s: call_next(s, site="huarong", window=1))
    assert called.number == first
    tour = _write(
        console,
        lambda s: tours.book_tour(
            s,
            date=today,
            start="00:10",
            end="01:00",
            group=GROUP,
            org="鄂州市营商办",
            visitors=12,
            route="hall",
            docents=["docent1"],
            contact_name=CONTACT,
            contact_phone=CONTACT_PHONE,
            actor="manager",
            override_reason="测试：当天临时接待",
        ),
    )
    _write(console, lambda s: tours.mark_arrived(s, tour.id, actor="docent1"))
    green = _write(
        console,
        lambda s: priority.create_request(
            s, site="huarong", kind="green_ticket", visitor="elderly"
        ),
    )
    _write(console, lambda s: priority.accept(s, green.id, "assistant1"))
    home = _write(
        console,
        lambda s: priority.create_request(
            s,
            site="huarong",
            kind="home_visit",
            visitor="disabled",
            name=NAME,
            phone=PHONE,
            address=ADDRESS,
            matter=matter,
            preferred=f"{today + dt.timedelta(days=1):%Y-%m-%d} am",
        ),
    )

    expected = [
        f"收到上门服务请求 {home.reference}（残障人士）",
        f"绿色通道请求 {green.reference} 已接单",
        f"收到绿色通道请求 {green.reference}（老年人，号票 {green.ticket_number}）",
        f"{green.ticket_number} 已取号（综合受理，老年人优先）",
        f"参观团「{GROUP}」已签到",
        f"参观团「{GROUP}」已预约（{today.month}月{today.day}日 00:10–01:00）",
        f"{first} 在 1 号窗口被呼叫",
        "1 号窗口已签到",
        f"{first} 已取号（综合受理）",
    ]
    qtbot.waitUntil(lambda: _texts(panel)[: len(expected)] == expected, timeout=5_000)
    times = [e.at for e in panel.entries]
    assert times == sorted(times, reverse=True)
    assert [_row(panel, r)[1] for r in range(len(expected))] == [
        "优先服务", "优先服务", "优先服务", "号票", "参观接待", "参观接待", "叫号", "窗口", "号票",
    ]  # fmt: skip
    assert all(re.fullmatch(r"\d\d:\d\d:\d\d", _row(panel, r)[0]) for r in range(9))

    # Nothing internal and nothing personal anywhere in the table.
    cells = " ".join(" ".join(_row(panel, r)) for r in range(panel.table.rowCount()))
    for secret in (NAME, PHONE, PHONE[:7], PHONE[-4:], "建设路", CONTACT, CONTACT_PHONE, "0000"):
        assert secret not in cells, secret
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}", cells)
    assert panel.table.columnCount() == 3  # no 版本号: revisions stay internal
    assert [str(p) for p in check_accessibility(panel, NORMAL)] == []
    _shoot(panel, "live-all")

    with qtbot.wait_signal(panel.history_loaded, timeout=SIGNAL_TIMEOUT_MS):
        panel.select_category("tours")
    assert _texts(panel)[:2] == expected[4:6]
    assert {_row(panel, r)[1] for r in range(panel.table.rowCount())} == {"参观接待"}
    _shoot(panel, "live-tours")
    with qtbot.wait_signal(panel.history_loaded, timeout=SIGNAL_TIMEOUT_MS):
        panel.select_category("calling")
    assert _texts(panel) == [f"{first} 在 1 号窗口被呼叫"]
    with qtbot.wait_signal(panel.history_loaded, timeout=SIGNAL_TIMEOUT_MS):
        panel.select_category("priority")
    assert _texts(panel) == expected[:3]

    # A filtered page keeps following the feed: the next call shows, a new ticket does not.
    second = console.issue("A")
    _write(console, lambda s: call_next(s, site="huarong", window=1))
    _write(console, lambda s: priority.finish(s, green.id, "assistant1"))
    qtbot.waitUntil(lambda: _texts(panel)[0] == f"绿色通道请求 {green.reference} 已办结")
    assert f"{second} 已取号（综合受理）" not in _texts(panel)
    with qtbot.assert_not_emitted(panel.history_loaded):
        panel.select_category(None)
    assert _texts(panel)[:2] == [
        f"绿色通道请求 {green.reference} 已办结",
        f"{green.ticket_number} 在 1 号窗口被呼叫",
    ]
    assert f"{second} 已取号（综合受理）" in _texts(panel)


def test_an_empty_category_says_so(qtbot: QtBot, console_on: Any, seeded_sqlite_url: str) -> None:
    console = console_on(seeded_sqlite_url)
    panel = _open_panel(qtbot, console)
    with qtbot.wait_signal(panel.history_loaded, timeout=SIGNAL_TIMEOUT_MS):
        panel.select_category("tours")
    assert panel.table.rowCount() == 0
    assert panel.empty.isVisible() and panel.empty.text() == "该类别暂无动态。"
