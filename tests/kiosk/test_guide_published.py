"""The kiosk shows guides as published (issue #11, items 2 and 6).

An all-empty matter is walked through every guide screen (keypad results, the guide page and
its map, the 取号 confirmation and result, the ticket slip with its materials, the guide
slip): no screen or slip invents a fee, a step, a number of visits, a count or a time limit.
Real published guides, imported as a hall's IT person would, show their own text — the
published 办理地点 beside the hall's windows, materials in their groups, 请咨询窗口 where
the page said nothing.

Screenshots of the guide page go to ``HALL_SHOTS`` when it names a folder (to look at).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.controller import KioskOptions
from kiosk.screens.guide import PAGE, GuideFlow
from kiosk.screens.ticket import CONFIRM, RESULT
from shared.models import ServiceMatter
from shared.qt.a11y import check_accessibility
from shared.qt.theme import ELDER
from shared.rendering import TicketSlip
from shared.rendering.escpos_render import encode
from shared.rendering.layout import Text
from shared.rendering.ticket import render_ticket_escpos, ticket_layout
from shared.services.catalog_io import import_catalog, write_catalog_file
from tests.kiosk.conftest import FAST, OFFSCREEN_NOISE, Kiosk, KioskMaker
from tests.support import real_guides as rg
from tests.support.guides import INVENTED, NOT_PUBLISHED

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

OPTIONS = KioskOptions(**{**FAST.__dict__, "idle_ms": 60_000})
WAIT = 10_000
EMPTY = "EMPTY-0001"


class SlipPrinter:
    """A receipt printer that keeps what it was given (tickets and guide slips)."""

    def __init__(self) -> None:
        self.tickets: list[TicketSlip] = []
        self.receipts: list[list[Any]] = []

    def describe(self) -> str:
        return "fake"

    def print_ticket(self, slip: TicketSlip) -> None:
        self.tickets.append(slip)

    def print_receipt(self, elements: list[Any], _name: str) -> None:
        self.receipts.append(elements)


def shoot(qtbot: QtBot, widget: QWidget, name: str) -> None:
    """Save a grab of ``widget``, laid out, when HALL_SHOTS names a folder."""
    folder = os.environ.get("HALL_SHOTS")
    if folder:
        qtbot.wait(200)  # let the new guide's labels settle into the layout
        widget.grab().save(os.path.join(folder, f"{name}.png"))


def texts(widget: QWidget) -> list[str]:
    """Every visible label's text and button's text on ``widget``."""
    shown = [label.text() for label in widget.findChildren(QLabel) if label.isVisible()]
    shown += [
        button.text()
        for button in widget.findChildren(QWidget)
        if button.isVisible() and hasattr(button, "text") and not isinstance(button, QLabel)
    ]
    return [str(t) for t in shown if t]


def assert_invents_nothing(shown: list[str], where: str) -> None:
    for phrase in INVENTED:
        assert not any(phrase in line for line in shown), (where, phrase, shown)


def _import_empty(factory: sessionmaker[Session], tmp_path: Path) -> None:
    """A matter whose page published only its name (and the hall's own settings)."""
    path = tmp_path / "empty.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["事项编码", "事项名称", "实施部门", "办理站点", "取号队列"])
        writer.writerow([EMPTY, "空白事项", "mzj", "huarong", "A"])
    with factory.begin() as session:
        import_catalog(session, path)


def _open(qtbot: QtBot, kiosk: Kiosk, code: str) -> GuideFlow:
    flow = kiosk.controller.guide_flow
    with qtbot.waitSignal(flow.index_ready, timeout=WAIT, raising=False):
        pass
    with qtbot.waitSignal(flow.page_shown, timeout=WAIT):
        flow.open_guide(code)
    assert kiosk.window.current_name == PAGE
    return flow


def test_an_empty_matter_invents_nothing_on_any_screen_or_slip(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    _import_empty(sqlite_factory, tmp_path)
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    printer = SlipPrinter()
    kiosk.controller.ticket_flow.printer_factory = lambda _config: printer
    kiosk.controller.guide_flow.printer_factory = lambda _config: printer

    # The keypad's results: found by its initials, a name and a department only.
    flow = kiosk.controller.guide_flow
    with qtbot.waitSignal(flow.index_ready, timeout=WAIT, raising=False):
        pass
    qtbot.mouseClick(kiosk.controller.home.tiles["guide"], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(
        flow.results_shown, timeout=WAIT, check_params_cb=lambda q, _h: q == "kbsx"
    ):
        for letter in "KBSX":
            qtbot.mouseClick(flow.search_screen.keypad.keys[letter], Qt.MouseButton.LeftButton)
    assert "空白事项" in flow.search_screen.results.names()
    assert_invents_nothing(texts(flow.search_screen), "results")

    # The guide page: every part says 请咨询窗口, the map shows the hall's windows.
    button = next(b for b in flow.search_screen.results.buttons if b.code == EMPTY)
    with qtbot.waitSignal(flow.page_shown, timeout=WAIT):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    page = flow.page_screen
    shown = texts(page)
    assert_invents_nothing(shown, "guide page")
    assert page.material_texts() == []
    for title in ("办理时间", "受理条件", "申请材料", "办理流程", "办理时限", "收费标准"):
        assert shown[shown.index(title) + 1] == NOT_PUBLISHED, title
    assert shown.count(NOT_PUBLISHED) == 7
    # No 办理地点 was published: only the hall's own windows are named, as such.
    assert shown[shown.index("办理地点") + 1].startswith("本中心窗口：")
    assert page.department_label.text() == "区民政局 · 事项编码 EMPTY-0001"
    assert page.where_label.text().startswith("本中心窗口：")  # the hall's own windows
    shoot(qtbot, kiosk.window, "guide_empty")

    # The guide slip as printed.
    with qtbot.waitSignal(flow.slip_printed, timeout=WAIT):
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    (receipt,) = printer.receipts
    lines = [e.text for e in receipt if isinstance(e, Text)]
    assert_invents_nothing(lines, "guide slip")
    assert NOT_PUBLISHED in lines and any("不是网址" in line for line in lines)

    # 取号办理: the confirmation, the result and the ticket slip with its materials.
    ticket_flow = kiosk.controller.ticket_flow
    with qtbot.waitSignal(ticket_flow.menu_loaded, timeout=WAIT):
        qtbot.mouseClick(page.take_button, Qt.MouseButton.LeftButton)
    assert kiosk.window.current_name == CONFIRM
    assert_invents_nothing(texts(ticket_flow.confirm_screen), "confirmation")
    with qtbot.waitSignal(ticket_flow.print_finished, timeout=WAIT):
        qtbot.mouseClick(ticket_flow.confirm_screen.confirm_button, Qt.MouseButton.LeftButton)
    assert kiosk.window.current_name == RESULT
    assert ticket_flow.result.matter_label.text() == "办理事项：空白事项"
    assert_invents_nothing(texts(ticket_flow.result), "ticket result")
    (ticket,) = printer.tickets
    assert ticket.matter_name == "空白事项" and list(ticket.materials) == []
    printed = [e.text for e in ticket_layout(ticket) if isinstance(e, Text)]
    assert_invents_nothing(printed, "ticket slip")
    escpos = render_ticket_escpos(ticket)
    for phrase in INVENTED:
        assert encode(phrase) not in escpos, phrase


def _real_kiosk(
    qtbot: QtBot, make_kiosk: KioskMaker, factory: sessionmaker[Session], tmp_path: Path
) -> tuple[Kiosk, dict[str, str], list[dict[str, Any]]]:
    guides = rg.load_guides()
    with factory.begin() as session:
        rg.set_up_hall(session, guides, site="huarong")
    path = rg.build_workbook(tmp_path / "real.xlsx", guides, site="huarong")
    with factory.begin() as session:
        import_catalog(session, path)
        codes = {
            m.name: m.code
            for m in session.scalars(
                select(ServiceMatter).where(ServiceMatter.name.in_([g["name"] for g in guides]))
            )
        }
    return make_kiosk(factory, OPTIONS), codes, guides


def test_real_guides_are_shown_as_published(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    kiosk, codes, guides = _real_kiosk(qtbot, make_kiosk, sqlite_factory, tmp_path)
    by_name = {g["name"]: g for g in guides}

    # 临沂: a full guide — the published 办理地点 as written, beside the hall's windows.
    linyi = by_name["社会保障卡换领"]
    flow = _open(qtbot, kiosk, codes[linyi["name"]])
    page = flow.page_screen
    shown = texts(page)
    assert page.department_label.text() == (f"{linyi['department']} · 事项编码 {linyi['code']}")
    assert linyi["location"] in shown
    assert any(line.startswith("本中心窗口：") for line in shown)
    for value in (linyi["hours"], linyi["consult_phone"], linyi["complaint_phone"], "0次", "0"):
        assert value in shown, value
    assert shown[shown.index("收费标准") + 1] == "0"  # as published, not 不收费
    assert shown[shown.index("办件类型") + 1] == "2"  # a platform's code, kept as published
    assert shown[shown.index("申请材料") + 1] == NOT_PUBLISHED
    shoot(qtbot, kiosk.window, "guide_real_linyi")

    # 施甸: no code published (a derived one, not called 事项编码), a sentence for a time
    # limit with an ASCII ';', materials in groups with "any one of".
    shidian = by_name["居民身份证换、补领"]
    flow = _open(qtbot, kiosk, codes[shidian["name"]])
    shown = texts(flow.page_screen)
    assert "本中心编号 SYS-IDX-" in flow.page_screen.department_label.text()
    assert "事项编码" not in flow.page_screen.department_label.text()
    assert f"承诺时限：{shidian['promised_limit']}" in shown
    assert "法定时限" not in " ".join(shown)  # only the one published
    assert flow.page_screen.material_texts() == [
        "1.公民换领居民身份证:",
        "□ 原居民身份证",
        "□ 居民户口簿",
        "2.公民补领居民身份证(其中一项):（以下任选其一）",
        "□ 居民户口簿或居住证",
        "□ 社会保障卡",
        "□ 护照",
        "□ 机动车驾驶证",
    ]
    assert shown[shown.index("到现场次数") + 1] == NOT_PUBLISHED
    assert_invents_nothing(
        [line for line in shown if "工作日" not in line], "施甸 (its own 工作日 aside)"
    )

    # 臺北: traditional characters, forms, an optional item, a blank form's name.
    taipei = by_name["身心障礙福利與服務需求評估判定"]
    flow = _open(qtbot, kiosk, codes[taipei["name"]])
    materials = flow.page_screen.material_texts()
    assert materials[0] == "線上申辦"
    assert "□ 臺北市身心障礙者需求評估申請表（電子檔，1份）" in materials
    assert "　空白表格：臺北市身心障礙者需求評估申請表(11305修)" in materials
    assert "□ 申請人之最新一次需求評估結果(無則免附)（電子檔，1份，非必需）" in materials
    assert "線上申辦（视情况提供）" in materials  # the item the page marks as applicable
    shoot(qtbot, kiosk.window, "guide_real_taipei")

    # 金寨: 即办 as published; two phone numbers on two lines.
    jinzhai = by_name["金寨县果子园乡2025年第二代残疾人证申请转报办理指南"]
    flow = _open(qtbot, kiosk, codes[jinzhai["name"]])
    shown = texts(flow.page_screen)
    assert "承诺时限：即办" in shown and jinzhai["consult_phone"].strip() in shown
    assert "收费标准" in shown and shown[shown.index("收费标准") + 1] == "免费"

    # Elder mode on a portrait kiosk: long published text still fits and passes the checks.
    kiosk.controller.set_elder(True)
    kiosk.window.resize(1080, 1920)
    flow = _open(qtbot, kiosk, codes[taipei["name"]])
    qtbot.wait(50)
    assert check_accessibility(kiosk.window, ELDER) == []
    hint = kiosk.window.minimumSizeHint()
    assert hint.width() <= 1080 and hint.height() <= 1920
    shoot(qtbot, kiosk.window, "guide_real_taipei_elder_portrait")


def import_birth_bundle(factory: sessionmaker[Session], tmp_path: Path) -> None:
    """新生儿出生一件事: three matters of three departments, one combined list, queue A."""
    members = ["420703000005", "420703000039", "420703000017"]  # 公安, 卫健, 医保
    write_catalog_file(
        tmp_path / "bundle.xlsx",
        [],
        [
            {
                "code": "YJS-BIRTH",
                "name": "新生儿出生一件事",
                "matters": members,
                "department": None,
                "sites": ["huarong"],
                "queue_prefix": "A",
                "visits": "最多跑一次",
                "materials": [
                    {
                        "title": None,
                        "rule": "all",
                        "items": [rg_item("出生医学证明", "原件1份"), rg_item("父母身份证", None)],
                    }
                ],
                "steps": [],
            }
        ],
    )
    with factory.begin() as session:
        assert import_catalog(session, tmp_path / "bundle.xlsx").bundles_inserted == ["YJS-BIRTH"]


def test_a_bundle_is_browsed_and_shown_as_one_guide_with_one_queue(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    import_birth_bundle(sqlite_factory, tmp_path)
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    printer = SlipPrinter()
    kiosk.controller.ticket_flow.printer_factory = lambda _config: printer
    flow = kiosk.controller.guide_flow
    with qtbot.waitSignal(flow.index_ready, timeout=WAIT, raising=False):
        pass
    qtbot.mouseClick(kiosk.controller.home.tiles["guide"], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(flow.menu_loaded, timeout=WAIT):
        qtbot.mouseClick(flow.search_screen.event_button, Qt.MouseButton.LeftButton)
    choice = flow.browse_screen.choices["bundle:YJS-BIRTH"]
    assert choice.text() == "新生儿出生一件事" and "一件事一次办" in texts(flow.browse_screen)
    with qtbot.waitSignal(flow.page_shown, timeout=WAIT):
        qtbot.mouseClick(choice, Qt.MouseButton.LeftButton)
    page = flow.page_screen
    shown = texts(page)
    assert page.name_label.text() == "新生儿出生一件事"
    assert page.department_label.text() == "一件事 · 区公安分局、区卫生健康局、区医疗保障局"
    listed = shown[shown.index("包含事项") + 1 : shown.index("包含事项") + 4]
    assert listed == [
        "1. 出生登记（户口）（区公安分局）",
        "2. 出生医学证明办理（区卫生健康局）",
        "3. 城乡居民医疗保险参保登记（区医疗保障局）",
    ]
    assert page.material_texts() == ["□ 出生医学证明（原件1份）", "□ 父母身份证"]
    assert shown[shown.index("到现场次数") + 1] == "最多跑一次"
    shoot(qtbot, kiosk.window, "guide_bundle")

    # One queue: 取号办理 takes a ticket for the bundle's queue; the slip lists the bundle and
    # its combined materials, as the guide did.
    ticket_flow = kiosk.controller.ticket_flow
    with qtbot.waitSignal(ticket_flow.menu_loaded, timeout=WAIT):
        qtbot.mouseClick(page.take_button, Qt.MouseButton.LeftButton)
    assert ticket_flow.confirm_screen.description_label.text() == "办理事项：新生儿出生一件事"
    with qtbot.waitSignal(ticket_flow.print_finished, timeout=WAIT):
        qtbot.mouseClick(ticket_flow.confirm_screen.confirm_button, Qt.MouseButton.LeftButton)
    (ticket,) = printer.tickets
    assert ticket.number.startswith("A") and ticket.matter_name == "新生儿出生一件事"
    printed = [e.text for e in ticket_layout(ticket) if isinstance(e, Text)]
    assert "□ 出生医学证明（原件1份）" in printed and "□ 父母身份证" in printed


def test_a_bundle_is_found_by_its_initials(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    import_birth_bundle(sqlite_factory, tmp_path)
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    flow = kiosk.controller.guide_flow
    with qtbot.waitSignal(flow.index_ready, timeout=WAIT, raising=False):
        pass
    qtbot.mouseClick(kiosk.controller.home.tiles["guide"], Qt.MouseButton.LeftButton)
    keys = flow.search_screen.keypad.keys
    with qtbot.waitSignal(
        flow.results_shown,
        timeout=WAIT,
        check_params_cb=lambda query, _hits: query == flow.search_screen.query,
    ):
        for letter in "XSECS":
            qtbot.mouseClick(keys[letter], Qt.MouseButton.LeftButton)
    button = flow.search_screen.results.buttons[0]
    shoot(qtbot, kiosk.window, "guide_bundle_search")
    # Said to be several matters together before it is opened.
    assert button.text() == (
        "新生儿出生一件事\n一件事联办 · 区公安分局、区卫生健康局、区医疗保障局 · A 区"
    )
    with qtbot.waitSignal(flow.page_shown, timeout=WAIT):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert flow.page_screen.name_label.text() == "新生儿出生一件事"
    assert flow.page_screen.material_texts() == ["□ 出生医学证明（原件1份）", "□ 父母身份证"]


def rg_item(name: str, quantity: str | None) -> dict[str, Any]:
    return {
        "name": name,
        "quantity": quantity,
        "count": 1 if quantity else None,
        "form": None,
        "required": None,
        "note": None,
        "blank_form": None,
    }
