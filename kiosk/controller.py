"""The kiosk's one controller: wires the screens to each other and to the database.

All database work goes through a :class:`~shared.qt.tasks.TaskRunner` calling service
functions; the change feed tells it when to refresh. When the database cannot be reached it
shows the out-of-service screen and keeps retrying by itself until the database returns.

Signals of :class:`KioskController`:
    status_refreshed(object): a fresh :class:`~shared.services.home.KioskStatus` was shown.
    service_changed(bool): the kiosk went out of service (False) or back into it (True).
    exit_requested(): the admin PIN was accepted; the application should quit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication
from sqlalchemy.orm import Session, sessionmaker

from kiosk.idle import IDLE_MS, TICK_MS, WARNING_SECONDS, IdleWatcher
from kiosk.screens import admin, guide, priority, rating, ticket
from kiosk.screens.common import MessageScreen
from kiosk.screens.home import HomeScreen
from kiosk.screens.ticket import PrinterFactory, TicketFlow
from kiosk.window import HOME, LONG_PRESS_MS, KioskWindow
from shared.changes import ChangeRecord
from shared.clock import utcnow
from shared.db import create_read_session_factory, engine_of, upgrade
from shared.qt.feed import POLL_SECONDS, ChangeFeedWatcher
from shared.qt.printing import qt_printer_from_config
from shared.qt.tasks import TaskRunner
from shared.qt.theme import Tokens, apply_theme
from shared.services.home import KioskStatus, kiosk_status, verify_admin_pin

log = logging.getLogger(__name__)

STARTING = "starting"
OUT_OF_SERVICE = "out_of_service"
# Screens where nobody is in the middle of something: idle time is not counted there, and an
# outage may replace them at once.
AT_REST = {"", HOME, STARTING, OUT_OF_SERVICE}
# 取号 is a flow of its own (TicketFlow); the others are single screens for now.
CHOICES = (guide, priority, rating)
# Change kinds that alter what the home screen shows.
REFRESH_KINDS = {"ticket", "setting", "organisation"}

Clock = Callable[[], datetime]
StyleApplier = Callable[[bool], Tokens]


@dataclass(frozen=True)
class KioskOptions:
    """How one kiosk runs; the durations are injectable so tests run fast."""

    site_code: str | None = None
    terminal: str = "kiosk-01"
    elder: bool = False
    idle_ms: int = IDLE_MS
    warning_seconds: int = WARNING_SECONDS
    tick_ms: int = TICK_MS
    refresh_ms: int = 30_000
    retry_ms: int = 5_000
    clock_ms: int = 1_000
    long_press_ms: int = LONG_PRESS_MS
    feed_interval: float = POLL_SECONDS
    migrate: bool = True


def _apply_app_theme(elder: bool) -> Tokens:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return apply_theme(app, elder)


class KioskController(QObject):
    """Builds the kiosk's screens into a :class:`KioskWindow` and runs them.

    Signals:
        status_refreshed(object): a fresh KioskStatus was shown.
        service_changed(bool): out of service (False) or back (True).
        exit_requested(): the admin PIN was accepted.
    """

    status_refreshed = Signal(object)
    service_changed = Signal(bool)
    exit_requested = Signal()

    def __init__(
        self,
        window: KioskWindow,
        factory: sessionmaker[Session],
        options: KioskOptions | None = None,
        clock: Clock = utcnow,
        apply_style: StyleApplier = _apply_app_theme,
        printer_factory: PrinterFactory = qt_printer_from_config,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.options = options or KioskOptions()
        self._factory = factory
        self._read_factory = create_read_session_factory(factory)
        self._clock = clock
        self._apply_style = apply_style
        self.status: KioskStatus | None = None
        self.in_service = True
        self._prepared = False
        self._refreshing = False
        self._refresh_again = False
        self.elder = self.options.elder
        self.tokens = apply_style(self.elder)

        self.tasks = TaskRunner(factory, self._read_factory, parent=self)
        self.feed = ChangeFeedWatcher(
            self._read_factory, interval=self.options.feed_interval, parent=self
        )
        self.idle = IdleWatcher(
            self.options.idle_ms, self.options.warning_seconds, self.options.tick_ms, self
        )
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(self.options.clock_ms)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(self.options.refresh_ms)
        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.setInterval(self.options.retry_ms)

        self.home = HomeScreen()
        self.home.set_elder(self.elder)
        self.pin = admin.PinScreen()
        self.starting = MessageScreen(self.tr("正在启动…"), self.tr("请稍候"), with_home=False)
        self.outage = MessageScreen(
            self.tr("暂停服务"),
            self.tr("本机暂时无法使用，请到服务台办理。"),
            self.tr("工作人员会为您办理，给您带来不便，敬请谅解。本机恢复后会自动回到首页。"),
            with_home=False,
        )
        self._register_screens()
        self.ticket_flow = TicketFlow(
            window,
            self.tasks,
            factory,
            site_code=self._site_code,
            terminal=self.options.terminal,
            clock=self._clock,
            printer_factory=printer_factory,
            parent=self,
        )
        self._connect()
        self.on_clock_timeout()

    # -- wiring ---------------------------------------------------------------------------------

    def _register_screens(self) -> None:
        w = self.window
        w.register_screen(HOME, lambda: self.home)
        w.register_screen(STARTING, lambda: self.starting)
        w.register_screen(OUT_OF_SERVICE, lambda: self.outage)
        w.register_screen(admin.NAME, lambda: self.pin)
        for module in CHOICES:
            w.register_screen(module.NAME, lambda m=module: self._wired(m.create_screen()))
        # The controller's own screens belong to the window from the start, so Qt owns and
        # deletes them with it.
        for name in (HOME, STARTING, OUT_OF_SERVICE, admin.NAME):
            w.screen(name)

    def _wired(self, screen: MessageScreen) -> MessageScreen:
        screen.home_requested.connect(self.on_screen_home_requested)
        return screen

    def _connect(self) -> None:
        self.home.choice_selected.connect(self.on_home_choice_selected)
        self.home.elder_mode_toggled.connect(self.on_home_elder_mode_toggled)
        self.pin.pin_entered.connect(self.on_pin_entered)
        self.pin.home_requested.connect(self.on_screen_home_requested)
        self.window.screen_shown.connect(self.on_window_screen_shown)
        self.window.admin_corner.long_pressed.connect(self.on_admin_corner_long_pressed)
        self.window.idle_banner.continue_clicked.connect(self.idle.poke)
        self.idle.warning_started.connect(self.on_idle_warning_started)
        self.idle.countdown_ticked.connect(self.on_idle_countdown_ticked)
        self.idle.warning_cancelled.connect(self.on_idle_warning_cancelled)
        self.idle.timed_out.connect(self.on_idle_timed_out)
        self.feed.changes_arrived.connect(self.on_feed_changes_arrived)
        self.feed.changes_arrived.connect(self.ticket_flow.on_feed_changes_arrived)
        self.ticket_flow.home_requested.connect(self.on_screen_home_requested)
        self.feed.connection_changed.connect(self.on_feed_connection_changed)
        self._clock_timer.timeout.connect(self.on_clock_timeout)
        self._refresh_timer.timeout.connect(self.refresh)
        self._retry_timer.timeout.connect(self.refresh)

    # -- life -----------------------------------------------------------------------------------

    def start(self) -> None:
        """Show 正在启动…, then migrate and load the status in the background."""
        self.window.show_screen(STARTING)
        self.idle.install()
        self._clock_timer.start()
        self._refresh_timer.start()
        self.refresh()

    def shutdown(self) -> None:
        """Stop timers, the feed and the worker thread (idempotent)."""
        for timer in (self._clock_timer, self._refresh_timer, self._retry_timer):
            timer.stop()
        self.idle.uninstall()
        self.feed.stop()
        self.ticket_flow.shutdown()
        self.tasks.shutdown()

    def refresh(self) -> None:
        """Reload the home status (after preparing the database the first time)."""
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True
        if self._prepared:
            self.tasks.submit(
                self._load_status, self.on_status_loaded, self.on_database_failed, write=False
            )
        else:
            self.tasks.submit(
                self._prepare, self.on_status_loaded, self.on_database_failed, with_session=False
            )

    # Background operations: they run in the worker thread and touch no widget.

    def _prepare(self) -> KioskStatus:
        if self.options.migrate:
            upgrade(engine_of(self._factory))
        with self._read_factory() as session:
            return kiosk_status(session, self.options.site_code, now=self._clock())

    def _load_status(self, session: Session) -> KioskStatus:
        return kiosk_status(session, self.options.site_code, now=self._clock())

    # -- slots ----------------------------------------------------------------------------------

    def on_status_loaded(self, status: KioskStatus) -> None:
        """A status arrived: show it, and come back into service if we were out."""
        self._refreshing = False
        self.status = status
        if not self._prepared:
            self._prepared = True
            self.feed.start()
        self.home.set_status(status)
        self._set_in_service(True)
        if self.window.current_name in {STARTING, OUT_OF_SERVICE}:
            self.window.go_home()
        self.status_refreshed.emit(status)
        if self._refresh_again:
            self._refresh_again = False
            self.refresh()

    def on_database_failed(self, exc: BaseException) -> None:
        """The database could not be used: out of service, and try again soon."""
        self._refreshing = False
        self._refresh_again = False
        log.warning("kiosk database unavailable: %s", type(exc).__name__)
        self._set_in_service(False)
        self._retry_timer.start()

    def on_feed_connection_changed(self, connected: bool) -> None:
        """The change feed lost or found the database."""
        if connected:
            self.refresh()
        else:
            self._set_in_service(False)
            self._retry_timer.start()

    def on_feed_changes_arrived(self, batch: list[ChangeRecord]) -> None:
        """Refresh when a change touches what the home screen shows."""
        site_id = self.status.site_id if self.status else None
        if any(
            c.kind in REFRESH_KINDS and (c.site_id is None or c.site_id == site_id) for c in batch
        ):
            self.refresh()

    def on_clock_timeout(self) -> None:
        """Tick the clock on the home screen."""
        self.home.set_clock(self._clock())

    def on_home_choice_selected(self, name: str) -> None:
        """A tile was pressed: open its screen (取号 starts its flow)."""
        if name == ticket.NAME:
            self.ticket_flow.start()
        else:
            self.window.show_screen(name)

    def on_screen_home_requested(self) -> None:
        """返回首页 on any screen."""
        self.go_home()

    def on_home_elder_mode_toggled(self, on: bool) -> None:
        """The 长辈模式 switch: restyle everything."""
        self.set_elder(on)

    def on_window_screen_shown(self, name: str) -> None:
        """Count idle time only away from the at-rest screens."""
        self.idle.set_armed(name not in AT_REST)

    def on_idle_warning_started(self, seconds: int) -> None:
        """Show the countdown."""
        self.window.show_idle_warning(seconds)

    def on_idle_countdown_ticked(self, seconds: int) -> None:
        """Update the countdown."""
        self.window.show_idle_warning(seconds)

    def on_idle_warning_cancelled(self) -> None:
        """The visitor is still there."""
        self.window.hide_idle_warning()

    def on_idle_timed_out(self) -> None:
        """Nobody answered the countdown: home, in the mode the kiosk started in."""
        self.window.hide_idle_warning()
        self.set_elder(self.options.elder)
        self.go_home()

    def on_admin_corner_long_pressed(self) -> None:
        """Open the PIN pad."""
        self.pin.reset()
        self.window.show_screen(admin.NAME)

    def on_pin_entered(self, pin: str) -> None:
        """Check the PIN in the background."""
        site = self.status.site_code if self.status else self.options.site_code

        def check(session: Session) -> bool:
            return verify_admin_pin(session, site, pin)

        self.tasks.submit(check, self.on_admin_pin_checked, self.on_admin_pin_failed, write=False)

    def on_admin_pin_checked(self, ok: bool) -> None:
        """Quit on the right PIN; say so on a wrong one."""
        if ok:
            self.exit_requested.emit()
        else:
            self.pin.show_wrong_pin()

    def on_admin_pin_failed(self, exc: BaseException) -> None:
        """The PIN could not be checked (no database): treat as wrong."""
        log.warning("admin PIN check failed: %s", type(exc).__name__)
        self.pin.show_wrong_pin()

    # -- helpers --------------------------------------------------------------------------------

    def go_home(self) -> None:
        """Home, or the out-of-service screen while the database is away."""
        self.window.show_screen(HOME if self.in_service else OUT_OF_SERVICE)

    def _site_code(self) -> str | None:
        """The site the home screen shows (the option's until the first status arrives)."""
        return self.status.site_code if self.status else self.options.site_code

    def set_elder(self, on: bool) -> None:
        """Switch elder mode on or off and re-apply the stylesheet."""
        if on != self.elder:
            self.elder = on
            self.tokens = self._apply_style(on)
        self.home.set_elder(on)

    def _set_in_service(self, in_service: bool) -> None:
        if in_service == self.in_service:
            return
        self.in_service = in_service
        if not in_service and self.window.current_name in AT_REST:
            # Nobody is mid-task here; a visitor mid-task meets it on the way home.
            self.window.show_screen(OUT_OF_SERVICE)
        self.service_changed.emit(in_service)
