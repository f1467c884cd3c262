"""补打 at the desk says so on the paper (issue #19, item 6): the same number and QR code as the
first print, marked 【补打】 with the time it was printed again, so a second slip for one number
explains itself; the desk's queue buttons word the wait as the kiosk does."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from shared.clock import to_local, utcnow
from shared.rendering.ticket import REPRINT_MARK
from tests.reception.conftest import OFFSCREEN_NOISE, SIGNAL_TIMEOUT_MS
from tests.reception.desk_support import console_on
from tests.reception.test_ticket_desk import _pdf_qr, issue, open_desk
from tests.support.windows import open_windows

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
__all__ = ["console_on"]

SHOTS = Path("/tmp/shots-slips")


def _text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")


def test_a_reprint_is_marked_with_its_time(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str, tmp_path: Path
) -> None:
    console = console_on(seeded_sqlite_url)
    open_windows(console.factory, [9])  # a B window is signed in: B's wait has a range
    folder = tmp_path / "desk-prints"
    console.set_printer({"kind": "pdf-folder", "path": str(folder)})
    page = open_desk(qtbot, console)
    qtbot.waitUntil(lambda: page.printer is not None, timeout=SIGNAL_TIMEOUT_MS)
    # The empty queue with a free window reads as on the kiosk (not 无人等候 · 即到即办).
    assert page.queue_button("B").text().endswith("等候 0 人 · 即将叫号")
    for width, height in ((1920, 1080), (1366, 768)):
        page.resize(width, height)
        QApplication.sendPostedEvents()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.grab().save(str(SHOTS / f"desk-{width}.png"))

    issue(qtbot, page, "B")
    (pdf,) = folder.glob("*-B001.pdf")
    first, first_qr = _text(pdf), _pdf_qr(pdf, tmp_path)
    assert REPRINT_MARK not in first and "补打时间" not in first
    shutil.move(pdf, tmp_path / "first.pdf")

    page.select_number("B001")
    before = to_local(utcnow()).replace(second=0, microsecond=0)
    with qtbot.wait_signal(page.print_finished, timeout=SIGNAL_TIMEOUT_MS):
        qtbot.mouseClick(page.reprint_button, Qt.MouseButton.LeftButton)
    (again,) = folder.glob("*-B001.pdf")
    text = _text(again)
    assert REPRINT_MARK in text and "B001" in text
    match = re.search(r"补打时间：(\d{4}-\d\d-\d\d \d\d:\d\d)", text)
    assert match is not None
    assert match.group(1) >= f"{before:%Y-%m-%d %H:%M}"
    assert _pdf_qr(again, tmp_path) == first_qr  # the same code: it checks in the same ticket
