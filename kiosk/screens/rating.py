"""评价 (rate a service, spec §3, issue #13): a ticket of today, or the hall as a whole.

:class:`RatingFlow` puts its screens into the kiosk window and runs every read and write on
the kiosk's :class:`~shared.qt.tasks.TaskRunner` (services in :mod:`shared.services.ratings`).

- 评价我办理的业务: the number on the slip (its letter, then its digits) → the ticket is found
  (today's, finished, not rated yet) → five levels → for 不满意 / 非常不满意, what went wrong
  (the hall's reasons) → 提交评价 → thank you. One rating per ticket holds whatever is tapped
  twice: each submission carries a request key, and the database refuses a second rating.
- 评价大厅整体服务: the same levels and reasons, for the hall.

Nothing is rated by default: leaving the flow (返回首页, the idle time-out) stores nothing.

Signals of :class:`RatingFlow`:
    menu_loaded(object): a :class:`~shared.services.ratings.RatingMenu` arrived.
    target_found(object): the :class:`~shared.services.ratings.RatingTarget` on screen.
    rated(object): a :class:`~shared.services.ratings.Rated` is on the thank-you screen.
    home_requested(): the visitor asked for the home screen.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal

from kiosk.screens.common import DeskHelp, MessageScreen, register_built
from kiosk.screens.names import RATING
from kiosk.screens.priority_views import ChoiceScreen
from kiosk.screens.rating_views import (
    LEVELS,
    LevelScreen,
    NumberScreen,
    ReasonsScreen,
    ThanksScreen,
)
from kiosk.window import KioskWindow
from shared.errors import HallError
from shared.qt.tasks import TaskRunner

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from shared.services.ratings import Rated, RatingMenu, RatingTarget

log = logging.getLogger(__name__)

NAME = RATING
NUMBER = "rating_number"
LEVEL = "rating_level"
REASONS = "rating_reasons"
DONE = "rating_done"
MESSAGE = "rating_message"
SCREENS = (NAME, NUMBER, LEVEL, REASONS, DONE, MESSAGE)
TICKET, HALL = "rate_ticket", "rate_hall"
CHOICES = (
    (TICKET, "评价我办理的业务", "输入号票上的号码，评价窗口的服务"),
    (HALL, "评价大厅整体服务", "环境、秩序、指引等"),
)

Clock = Callable[[], datetime]


def _tr(text: str) -> str:
    return QCoreApplication.translate("RatingFlow", text)


def _level_name(level: int) -> str:
    return dict(LEVELS)[level]


class RatingFlow(QObject):
    """The kiosk's 评价 flow (see the module docstring).

    Args:
        window: the kiosk window the screens are registered in.
        tasks: the kiosk's background runner, or ``None`` until :meth:`attach`.
        site_code: returns the site to rate at (``None``: the first site).
        clock: the current instant (injectable for tests).
        desk_help: who can help now (the desk, or the hotline at night).
    """

    menu_loaded = Signal(object)
    target_found = Signal(object)
    rated = Signal(object)
    home_requested = Signal()

    def __init__(
        self,
        window: KioskWindow,
        tasks: TaskRunner | None = None,
        *,
        site_code: Callable[[], str | None],
        clock: Clock,
        desk_help: Callable[[], DeskHelp] = DeskHelp,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.tasks = tasks
        self._site_code = site_code
        self._clock = clock
        self.desk_help = desk_help
        self.menu: RatingMenu | None = None
        self.target: RatingTarget | None = None
        self.level: int | None = None
        self._request_key: str | None = None
        self._submitting = False

        self.choice = ChoiceScreen(
            "ratingChoice", _tr("评价：请选择您要评价的"), CHOICES, with_back=False
        )
        self.number = NumberScreen()
        self.levels = LevelScreen()
        self.reasons = ReasonsScreen()
        self.done = ThanksScreen()
        self.message = MessageScreen(_tr("评价"), "")
        register_built(
            window,
            (
                (NAME, self.choice),
                (NUMBER, self.number),
                (LEVEL, self.levels),
                (REASONS, self.reasons),
                (DONE, self.done),
                (MESSAGE, self.message),
            ),
        )
        for screen in (self.choice, self.number, self.levels, self.reasons):
            screen.home_requested.connect(self.home_requested)
        for message in (self.done, self.message):
            message.home_requested.connect(self.home_requested)
        self.choice.chosen.connect(self.on_choice_chosen)
        self.number.submitted.connect(self.on_number_submitted)
        self.number.back_requested.connect(lambda: self.window.show_screen(NAME))
        self.levels.chosen.connect(self.on_level_chosen)
        self.levels.back_requested.connect(self.on_levels_back_requested)
        self.reasons.submitted.connect(self.on_reasons_submitted)
        self.reasons.back_requested.connect(lambda: self.window.show_screen(LEVEL))
        self.window.screen_shown.connect(self.on_window_screen_shown)
        self._portrait: bool | None = None
        self._orient()
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Resize:
            self._orient()
        return False

    def _orient(self) -> None:
        # From the window, not each screen: a hidden screen is resized only when shown.
        portrait = self.window.width() < self.window.height()
        if portrait != self._portrait:
            self._portrait = portrait
            self.number.set_portrait(portrait)
            self.levels.set_portrait(portrait)

    def attach(self, tasks: TaskRunner) -> None:
        """Give the flow the kiosk's background runner (once the database is open)."""
        self.tasks = tasks

    # -- entry ----------------------------------------------------------------------------------

    def start(self) -> None:
        """From the home screen: what to rate."""
        self.clear()
        self.window.show_screen(NAME)
        self._load_menu()

    def clear(self) -> None:
        """Forget the visitor's answers (nothing was stored)."""
        self.target = None
        self.level = None
        self._request_key = None
        self._submitting = False
        self.number.clear()
        self.reasons.clear()

    def on_window_screen_shown(self, name: str) -> None:
        """Leaving the flow forgets what was typed and chosen."""
        if name not in SCREENS:
            self.clear()

    # -- screens --------------------------------------------------------------------------------

    def on_choice_chosen(self, key: str) -> None:
        """A ticket (its number first) or the hall."""
        self.clear()
        if key == TICKET:
            self.window.show_screen(NUMBER)
            return
        self._ask_level(_tr("评价大厅整体服务：环境、秩序、指引等"))

    def on_number_submitted(self, number: str) -> None:
        """Find today's ticket of that number."""
        site = self.menu.site_code if self.menu else self._site_code()
        now = self._clock()

        def find(session: Session) -> RatingTarget:
            from shared.services.ratings import ticket_to_rate

            return ticket_to_rate(session, site or "", number, now=now)

        if self.tasks is None:
            return
        self.number.next_button.setEnabled(False)
        self.tasks.submit(find, self.on_target_found, self.on_target_failed, write=False)

    def on_target_found(self, target: RatingTarget) -> None:
        """The ticket can be rated: how satisfied?"""
        if self.window.current_name != NUMBER:
            return
        self.target = target
        parts = [target.number, target.queue_name]
        if target.window_number is not None:
            parts.append(_tr("{n}号窗口").format(n=target.window_number))
        if target.matter_name:
            parts.append(target.matter_name)
        self._ask_level(_tr("评价：{what}").format(what=" · ".join(parts)))
        self.target_found.emit(target)

    def on_target_failed(self, exc: BaseException) -> None:
        """Not found, not finished or already rated: say so under the number."""
        self.number.next_button.setEnabled(len(self.number.number) >= 2)
        if isinstance(exc, HallError):
            text = exc.message_zh
        else:
            log.warning("kiosk rating lookup failed: %s", type(exc).__name__)
            text = self._try_later()
        self.number.show_error(text)
        # Said at once: focus stays on the keys, so a screen reader would not hear it otherwise.
        self.window.guidance.announce(self.number.error_label, text, assertive=True)

    def on_level_chosen(self, level: int) -> None:
        """A bad level asks what went wrong; any other is stored at once."""
        if self._submitting:
            return
        self.level = level
        if self.menu is not None and level in self.menu.bad_levels:
            self.reasons.clear()
            self.window.show_screen(REASONS)
            return
        self._submit([])

    def on_levels_back_requested(self) -> None:
        """Back to the number (a ticket) or to the choice (the hall)."""
        self.window.show_screen(NUMBER if self.target is not None else NAME)

    def on_reasons_submitted(self, reasons: list[str]) -> None:
        """提交评价 with the reasons picked."""
        if not self._submitting:
            self._submit(reasons)

    # -- background work ------------------------------------------------------------------------

    def _ask_level(self, what: str) -> None:
        self.levels.set_target(what)
        # A fresh key per rating being made: a retry of this one finds it, a new one does not.
        self._request_key = f"kiosk-rating-{uuid.uuid4().hex}"
        self.window.show_screen(LEVEL)

    def _load_menu(self) -> None:
        site = self._site_code()

        def load(session: Session) -> RatingMenu:
            from shared.services.ratings import rating_menu

            return rating_menu(session, site)

        if self.tasks is None:
            self._show_message(self._try_later())
            return
        self.tasks.submit(load, self.on_menu_loaded, self.on_menu_failed, write=False)

    def on_menu_loaded(self, menu: RatingMenu) -> None:
        """The site's letters and reasons."""
        self.menu = menu
        self.number.set_letters(menu.prefixes)
        self.reasons.set_reasons(menu.reasons)
        self.menu_loaded.emit(menu)

    def on_menu_failed(self, exc: BaseException) -> None:
        """Nothing can be rated now: say so plainly (the way home stays)."""
        log.warning("kiosk rating menu unavailable: %s", type(exc).__name__)
        if self.window.current_name in SCREENS:
            self._show_message(self._try_later())

    def _submit(self, reasons: list[str]) -> None:
        if self.tasks is None or self.level is None:
            return
        self._submitting = True
        self.reasons.set_busy(True)
        site = self.menu.site_code if self.menu else self._site_code()
        level, key, now = self.level, self._request_key, self._clock()
        ticket_id = self.target.ticket_id if self.target else None

        def store(session: Session) -> Rated:
            from shared.services.ratings import rate

            return rate(
                session,
                site_code=site or "",
                level=level,
                channel="kiosk",
                ticket_id=ticket_id,
                reasons=reasons,
                request_key=key,
                now=now,
            )

        self.tasks.submit(store, self.on_rated, self.on_rate_failed)

    def on_rated(self, rated: Rated) -> None:
        """Stored: thank the visitor, and say what happens to a bad rating."""
        self._submitting = False
        self.reasons.set_busy(False)
        log.info("kiosk rating stored (level %s)", rated.level)
        if rated.case_due_on is not None:
            detail = _tr("我们会认真核实，并在 {day} 前处理完毕。").format(
                day=f"{rated.case_due_on.month}月{rated.case_due_on.day}日"
            )
        else:
            detail = _tr("您的评价会帮助我们改进服务。")
        self.done.set_rating(
            _tr("您的评价：{level}").format(level=_level_name(rated.level)), detail
        )
        if self.window.current_name in SCREENS:
            self.window.show_screen(DONE)
        self.rated.emit(rated)

    def on_rate_failed(self, exc: BaseException) -> None:
        """Refused (already rated …) or the database failed: say so, nothing half-stored."""
        self._submitting = False
        self.reasons.set_busy(False)
        if isinstance(exc, HallError):
            log.info("kiosk rating refused: %s", type(exc).__name__)
            self._show_message(exc.message_zh)
            return
        log.warning("kiosk rating failed: %s", type(exc).__name__)
        if self.window.current_name == REASONS:
            self.reasons.show_error(self._try_later())
        else:
            self._show_message(self._try_later())

    # -- helpers --------------------------------------------------------------------------------

    def _try_later(self) -> str:
        return self.desk_help().say(
            _tr("暂时无法评价，请稍后再试，或到服务台提出您的意见。"),
            _tr("暂时无法评价，请稍后再试，或拨打 {hotline} 政务服务便民热线。"),
        )

    def _show_message(self, text: str) -> None:
        self.message.set_message(text)
        self.window.show_screen(MESSAGE)
