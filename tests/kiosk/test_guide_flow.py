"""Kiosk 办事指南 (issue #4, items 4 and 6): keypad search → guide → ticket, browsing, the slip.

A real seeded SQLite file, the real catalog index and allocator; only the ticket printer
(hardware) and the clock are faked. Touches are real mouse clicks, as a visitor makes them.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from pyzbar.pyzbar import decode
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from kiosk.controller import KioskOptions
from kiosk.screens.guide import BROWSE, NAME, PAGE, GuideFlow
from kiosk.screens.ticket import CONFIRM, RESULT
from kiosk.window import HOME
from shared.models import GuideViewCount, ServiceMatter, Terminal, Ticket
from shared.printing import PrintError
from shared.qt.a11y import check_accessibility
from shared.qt.theme import ELDER, KIOSK
from shared.rendering import TicketSlip
from shared.rendering.guide_slip import guide_qr_payload
from tests.kiosk.conftest import FAST, OFFSCREEN_NOISE, Kiosk, KioskMaker

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

OPTIONS = KioskOptions(**{**FAST.__dict__, "idle_ms": 60_000})
WAIT = 10_000


class FakePrinter:
    """A receipt printer that records the tickets it was given."""

    def __init__(self) -> None:
        self.printed: list[TicketSlip] = []

    def describe(self) -> str:
        return "fake"

    def print_ticket(self, slip: TicketSlip) -> None:
        self.printed.append(slip)


class Visitor:
    """Walks the kiosk's 办事指南 with real clicks."""

    def __init__(self, qtbot: QtBot, kiosk: Kiosk) -> None:
        self.qtbot = qtbot
        self.kiosk = kiosk

    @property
    def flow(self) -> GuideFlow:
        return self.kiosk.controller.guide_flow

    def touch(self, widget: QWidget) -> None:
        assert widget.isVisible() and widget.isEnabled(), widget.objectName()
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def open_guides(self) -> None:
        with self.qtbot.waitSignal(self.flow.index_ready, timeout=WAIT, raising=False):
            pass  # the index is being built in the background since start-up
        self.touch(self.kiosk.controller.home.tiles["guide"])
        assert self.kiosk.window.current_name == NAME

    def type(self, letters: str) -> None:
        """Press the keys and wait for the results of all of them."""
        keys = self.flow.search_screen.keypad.keys
        with self.qtbot.waitSignal(
            self.flow.results_shown,
            timeout=WAIT,
            check_params_cb=lambda query, _hits: query == self.flow.search_screen.query,
        ):
            for letter in letters:
                self.touch(keys[letter.upper()])

    def open_result(self, name: str) -> None:
        screen = self.flow.search_screen
        button = next(b for b in screen.results.buttons if b.accessibleName() == name)
        with self.qtbot.waitSignal(self.flow.page_shown, timeout=WAIT):
            self.touch(button)
        assert self.kiosk.window.current_name == PAGE


def _matter(factory: sessionmaker[Session], name: str) -> ServiceMatter:
    with factory() as session:
        matter = session.scalars(select(ServiceMatter).where(ServiceMatter.name == name)).one()
        session.expunge(matter)
        return matter


def _set_printer(factory: sessionmaker[Session], config: dict[str, Any]) -> None:
    with factory.begin() as session:
        session.execute(update(Terminal).where(Terminal.code == "kiosk-01").values(printer=config))


def test_keypad_search_to_guide_to_ticket_with_the_matter(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    printer = FakePrinter()
    kiosk.controller.ticket_flow.printer_factory = lambda _config: printer
    visitor = Visitor(qtbot, kiosk)
    visitor.open_guides()

    visitor.type("sfz")
    screen = visitor.flow.search_screen
    assert screen.query_label.text() == "SFZ"
    names = screen.results.names()
    assert names[0].startswith("居民身份证"), names
    assert "居民身份证换领" in names

    visitor.open_result("居民身份证换领")
    page = visitor.flow.page_screen
    matter = _matter(sqlite_factory, "居民身份证换领")
    assert page.name_label.text() == "居民身份证换领"
    shown = page.material_texts()
    (group,) = matter.materials  # the demo's materials: one group, quantities as text
    assert len(shown) == len(group["items"])
    for material, text in zip(group["items"], shown, strict=True):
        assert text == f"□ {material['name']}（{material['quantity']}）"
    # The window is on the map: the public-security windows, highlighted.
    assert page.map.highlighted() == [19, 20, 21, 22]
    assert "19至22号窗口" in page.where_label.text()

    # 取号办理 → the confirmation for the matter's queue (D) → 确认取号 → the number.
    ticket_flow = kiosk.controller.ticket_flow
    with qtbot.waitSignal(ticket_flow.menu_loaded, timeout=WAIT):
        visitor.touch(page.take_button)
    assert kiosk.window.current_name == CONFIRM
    confirm = ticket_flow.confirm_screen
    assert confirm.queue_label.text().startswith("D")
    assert confirm.description_label.text() == "办理事项：居民身份证换领"
    with (
        qtbot.waitSignal(ticket_flow.ticket_issued, timeout=WAIT),
        qtbot.waitSignal(ticket_flow.print_finished, timeout=WAIT),
    ):
        visitor.touch(confirm.confirm_button)
    assert kiosk.window.current_name == RESULT
    number = ticket_flow.result.number_label.text()
    bring = ticket_flow.result.matter_label.text()
    assert bring.startswith("办理事项：居民身份证换领。请备齐：")
    assert all(m["name"] in bring for m in matter.materials[0]["items"])
    with sqlite_factory() as session:
        ticket = session.scalars(select(Ticket)).one()
    assert (ticket.number, ticket.matter_id, ticket.channel) == (number, matter.id, "kiosk")
    assert number.startswith("D")
    # The slip lists the matter and its materials.
    (slip,) = printer.printed
    assert slip.matter_name == "居民身份证换领"
    assert list(slip.materials) == matter.materials


def test_latest_letters_win_and_delete_and_clear(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    visitor = Visitor(qtbot, make_kiosk(sqlite_factory, OPTIONS))
    visitor.open_guides()
    shown: list[str] = []
    visitor.flow.results_shown.connect(lambda query, _hits: shown.append(query))
    visitor.type("sfzh")  # four presses without waiting in between
    screen = visitor.flow.search_screen
    # Whatever was searched in between, what is on screen answers the last letters.
    assert shown[-1] == "sfzh" and shown == sorted(shown, key=len)
    assert all(
        name.startswith("居民身份证换") or "身份证" in name for name in screen.results.names()
    )

    with qtbot.waitSignal(visitor.flow.results_shown, timeout=WAIT):
        visitor.touch(screen.keypad.delete_key)
    assert screen.query == "sfz"
    assert "居民身份证申领" in screen.results.names()
    visitor.touch(screen.keypad.clear_key)
    assert screen.query == "" and screen.results.names() == []
    assert screen.query_label.text() == "请输入字母"

    visitor.type("qqqqxx")
    assert screen.results.names() == []
    assert "没有找到" in screen.state_label.text()


def test_browse_by_life_event_and_department(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    visitor = Visitor(qtbot, make_kiosk(sqlite_factory, OPTIONS))
    visitor.open_guides()
    flow = visitor.flow
    with qtbot.waitSignal(flow.menu_loaded, timeout=WAIT) as menu:
        visitor.touch(flow.search_screen.event_button)
    assert visitor.kiosk.window.current_name == BROWSE
    events = [event for event, _count in menu.args[0].personal]
    assert events[:3] == ["出生", "上学", "就业"]
    assert [event for event, _count in menu.args[0].business][:2] == ["开办", "经营"]

    browse = flow.browse_screen
    with qtbot.waitSignal(flow.list_shown, timeout=WAIT) as listed:
        visitor.touch(browse.choices["出生"])
    names = [hit.name for hit in listed.args[0]]
    assert "出生登记（户口）" in names
    # Only this site's catalog: every matter listed is offered at the district hall.
    with sqlite_factory() as session:
        for hit in listed.args[0]:
            matter = session.scalars(
                select(ServiceMatter).where(ServiceMatter.code == hit.code)
            ).one()
            assert "出生" in matter.life_events
            assert "huarong" in {site.code for site in matter.sites}

    while "出生登记（户口）" not in browse.list_page.names():
        visitor.touch(browse.list_page.next_button)
    with qtbot.waitSignal(flow.page_shown, timeout=WAIT):
        visitor.touch(browse.list_page.button_for(_matter(sqlite_factory, "出生登记（户口）").code))
    assert flow.page_screen.name_label.text() == "出生登记（户口）"
    # 返回 goes back to the list it came from, then the choices, then the keypad.
    visitor.touch(flow.page_screen.back_button)
    assert visitor.kiosk.window.current_name == BROWSE and browse.showing_list
    visitor.touch(browse.back_button)
    assert not browse.showing_list
    visitor.touch(browse.back_button)
    assert visitor.kiosk.window.current_name == NAME

    visitor.touch(flow.search_screen.department_button)
    with qtbot.waitSignal(flow.list_shown, timeout=WAIT) as listed:
        visitor.touch(browse.choices["gaj"])
    assert listed.args[0] and {hit.department_code for hit in listed.args[0]} == {"gaj"}
    visitor.touch(browse.home_button)
    assert visitor.kiosk.window.current_name == HOME


def test_print_guide_slip_reads_back(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    folder = tmp_path / "printed"
    _set_printer(sqlite_factory, {"kind": "pdf-folder", "path": str(folder)})
    visitor = Visitor(qtbot, make_kiosk(sqlite_factory, OPTIONS))
    visitor.open_guides()
    visitor.type("sfz")
    visitor.open_result("居民身份证申领")
    page = visitor.flow.page_screen
    with qtbot.waitSignal(visitor.flow.slip_printed, timeout=WAIT) as printed:
        visitor.touch(page.print_button)
    assert printed.args == [None]
    assert page.ok_label.isVisible() and page.ok_label.text() == "指南已打印，请取走"
    matter = _matter(sqlite_factory, "居民身份证申领")
    pdf = folder / f"guide-{matter.code}.pdf"
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    flat = "".join(text.split())
    assert "居民身份证申领" in flat and "19至22号窗口" in flat
    for material in matter.materials[0]["items"]:
        assert material["name"] in flat
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    codes = [s.data.decode("ascii") for s in decode(Image.open(tmp_path / "page.png"))]
    # The demo publishes no online guide: the code is the matter's code, and says so.
    assert codes == [guide_qr_payload(matter.code)] == [f"MATTER:{matter.code}"]
    assert f"此码仅为事项编码{matter.code}，不是网址" in flat


def test_print_failure_is_said_plainly_and_the_guide_stays(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS)

    class Jammed:
        def print_receipt(self, _elements: Any, _name: str) -> None:
            raise PrintError("jammed", "打印机缺纸，请拍照或扫码留存指南。")

    kiosk.controller.guide_flow.printer_factory = lambda _config: Jammed()
    visitor = Visitor(qtbot, kiosk)
    visitor.open_guides()
    visitor.type("sfz")
    visitor.open_result("居民身份证申领")
    page = visitor.flow.page_screen
    with qtbot.waitSignal(visitor.flow.slip_printed, timeout=WAIT):
        visitor.touch(page.print_button)
    assert page.notice_label.text() == "打印机缺纸，请拍照或扫码留存指南。"
    assert page.print_button.isEnabled()
    assert kiosk.window.current_name == PAGE


def test_back_from_the_confirmation_returns_to_the_guide_and_scroll_buttons(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS, size=(1920, 1080))
    visitor = Visitor(qtbot, kiosk)
    visitor.open_guides()
    visitor.type("sfz")
    visitor.open_result("居民身份证换领")
    page = visitor.flow.page_screen
    bar = page.scroll_area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=2000)  # a long guide scrolls
    assert not page.up_button.isEnabled()
    visitor.touch(page.down_button)
    assert bar.value() > 0 and page.up_button.isEnabled()
    visitor.touch(page.up_button)
    assert bar.value() == 0

    ticket_flow = kiosk.controller.ticket_flow
    with qtbot.waitSignal(ticket_flow.menu_loaded, timeout=WAIT):
        visitor.touch(page.take_button)
    visitor.touch(ticket_flow.confirm_screen.back_button)
    assert kiosk.window.current_name == PAGE
    visitor.touch(page.back_button)
    assert kiosk.window.current_name == NAME
    assert visitor.flow.search_screen.query == "sfz"  # the letters are kept
    visitor.touch(visitor.flow.search_screen.home_button)
    assert kiosk.window.current_name == HOME
    with sqlite_factory() as session:
        assert session.scalars(select(Ticket)).all() == []


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)], ids=["landscape", "portrait"])
def test_guide_screens_pass_accessibility_in_both_modes(
    qtbot: QtBot,
    make_kiosk: KioskMaker,
    sqlite_factory: sessionmaker[Session],
    size: tuple[int, int],
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS, size=size)
    visitor = Visitor(qtbot, kiosk)
    flow = visitor.flow
    for elder in (False, True):
        tokens = ELDER if elder else KIOSK
        kiosk.controller.set_elder(elder)
        visitor.open_guides()
        visitor.type("sfz")
        qtbot.wait(10)
        assert check_accessibility(kiosk.window, tokens) == [], "keypad"
        if elder:
            key = flow.search_screen.keypad.keys["S"]
            assert key.width() >= 60 and key.height() >= 60
        visitor.open_result("居民身份证换领")
        qtbot.wait(10)
        assert check_accessibility(kiosk.window, tokens) == [], "guide page"
        if flow.browse_screen.menu is None:
            with qtbot.waitSignal(flow.menu_loaded, timeout=WAIT):
                flow.browse("event")
        else:
            flow.browse("event")
        with qtbot.waitSignal(flow.list_shown, timeout=WAIT):
            visitor.touch(flow.browse_screen.choices["出生"])
        qtbot.wait(10)
        assert check_accessibility(kiosk.window, tokens) == [], "browse list"
        flow.browse("department")
        qtbot.wait(10)
        assert check_accessibility(kiosk.window, tokens) == [], "browse departments"
        hint = kiosk.window.minimumSizeHint()
        assert hint.width() <= size[0] and hint.height() <= size[1]
        kiosk.controller.go_home()


def test_a_stale_result_is_dropped_and_the_latest_letters_are_searched(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    visitor = Visitor(qtbot, make_kiosk(sqlite_factory, OPTIONS))
    visitor.open_guides()
    visitor.type("sfz")
    flow = visitor.flow
    before = flow.search_screen.results.names()
    shown: list[str] = []
    flow.results_shown.connect(lambda query, _hits: shown.append(query))
    # A late answer for letters no longer on screen is dropped; the letters on screen are
    # searched again instead.
    flow._searching = True
    with qtbot.waitSignal(flow.results_shown, timeout=WAIT):
        flow.on_search_done("s", [])
    assert shown == ["sfz"]
    assert flow.search_screen.results.names() == before


def test_guides_visitors_open_rank_first_among_equal_matches(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    visitor = Visitor(qtbot, kiosk)
    visitor.open_guides()
    visitor.type("sfz")
    before = visitor.flow.search_screen.results.names()
    wanted = "居民身份证补领"
    assert wanted in before and before[0] != wanted, before  # no demand yet: by code
    for _ in range(3):  # three visitors read its guide
        visitor.open_result(wanted)
        qtbot.waitUntil(lambda: not visitor.flow.tasks.busy, timeout=WAIT)
        visitor.touch(visitor.flow.page_screen.back_button)
        assert kiosk.window.current_name == NAME
    with sqlite_factory() as session:
        views = session.scalars(
            select(GuideViewCount.views)
            .join(ServiceMatter, ServiceMatter.id == GuideViewCount.matter_id)
            .where(ServiceMatter.name == wanted)
        ).all()
    assert views == [3]
    # The slow timer re-reads demand in the background; the next search ranks it first.
    visitor.flow.on_demand_timeout()
    qtbot.waitUntil(lambda: not visitor.flow.search_tasks.busy, timeout=WAIT)
    screen = visitor.flow.search_screen
    visitor.touch(screen.keypad.clear_key)
    visitor.type("sfz")
    after = screen.results.names()
    assert after[0] == wanted, after
