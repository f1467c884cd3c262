"""管理 → 终端与打印机 (issue #9): a terminal registered in the console, its printer set
through the form (never JSON), and 测试打印 run in the background with its result recorded."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from reception.modules.admin.terminal_dialogs import PrinterDialog, TerminalDialog
from reception.modules.admin.terminals import TerminalsPage
from shared.models import AuditEntry, Terminal
from shared.printing.base import NOT_CONNECTED_ZH
from shared.services.org import save_site
from tests.reception.admin_support import (
    IT_USER,
    assert_accessible,
    click,
    it_context,
    shoot,
    type_into,
)
from tests.reception.conftest import OFFSCREEN_NOISE, SIGNAL_TIMEOUT_MS
from tests.reception.desk_support import Console, console_on

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
__all__ = ["console_on"]


def _open_page(qtbot: QtBot, console: Console) -> TerminalsPage:
    with console.factory.begin() as session:
        save_site(session, code="qs-main", name="青山区政务服务中心", kind="district")
    page = TerminalsPage(it_context(console))
    qtbot.add_widget(page)
    page.resize(1920, 1080)
    page.show()
    with qtbot.wait_signal(page.terminals_loaded, timeout=SIGNAL_TIMEOUT_MS):
        pass  # the answer arrives by signal once the event loop runs
    return page


def _press_save(qtbot: QtBot, page: TerminalsPage, dialog: Any, signal: Any) -> Any:
    with qtbot.wait_signal(signal, timeout=SIGNAL_TIMEOUT_MS) as blocker:
        click(qtbot, dialog.save_button)
    return blocker.args[0]


def _terminal(console: Console, code: str) -> Terminal:
    with console.factory() as session:
        row = session.scalars(select(Terminal).where(Terminal.code == code)).one()
        session.expunge(row)
        return row


def _add_kiosk(qtbot: QtBot, page: TerminalsPage) -> None:
    click(qtbot, page.section.add_button)
    dialog = page.dialog
    assert isinstance(dialog, TerminalDialog)
    type_into(qtbot, dialog.code, "qs-kiosk-01")
    dialog.kind.setCurrentIndex(dialog.kind.findData("kiosk"))
    type_into(qtbot, dialog.location, "一楼大厅入口")
    _press_save(qtbot, page, dialog, page.record_saved)
    qtbot.waitUntil(lambda: page.section.table.rowCount() == 1, timeout=SIGNAL_TIMEOUT_MS)
    page.section.select(lambda t: t.code == "qs-kiosk-01")


def _open_printer(qtbot: QtBot, page: TerminalsPage) -> PrinterDialog:
    click(qtbot, page.printer_button)
    dialog = page.dialog
    assert isinstance(dialog, PrinterDialog)
    return dialog


def _test_print(qtbot: QtBot, page: TerminalsPage) -> tuple[bool, str]:
    with qtbot.wait_signal(page.test_print_finished, timeout=SIGNAL_TIMEOUT_MS) as blocker:
        click(qtbot, page.test_button)
    return bool(blocker.args[0]), str(blocker.args[1])


def test_a_pdf_folder_printer_is_set_and_test_printed(
    qtbot: QtBot, console_on: Any, db_url: str, tmp_path: Path
) -> None:
    console = console_on(db_url)
    page = _open_page(qtbot, console)
    _add_kiosk(qtbot, page)
    row = _terminal(console, "qs-kiosk-01")
    assert (row.kind, row.location, row.active) == ("kiosk", "一楼大厅入口", True)
    assert page.section.table.item(0, 1).text() == "自助机"
    assert page.section.table.item(0, 5).text() == "未测试"

    # A network printer with no address is refused with the reason; nothing is stored.
    dialog = _open_printer(qtbot, page)
    dialog.set_kind("escpos-network")
    assert dialog.check_status.isVisible() and dialog.check_status.isChecked()
    message = _press_save(qtbot, page, dialog, page.save_failed)
    assert message.startswith("打印机设置有误")
    assert dialog.error.text() == message
    assert _terminal(console, "qs-kiosk-01").printer in ({}, None)

    # A PDF folder, chosen from the list, with the folder typed.
    dialog.set_kind("pdf-folder")
    assert not dialog.check_status.isVisible()
    folder = tmp_path / "slips"
    folder.mkdir()
    type_into(qtbot, dialog.folder, str(folder))
    _press_save(qtbot, page, dialog, page.record_saved)
    assert not dialog.isVisible()
    assert _terminal(console, "qs-kiosk-01").printer == {"kind": "pdf-folder", "path": str(folder)}
    qtbot.waitUntil(
        lambda: page.section.table.item(0, 4).text() == f"PDF {folder}", timeout=SIGNAL_TIMEOUT_MS
    )

    page.section.select(lambda t: t.code == "qs-kiosk-01")
    printed, shown = _test_print(qtbot, page)
    assert printed, shown
    assert page.result.text() == shown == "测试页已打印，请查看打印机。"
    pdfs = list(folder.glob("*.pdf"))
    assert len(pdfs) == 1
    text = subprocess.run(
        ["pdftotext", str(pdfs[0]), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "打印测试" in text
    assert "qs-kiosk-01" in text
    qtbot.waitUntil(
        lambda: page.section.table.item(0, 5).text().startswith("成功"), timeout=SIGNAL_TIMEOUT_MS
    )
    shoot(page, "admin_terminals")
    assert_accessible(qtbot, page)
    row = _terminal(console, "qs-kiosk-01")
    assert row.last_print_result == "printed"
    it_id = console.staff(IT_USER).id
    with console.factory() as session:
        actors = {
            (actor, actor_id)
            for actor, actor_id in session.execute(
                select(AuditEntry.actor, AuditEntry.actor_id).where(
                    AuditEntry.action.like("terminal.%")
                )
            )
        }
    assert actors == {(IT_USER, it_id)}  # issue #9: the staff member's id, not only the name


def test_a_printer_that_refuses_is_recorded_as_failed_and_terminals_are_disabled(
    qtbot: QtBot, console_on: Any, sqlite_url: str
) -> None:
    console = console_on(sqlite_url)
    page = _open_page(qtbot, console)
    _add_kiosk(qtbot, page)
    with socket.socket() as probe:  # a loopback port nobody listens on: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    dialog = _open_printer(qtbot, page)
    dialog.set_kind("escpos-network")
    type_into(qtbot, dialog.host, "127.0.0.1")
    dialog.port.setValue(port)
    _press_save(qtbot, page, dialog, page.record_saved)
    stored = _terminal(console, "qs-kiosk-01").printer
    assert stored["host"] == "127.0.0.1" and stored["port"] == port
    assert stored["check_status"] is True

    page.section.select(lambda t: t.code == "qs-kiosk-01")
    printed, shown = _test_print(qtbot, page)
    assert not printed
    assert shown and page.result.text() == shown
    assert _terminal(console, "qs-kiosk-01").last_print_result == "failed"
    qtbot.waitUntil(
        lambda: page.section.table.item(0, 5).text().startswith("失败"), timeout=SIGNAL_TIMEOUT_MS
    )

    # The printer form opens again with what was stored.
    page.section.select(lambda t: t.code == "qs-kiosk-01")
    again = _open_printer(qtbot, page)
    assert again.kind.currentData() == "escpos-network"
    assert (again.host.text(), again.port.value()) == ("127.0.0.1", port)
    again.reject()

    page.section.select(lambda t: t.code == "qs-kiosk-01")
    with qtbot.wait_signal(page.record_saved, timeout=SIGNAL_TIMEOUT_MS):
        click(qtbot, page.section.toggle_button)
    assert _terminal(console, "qs-kiosk-01").active is False
    qtbot.waitUntil(
        lambda: page.section.table.item(0, 6).text() == "已停用", timeout=SIGNAL_TIMEOUT_MS
    )


def test_a_system_queue_printer_is_tried_through_qt(
    qtbot: QtBot, console_on: Any, sqlite_url: str
) -> None:
    """The ``system`` kind can only be test-printed from the console (the CLI has no Qt):
    the page hands the Qt print queue to the service, so a missing queue is a recorded
    failure with the printer's own reason, not "test it from the console"."""
    console = console_on(sqlite_url)
    page = _open_page(qtbot, console)
    _add_kiosk(qtbot, page)
    dialog = _open_printer(qtbot, page)
    dialog.set_kind("system")
    assert not dialog.check_status.isVisible()
    dialog.queue_name.setCurrentText("hall-no-such-queue")
    _press_save(qtbot, page, dialog, page.record_saved)
    assert _terminal(console, "qs-kiosk-01").printer == {
        "kind": "system",
        "name": "hall-no-such-queue",
    }

    page.section.select(lambda t: t.code == "qs-kiosk-01")
    printed, shown = _test_print(qtbot, page)
    assert not printed
    assert shown == NOT_CONNECTED_ZH
    assert _terminal(console, "qs-kiosk-01").last_print_result == "failed"
