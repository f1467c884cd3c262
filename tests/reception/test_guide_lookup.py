"""办事指南查询 at the console (issue #4, item 5): search by Chinese and pinyin, read the guide,
print the guide slip, and issue a ticket for the matter through the desk's path."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from pyzbar.pyzbar import decode
from sqlalchemy import select

from reception.modules.guide_lookup import GuideLookupPage
from shared.demo.org_data import DEMO_PASSWORD
from shared.models import ServiceMatter, Ticket
from shared.printing import PdfFolderPrinter
from shared.qt.a11y import check_accessibility
from shared.qt.theme import NORMAL
from shared.rendering import TicketSlip
from shared.rendering.guide_slip import guide_qr_payload
from tests.reception.conftest import OFFSCREEN_NOISE, SIGNAL_TIMEOUT_MS, ShellMaker, log_in
from tests.reception.desk_support import Console, console_on

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
__all__ = ["console_on"]


class RecordingPrinter:
    """Files guide slips as PDFs and records tickets (a desk receipt printer stand-in)."""

    def __init__(self, folder: Path) -> None:
        self.folder = PdfFolderPrinter(folder)
        self.tickets: list[TicketSlip] = []

    def describe(self) -> str:
        return "recording"

    def print_ticket(self, slip: TicketSlip) -> None:
        self.tickets.append(slip)

    def print_receipt(self, elements: Any, name: str) -> None:
        self.folder.print_receipt(elements, name)


def open_lookup(
    qtbot: QtBot, console: Console, printer: Any = None, username: str = "guide1"
) -> GuideLookupPage:
    page = GuideLookupPage(console.context(username), printer_factory=lambda _config: printer)
    qtbot.add_widget(page)
    page.resize(1400, 900)
    page.show()
    qtbot.wait_exposed(page)
    return page


def search(qtbot: QtBot, page: GuideLookupPage, text: str) -> list[str]:
    """Type as staff would (Chinese arrives whole from the input method, as a commit);
    returns the names listed for the whole text."""
    with qtbot.wait_signal(
        page.results_shown,
        timeout=SIGNAL_TIMEOUT_MS,
        check_params_cb=lambda query, _hits: query == text,
    ):
        page.search.clear()
        if text.isascii():
            qtbot.keyClicks(page.search, text)
        else:
            page.search.insert(text)
    return page.result_names()


def open_guide(qtbot: QtBot, page: GuideLookupPage, code: str) -> None:
    with qtbot.wait_signal(page.guide_shown, timeout=SIGNAL_TIMEOUT_MS):
        page.select_code(code)


def _code(console: Console, name: str) -> str:
    with console.factory() as session:
        return session.scalars(select(ServiceMatter.code).where(ServiceMatter.name == name)).one()


def test_search_by_chinese_full_pinyin_and_initials(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    page = open_lookup(qtbot, console_on(seeded_sqlite_url))
    by_chinese = search(qtbot, page, "身份证")
    # Name matches first; matters that only mention it (materials, aliases) come after.
    in_name = ["身份证" in name for name in by_chinese]
    assert by_chinese and in_name[0] and in_name == sorted(in_name, reverse=True)
    assert "居民身份证换领" in by_chinese
    assert "居民身份证换领" in search(qtbot, page, "shenfenzheng")
    assert search(qtbot, page, "sfz")[0].startswith("居民身份证")
    assert search(qtbot, page, "zzzzqqq") == []
    assert page.state.text() == "没有找到相关事项。"


def test_guide_detail_and_issue_for_the_matter(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str, tmp_path: Path
) -> None:
    console = console_on(seeded_sqlite_url)
    printer = RecordingPrinter(tmp_path / "slips")
    page = open_lookup(qtbot, console, printer)
    search(qtbot, page, "居民身份证换领")
    code = _code(console, "居民身份证换领")
    open_guide(qtbot, page, code)
    text = page.detail.toPlainText()
    for expected in ("居民身份证换领", "申请材料", "办理流程", "法定时限", "承诺时限", "收费标准"):
        assert expected in text

    with (
        qtbot.wait_signal(page.ticket_issued, timeout=SIGNAL_TIMEOUT_MS) as issued,
        qtbot.wait_signal(page.print_finished, timeout=SIGNAL_TIMEOUT_MS) as printed,
    ):
        qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
    ticket = issued.args[0]
    assert ticket.number.startswith("D") and ticket.matter_code == code
    assert printed.args[0].printed
    with console.factory() as session:
        row = session.scalars(select(Ticket)).one()
        matter = session.scalars(select(ServiceMatter).where(ServiceMatter.code == code)).one()
    assert (row.channel, row.matter_id, row.number) == ("desk", matter.id, ticket.number)
    (slip,) = printer.tickets
    assert slip.matter_name == "居民身份证换领" and len(slip.materials) == len(matter.materials)
    assert page.message.text().startswith(f"已取号 {ticket.number}")


def test_print_guide_slip_from_the_console(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str, tmp_path: Path
) -> None:
    console = console_on(seeded_sqlite_url)
    page = open_lookup(qtbot, console, RecordingPrinter(tmp_path / "slips"))
    search(qtbot, page, "chusheng")  # full pinyin: 出生…
    assert page.result_names()
    page.results.setCurrentRow(0)
    qtbot.wait_until(lambda: page.guide is not None, timeout=SIGNAL_TIMEOUT_MS)
    guide = page.guide
    assert guide is not None
    with qtbot.wait_signal(page.slip_printed, timeout=SIGNAL_TIMEOUT_MS) as printed:
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    assert printed.args == [None]
    pdf = tmp_path / "slips" / f"guide-{guide.code}.pdf"
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert guide.name in "".join(text.split())
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    codes = [s.data.decode("ascii") for s in decode(Image.open(tmp_path / "page.png"))]
    assert codes == [guide_qr_payload(guide.code, guide.guide_url)]


def test_no_printer_says_so(qtbot: QtBot, console_on: Any, seeded_sqlite_url: str) -> None:
    console = console_on(seeded_sqlite_url)
    page = open_lookup(qtbot, console, None)
    search(qtbot, page, "sfz")
    page.results.setCurrentRow(0)
    qtbot.wait_until(lambda: page.print_button.isEnabled(), timeout=SIGNAL_TIMEOUT_MS)
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    assert page.message.text() == "本机未配置打印机，无法打印指南。"


def test_module_in_the_console_for_guides_and_accessible(
    qtbot: QtBot, open_shell: ShellMaker, console_on: Any, seeded_sqlite_url: str
) -> None:
    console_on(seeded_sqlite_url)
    shell = open_shell(seeded_sqlite_url)
    log_in(qtbot, shell, "guide1", DEMO_PASSWORD)
    view = shell.console
    assert view is not None
    assert "guide_lookup" in view.module_keys()
    view.select_module("guide_lookup")
    page = view.module("guide_lookup")
    assert isinstance(page, GuideLookupPage)
    search(qtbot, page, "sfz")
    page.results.setCurrentRow(0)
    qtbot.wait_until(lambda: page.guide is not None, timeout=SIGNAL_TIMEOUT_MS)
    qtbot.wait(20)
    assert [str(p) for p in check_accessibility(view, NORMAL)] == []
