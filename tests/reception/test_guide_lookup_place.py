"""办事指南查询 says where to go as the kiosk does (issue #19, item 5): the hall's windows for
the matter from the one wayfinding function (19至22号窗口（一楼公安户政区）), the published
办理地点 (D区 区公安分局窗口) beside them, on the screen and on the printed slip."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from shared.models import ServiceMatter
from shared.services.catalog_page import load_guide_page
from shared.services.home import resolve_site
from shared.services.wayfinding import hall_windows, way_to
from tests.reception.conftest import OFFSCREEN_NOISE, SIGNAL_TIMEOUT_MS
from tests.reception.desk_support import console_on
from tests.reception.test_guide_lookup import RecordingPrinter, open_guide, open_lookup, search

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
__all__ = ["console_on"]

NAME = "居民身份证换领"
SHOTS = Path("/tmp/shots-slips")


def _flat(text: str) -> str:
    return "".join(text.split())


def test_the_console_says_where_to_go_as_the_kiosk_does(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str, tmp_path: Path
) -> None:
    console = console_on(seeded_sqlite_url)
    with console.factory() as session:
        matter = session.scalars(select(ServiceMatter).where(ServiceMatter.name == NAME)).one()
        site = resolve_site(session, "huarong")
        way = way_to(hall_windows(session, site.id), matter.queue_prefix)
        kiosk_page = load_guide_page(session, matter.code, "huarong", "kiosk-01")
    assert way.where == kiosk_page.where == "19至22号窗口（一楼公安户政区）"
    assert matter.location == "D区 区公安分局窗口"  # the published 办理地点

    page = open_lookup(qtbot, console, RecordingPrinter(tmp_path / "slips"))
    search(qtbot, page, NAME)
    open_guide(qtbot, page, matter.code)
    lines = [line.strip() for line in page.detail.toPlainText().splitlines() if line.strip()]
    assert f"本中心窗口：{way.where}" in lines
    # The published place stays, under 办理地点, with the hall's windows beside it: the same
    # lines as the kiosk's guide page.
    place = next(s for s in kiosk_page.sections if s.key == "location")
    at = lines.index("办理地点")
    assert lines[at + 1 : at + 1 + len(place.lines)] == list(place.lines)
    assert list(place.lines) == [matter.location, f"本中心窗口：{way.where}"]

    for width, height in ((1920, 1080), (1366, 768)):
        page.resize(width, height)
        QApplication.sendPostedEvents()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.grab().save(str(SHOTS / f"console-guide-{width}.png"))

    with qtbot.wait_signal(page.slip_printed, timeout=SIGNAL_TIMEOUT_MS) as printed:
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    assert printed.args == [None]
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(tmp_path / "slips" / f"guide-{matter.code}.pdf"), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    assert _flat(f"本中心窗口：{way.where}") in _flat(text)
    assert _flat(matter.location) in _flat(text)
