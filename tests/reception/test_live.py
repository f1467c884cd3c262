"""实时动态: changes written anywhere show in the console within a second (issue #2, item 9)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from reception.modules.live import LivePanel
from reception.shell import ReceptionShell
from shared.demo.org_data import DEMO_PASSWORD
from shared.services.activity import ActivityEntry
from tests.reception.conftest import OFFSCREEN_NOISE, SIGNAL_TIMEOUT_MS, ShellMaker, log_in

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

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
    assert panel.table.item(0, 1).text() == "新号票已发出"
    assert panel.table.item(0, 2).text() == str(revision)
    assert panel.table.item(0, 0).text().count(":") == 2


def test_panel_opens_with_recent_changes_newest_first(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    shell = open_shell(seeded_sqlite_url)
    panel = _open_live_panel(qtbot, shell, "docent1")
    # The demo seed reloads the catalog, then the organisation.
    descriptions = [panel.table.item(row, 1).text() for row in range(panel.table.rowCount())]
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
