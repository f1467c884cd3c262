"""优先服务 inbox: live from another process, accept → finish, assign, notes, cancel, masking,
audited reveal, overdue flag and the accessibility check (issue #5, items 3 and 5)."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from reception.modules.priority_inbox import PriorityInboxPage, format_wait
from reception.shell import ReceptionShell
from shared.clock import utcnow
from shared.db import create_session_factory, engine_of
from shared.demo.org_data import DEMO_PASSWORD
from shared.models import AuditEntry
from shared.qt.a11y import check_accessibility
from shared.qt.theme import NORMAL
from shared.services import priority
from tests.reception.conftest import OFFSCREEN_NOISE, SIGNAL_TIMEOUT_MS, ShellMaker, log_in

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

PHONE = "13912345678"
WRITER = """
import sys, time
from shared.db import create_session_factory
from shared.services.priority import create_request

factory = create_session_factory(sys.argv[1])
with factory.begin() as session:
    view = create_request(
        session, site="huarong", kind="assistance", visitor="elderly",
        terminal="kiosk-02", phone=sys.argv[2],
    )
print(view.reference, time.time(), flush=True)
factory.kw["bind"].dispose()
"""


def _open_inbox(qtbot: QtBot, shell: ReceptionShell, username: str) -> PriorityInboxPage:
    log_in(qtbot, shell, username, DEMO_PASSWORD)
    console = shell.console
    assert console is not None
    page = console.module("priority")
    assert isinstance(page, PriorityInboxPage)
    console.select_module("priority")
    qtbot.waitUntil(lambda: not page._loading, timeout=SIGNAL_TIMEOUT_MS)
    return page


def _create(url: str, **kw: Any) -> priority.RequestView:
    factory = create_session_factory(url)
    try:
        with factory.begin() as session:
            args: dict[str, Any] = {
                "site": "huarong",
                "kind": "assistance",
                "visitor": "elderly",
                "terminal": "kiosk-01",
                "phone": PHONE,
                **kw,
            }
            return priority.create_request(session, **args)
    finally:
        engine_of(factory).dispose()


def _cells(page: PriorityInboxPage, row: int) -> list[str]:
    return [page.table.item(row, c).text() for c in range(page.table.columnCount())]


def _row_of(page: PriorityInboxPage, reference: str) -> int:
    return next(i for i, v in enumerate(page.rows) if v.reference == reference)


def _click(qtbot: QtBot, button: QPushButton) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _act(qtbot: QtBot, page: PriorityInboxPage, key: str) -> None:
    with qtbot.wait_signal(page.action_done, timeout=SIGNAL_TIMEOUT_MS):
        _click(qtbot, page.buttons[key])
    qtbot.waitUntil(lambda: not page._loading, timeout=SIGNAL_TIMEOUT_MS)


def test_request_from_another_process_shows_within_a_second(
    qtbot: QtBot, open_shell: ShellMaker, seeded_db_url: str
) -> None:
    shell = open_shell(seeded_db_url)
    page = _open_inbox(qtbot, shell, "assistant1")
    assert page.rows == [] and not page.alert.isVisible()
    beeps: list[int] = []
    page._beep = lambda: beeps.append(1)  # type: ignore[method-assign]
    alerted: dict[str, float] = {}
    page.request_alerted.connect(lambda ref: alerted.setdefault(ref, time.time()))

    proc = subprocess.run(
        [sys.executable, "-c", WRITER, seeded_db_url, PHONE],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    reference, written = proc.stdout.split()
    qtbot.waitUntil(lambda: reference in alerted, timeout=5_000)
    assert alerted[reference] - float(written) < 1.0
    assert beeps == [1]
    assert page.alert.isVisible()
    assert reference in page.alert_label.text() and "帮办代办（老年人）" in page.alert_label.text()
    assert "24小时自助服务区 2号机" in page.alert_label.text()
    cells = _cells(page, _row_of(page, reference))
    assert cells[:4] == [reference, "帮办代办", "老年人", "待接单"]
    assert cells[7] == "139****5678" and cells[8] == "24小时自助服务区 2号机"
    assert all(PHONE not in text for text in cells)
    with qtbot.wait_signal(page.alert_dismiss.clicked):
        _click(qtbot, page.alert_dismiss)
    assert not page.alert.isVisible()


def test_accept_then_finish(qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str) -> None:
    view = _create(seeded_sqlite_url)
    shell = open_shell(seeded_sqlite_url)
    page = _open_inbox(qtbot, shell, "assistant1")
    page.select_reference(view.reference)
    assert page.buttons["accept"].isEnabled() and not page.buttons["finish"].isEnabled()
    _act(qtbot, page, "accept")
    row = _row_of(page, view.reference)
    assert _cells(page, row)[3] == "已接单" and _cells(page, row)[10] == "吴芳"
    assert page.status.text() == f"已接单：{view.reference}"
    assert page.selected() is not None and page.selected().reference == view.reference  # type: ignore[union-attr]
    assert not page.buttons["accept"].isEnabled()
    _act(qtbot, page, "finish")
    # 进行中 (the default filter) no longer lists it; 已办结 does.
    assert view.reference not in [v.reference for v in page.rows]
    with qtbot.wait_signal(page.requests_loaded, timeout=SIGNAL_TIMEOUT_MS):
        page.state_filter.setCurrentIndex(page.state_filter.findText("已办结"))
    assert [(v.reference, v.state) for v in page.rows] == [(view.reference, "done")]


def test_assign_note_and_cancel_with_confirmation(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    view = _create(seeded_sqlite_url)
    shell = open_shell(seeded_sqlite_url)
    page = _open_inbox(qtbot, shell, "manager")
    page.select_reference(view.reference)

    _click(qtbot, page.buttons["assign"])
    qtbot.waitUntil(lambda: page.assign_dialog is not None and page.assign_dialog.isVisible())
    dialog = page.assign_dialog
    assert dialog is not None
    names = [dialog.choice.itemText(i) for i in range(dialog.choice.count())]
    assert names == ["吴芳", "孙丽", "郑红"]
    assert [str(p) for p in check_accessibility(dialog, NORMAL)] == []
    dialog.choice.setCurrentIndex(names.index("郑红"))
    with qtbot.wait_signal(page.action_done, timeout=SIGNAL_TIMEOUT_MS) as done:
        _click(qtbot, dialog.findChild(QPushButton, "dialog_ok"))
    assert done.args == ["assign", view.reference]
    qtbot.waitUntil(lambda: _cells(page, _row_of(page, view.reference))[10] == "郑红")
    assert _cells(page, _row_of(page, view.reference))[3] == "已接单"

    page.select_reference(view.reference)
    _click(qtbot, page.buttons["note"])
    note = page.note_dialog
    assert note is not None and note.isVisible()
    assert [str(p) for p in check_accessibility(note, NORMAL)] == []
    note.text.insertPlainText("家属陪同，需轮椅")  # typed through an input method
    with qtbot.wait_signal(page.action_done, timeout=SIGNAL_TIMEOUT_MS):
        _click(qtbot, note.findChild(QPushButton, "dialog_ok"))
    qtbot.waitUntil(lambda: not page._loading)
    page.select_reference(view.reference)
    qtbot.waitUntil(lambda: "家属陪同，需轮椅" in page.detail.text(), timeout=SIGNAL_TIMEOUT_MS)
    assert "郑红" in page.detail.text() or "周经理" in page.detail.text()

    # 取消 asks first; 不取消 changes nothing.
    _click(qtbot, page.buttons["cancel"])
    box = page.cancel_box
    assert box is not None and box.isVisible()
    with qtbot.assert_not_emitted(page.action_done, wait=300):
        _click(qtbot, box.button(QMessageBox.StandardButton.No))
    _click(qtbot, page.buttons["cancel"])
    box = page.cancel_box
    assert box is not None
    with qtbot.wait_signal(page.action_done, timeout=SIGNAL_TIMEOUT_MS) as done:
        _click(qtbot, box.button(QMessageBox.StandardButton.Yes))
    assert done.args == ["cancel", view.reference]
    qtbot.waitUntil(lambda: view.reference not in [v.reference for v in page.rows])


def test_reveal_shows_the_contact_and_is_audited(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    view = _create(seeded_sqlite_url)
    bare = _create(seeded_sqlite_url, phone=None)
    shell = open_shell(seeded_sqlite_url)
    page = _open_inbox(qtbot, shell, "assistant2")
    page.select_reference(bare.reference)
    assert not page.buttons["reveal"].isEnabled()
    page.select_reference(view.reference)
    assert _cells(page, _row_of(page, view.reference))[7] == "139****5678"
    with qtbot.wait_signal(page.contact_revealed, timeout=SIGNAL_TIMEOUT_MS):
        _click(qtbot, page.buttons["reveal"])
    dialog = page.contact_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.fields["phone"].text() == f"电话：{PHONE}"
    assert [str(p) for p in check_accessibility(dialog, NORMAL)] == []
    factory = create_session_factory(seeded_sqlite_url)
    with factory() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "priority.revealed")
        ).all()
    engine_of(factory).dispose()
    assert [(e.actor, e.entity_id, e.detail) for e in entries] == [
        ("assistant2", str(view.id), {"reference": view.reference})
    ]
    _click(qtbot, dialog.findChild(QPushButton, "contact_close"))
    assert not dialog.isVisible()


def test_overdue_flag_filters_and_home_visit_order(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    late = _create(seeded_sqlite_url, now=utcnow() - timedelta(minutes=7))
    fresh = _create(seeded_sqlite_url, visitor="pregnant")
    shell = open_shell(seeded_sqlite_url)
    page = _open_inbox(qtbot, shell, "assistant1")
    flag = page.table.item(_row_of(page, late.reference), page.OVERDUE_COLUMN)
    assert flag.text() == "超时" and not flag.icon().isNull()
    assert flag.data(Qt.ItemDataRole.AccessibleTextRole) == "已超时，请尽快接单"
    assert flag.foreground().color().name() == NORMAL.danger
    ok = page.table.item(_row_of(page, fresh.reference), page.OVERDUE_COLUMN)
    assert ok.text() == "" and ok.data(Qt.ItemDataRole.AccessibleTextRole) == "未超时"
    wait = page.table.item(_row_of(page, late.reference), page.WAIT_COLUMN).text()
    assert wait.startswith("7分") or wait.startswith("8分")
    assert "超时 1 条" in page.summary.text()
    # Issue #19: the overdue request is the row selected, wherever staff sorted it to.
    assert page.selected() is not None and page.selected().reference == late.reference
    assert page.buttons["accept"].isEnabled()
    page.table.sort_by(page.WAIT_COLUMN)  # the shortest wait first
    assert page.table.texts(0)[0] == fresh.reference
    with qtbot.wait_signal(page.requests_loaded, timeout=SIGNAL_TIMEOUT_MS):
        page.reload()
    assert page.table.texts(0)[0] == fresh.reference
    assert page.selected().reference == late.reference
    # Columns nobody fills (names, slots, who took it) give their room to 地点.
    assert [page.table.isColumnHidden(c) for c in page.OPTIONAL] == [True, False, True, True]
    with qtbot.wait_signal(page.requests_loaded, timeout=SIGNAL_TIMEOUT_MS):
        page.kind_filter.setCurrentIndex(page.kind_filter.findText("上门服务"))
    assert page.rows == []
    assert format_wait(75) == "1分15秒" and format_wait(3900) == "1小时05分"


def test_inbox_passes_the_accessibility_check(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    _create(seeded_sqlite_url, now=utcnow() - timedelta(minutes=9))
    shell = open_shell(seeded_sqlite_url)
    page = _open_inbox(qtbot, shell, "assistant1")
    page._beep = lambda: None  # type: ignore[method-assign]
    page._alert(page.rows)
    page.table.selectRow(0)
    qtbot.wait(50)
    assert page.alert.isVisible()
    assert [str(p) for p in check_accessibility(page, NORMAL)] == []
