"""Kiosk 评价 (issue #13, item 2): a ticket of today by its number, or the hall; five levels;
reasons for a bad one; one rating per ticket; in both modes. Real clicks, a real SQLite file."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.controller import KioskOptions
from kiosk.screens.rating import DONE, LEVEL, MESSAGE, NAME, NUMBER, REASONS, RatingFlow
from shared.models import Evaluation, EvaluationCase
from shared.qt.a11y import check_accessibility
from shared.qt.theme import ELDER, KIOSK
from shared.services import calling
from shared.services.tickets import issue_ticket
from tests.kiosk.conftest import FAST, OFFSCREEN_NOISE, FakeClock, Kiosk, KioskMaker
from tests.support.windows import clerk, open_windows

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

OPTIONS = KioskOptions(**{**FAST.__dict__, "idle_ms": 60_000})
WAIT = 10_000


def finished(factory: sessionmaker[Session], clock: FakeClock, *, done: bool = True) -> str:
    """A ticket served at window 3 (or only issued); its number."""
    open_windows(factory, [3], now=clock.now)
    with factory.begin() as session:
        ticket = issue_ticket(session, site="huarong", queue="A", now=clock.now)
        if done:
            calling.call_next(session, site="huarong", window=3, now=clock.now)
            calling.finish(
                session,
                site="huarong",
                number=ticket.number,
                staff_id=clerk(session, 3),
                now=clock.now,
            )
        return ticket.number


class Visitor:
    def __init__(self, qtbot: QtBot, kiosk: Kiosk) -> None:
        self.qtbot = qtbot
        self.kiosk = kiosk

    @property
    def flow(self) -> RatingFlow:
        return self.kiosk.controller.rating_flow

    @property
    def screen(self) -> str:
        return self.kiosk.window.current_name

    def touch(self, widget: QWidget) -> None:
        assert widget.isVisible() and widget.isEnabled(), widget.objectName()
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def open(self) -> None:
        with self.qtbot.waitSignal(self.flow.menu_loaded, timeout=WAIT):
            self.touch(self.kiosk.controller.home.tiles["rating"])
        assert self.screen == NAME

    def number(self, number: str) -> None:
        self.touch(self.flow.choice.tiles["rate_ticket"])
        assert self.screen == NUMBER
        for key in number:
            self.touch(self.flow.number.keys[key])

    def rate(self, level: int) -> None:
        assert self.screen == LEVEL
        self.touch(self.flow.levels.buttons[level])


def shoot(kiosk: Kiosk, name: str) -> None:
    folder = os.environ.get("HALL_SHOTS")
    if folder:
        QApplication.sendPostedEvents()
        kiosk.window.grab().save(os.path.join(folder, f"{name}.png"))


def _count(factory: sessionmaker[Session], model: type) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_ticket_is_rated_by_its_number_once(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session], clock: FakeClock
) -> None:
    number = finished(sqlite_factory, clock)
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    visitor = Visitor(qtbot, kiosk)
    visitor.open()
    visitor.number(number)
    assert visitor.flow.number.number_label.text() == " ".join(number)
    with qtbot.waitSignal(visitor.flow.target_found, timeout=WAIT):
        visitor.touch(visitor.flow.number.next_button)
    assert visitor.flow.levels.target_label.text() == f"评价：{number} · 综合受理 · 3号窗口"
    with qtbot.waitSignal(visitor.flow.rated, timeout=WAIT) as rated:
        visitor.rate(4)
    assert visitor.screen == DONE
    assert visitor.flow.done.message_label.text() == "您的评价：满意"
    # A screen reader hears the result: it has the focus, and its name says it all.
    assert QApplication.focusWidget() is visitor.flow.done.message_label
    assert visitor.flow.done.message_label.accessibleName() == (
        "感谢您的评价，您的评价：满意，您的评价会帮助我们改进服务。"
    )
    assert rated.args[0].case_id is None
    with sqlite_factory() as session:
        (row,) = session.scalars(select(Evaluation)).all()
        assert (row.level, row.channel, row.staff_id) == (4, "kiosk", clerk(session, 3))
    # The same slip again: refused before any level is asked.
    qtbot.mouseClick(visitor.flow.done.home_button, Qt.MouseButton.LeftButton)
    visitor.open()
    visitor.number(number)
    visitor.touch(visitor.flow.number.next_button)
    kiosk.window.guidance.set_asked(True)  # 语音 on: what is announced is also said (recorded)
    heard = kiosk.window.guidance.announcer.history
    qtbot.waitUntil(visitor.flow.number.error_label.isVisible, timeout=WAIT)
    assert visitor.flow.number.error_label.text() == "这张号票已经评价过了，谢谢您。"
    assert heard[-1] == "这张号票已经评价过了，谢谢您。"  # announced, not only shown
    assert visitor.screen == NUMBER
    assert _count(sqlite_factory, Evaluation) == 1


def test_a_bad_rating_asks_why_and_says_when_it_is_handled(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session], clock: FakeClock
) -> None:
    number = finished(sqlite_factory, clock)
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    visitor = Visitor(qtbot, kiosk)
    visitor.open()
    visitor.number(number)
    with qtbot.waitSignal(visitor.flow.target_found, timeout=WAIT):
        visitor.touch(visitor.flow.number.next_button)
    visitor.rate(1)
    assert visitor.screen == REASONS
    reasons = visitor.flow.reasons
    assert list(reasons.buttons) == [
        "态度生硬",
        "一次性告知不到位",
        "等候太久",
        "材料要求不清",
        "办理效率低",
        "其他",
    ]
    visitor.touch(reasons.buttons["等候太久"])
    assert reasons.buttons["等候太久"].accessibleName() == "等候太久，已选"
    with qtbot.waitSignal(visitor.flow.rated, timeout=WAIT):
        visitor.touch(reasons.submit_button)
    assert visitor.flow.done.message_label.text() == "您的评价：非常不满意"
    # Thursday 26 November + 15 working days.
    assert visitor.flow.done.detail_label.text() == "我们会认真核实，并在 12月17日 前处理完毕。"
    with sqlite_factory() as session:
        (row,) = session.scalars(select(Evaluation)).all()
        assert row.reasons == ["等候太久"]
    assert _count(sqlite_factory, EvaluationCase) == 1


def test_the_hall_is_rated_and_leaving_stores_nothing(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    visitor = Visitor(qtbot, kiosk)
    visitor.open()
    visitor.touch(visitor.flow.choice.tiles["rate_hall"])
    assert visitor.screen == LEVEL
    # No answer is no rating: home from the levels stores nothing.
    visitor.touch(visitor.flow.levels.nav.home_button)
    assert _count(sqlite_factory, Evaluation) == 0
    visitor.open()
    visitor.touch(visitor.flow.choice.tiles["rate_hall"])
    with qtbot.waitSignal(visitor.flow.rated, timeout=WAIT):
        visitor.rate(5)
    assert visitor.flow.done.message_label.text() == "您的评价：非常满意"
    with sqlite_factory() as session:
        (row,) = session.scalars(select(Evaluation)).all()
        assert row.ticket_id is None and row.level == 5


def test_unknown_unfinished_and_old_numbers_are_explained(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session], clock: FakeClock
) -> None:
    clock.advance(days=-1)
    yesterday = finished(sqlite_factory, clock)
    clock.advance(days=1)
    waiting = finished(sqlite_factory, clock, done=False)
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    visitor = Visitor(qtbot, kiosk)
    visitor.open()
    error = visitor.flow.number.error_label
    for number, said in (
        (waiting, "这张号票还没有办结，办结后才能评价。"),
        ("A999", "今天没有 A999 这个号码，请核对号票上的号码。"),
    ):
        visitor.number(number)
        visitor.touch(visitor.flow.number.next_button)
        qtbot.waitUntil(error.isVisible, timeout=WAIT)
        assert error.text() == said
        visitor.touch(visitor.flow.number.nav.back_button)
    assert yesterday == "A001" and waiting == "A001"  # yesterday's A001 is not today's
    assert _count(sqlite_factory, Evaluation) == 0


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)], ids=["landscape", "portrait"])
def test_rating_screens_pass_accessibility_in_both_modes(
    qtbot: QtBot,
    make_kiosk: KioskMaker,
    sqlite_factory: sessionmaker[Session],
    clock: FakeClock,
    size: tuple[int, int],
) -> None:
    number = finished(sqlite_factory, clock)
    kiosk = make_kiosk(sqlite_factory, OPTIONS, size=size)
    visitor = Visitor(qtbot, kiosk)
    shape = "landscape" if size[0] > size[1] else "portrait"
    for elder in (False, True):
        kiosk.controller.set_elder(elder)
        tokens = ELDER if elder else KIOSK
        mode = "elder" if elder else "normal"
        visitor.open()
        assert check_accessibility(kiosk.window, tokens) == [], "choice"
        shoot(kiosk, f"rating_choice_{mode}_{shape}")
        visitor.number(number)
        assert check_accessibility(kiosk.window, tokens) == [], "number"
        shoot(kiosk, f"rating_number_{mode}_{shape}")
        with qtbot.waitSignal(visitor.flow.target_found, timeout=WAIT):
            visitor.touch(visitor.flow.number.next_button)
        assert check_accessibility(kiosk.window, tokens) == [], "levels"
        shoot(kiosk, f"rating_levels_{mode}_{shape}")
        visitor.rate(2)
        assert check_accessibility(kiosk.window, tokens) == [], "reasons"
        shoot(kiosk, f"rating_reasons_{mode}_{shape}")
        hint = kiosk.window.minimumSizeHint()
        assert hint.width() <= size[0] and hint.height() <= size[1]
        kiosk.controller.go_home()
    assert kiosk.window.current_name != MESSAGE
