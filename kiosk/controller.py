"""The kiosk's one controller: wires the screens to each other and to the database.

Start-up (spec §12): the home screen comes first, with its tiles, the clock and the 长辈模式
switch working and the hall's state saying 正在读取…. Only once it has been painted does the
worker thread import the data layer, open and migrate the database and read the first status
(:mod:`kiosk.database`); nothing on the way to the home screen imports SQLAlchemy, Alembic
or the services. A tile touched before the database is ready opens the 正在准备… screen,
which goes on to that choice by itself once it is (or back home with 返回首页).

All database work goes through a :class:`~shared.qt.tasks.TaskRunner` calling service
functions; the change feed tells it when to refresh. When the database cannot be reached it
shows the out-of-service screen and keeps retrying by itself until the database returns.

Signals of :class:`KioskController`:
    home_shown(): the home screen was painted for the first time, its tiles enabled: the
        kiosk is usable (its database may still be opening).
    status_refreshed(object): a fresh :class:`~shared.services.home.KioskStatus` was shown.
    service_changed(bool): the kiosk went out of service (False) or back into it (True).
    exit_requested(): the admin PIN was accepted (the window now lets itself close); the
        application should quit.
    database_unusable(str): the database URL cannot be used (a set-up mistake, not an
        outage); the application should say so and exit.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.database import (
    DatabaseUrlError,
    OpenDatabase,
    Preparation,
    Prepared,
    import_visitor_modules,
)
from kiosk.idle import IDLE_MS, TICK_MS, WARNING_SECONDS, IdleWatcher
from kiosk.screens import admin, names
from kiosk.screens.common import DeskHelp, MessageScreen
from kiosk.screens.home import HomeScreen
from kiosk.window import HOME, LONG_PRESS_MS, KioskWindow, ScreenFactory
from shared.clock import to_local, utcnow
from shared.qt.tasks import TaskRunner
from shared.qt.theme import Tokens, apply_theme

if TYPE_CHECKING:
    # Types only: the data layer is imported by the worker thread after the home screen
    # shows (see the module docstring).
    from sqlalchemy.orm import Session, sessionmaker

    from kiosk.screens.guide import GuideFlow
    from kiosk.screens.priority import PriorityFlow
    from kiosk.screens.rating import RatingFlow
    from kiosk.screens.ticket import PrinterFactory, TicketFlow
    from shared.changes import ChangeRecord
    from shared.qt.announcer import Announcer
    from shared.qt.feed import ChangeFeedWatcher
    from shared.services.home import KioskStatus
    from shared.services.kiosk_pin import PinCheck

log = logging.getLogger(__name__)

STARTING = "starting"
OUT_OF_SERVICE = "out_of_service"
# Screens where nobody is in the middle of something: idle time is not counted there, and an
# outage may replace them at once.
AT_REST = {"", HOME, STARTING, OUT_OF_SERVICE}
# 取号, 办事指南 and 优先服务 are flows of their own (TicketFlow, GuideFlow, PriorityFlow); the
# others are single screens for now, each built by its module's create_screen(). Modules are
# imported when first needed, never at start.
CHOICE_MODULES: dict[str, str] = {}  # choices shown as a single screen (none left)
# Change kinds that alter what the home screen shows.
# "resync": the feed was pruned past this terminal, so everything is reloaded.
REFRESH_KINDS = {"ticket", "setting", "organisation", "calendar", "window", "resync"}
# Open the database this long after start() even when no paint of the home screen was seen.
OPEN_ANYWAY_MS = 2_000

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
    feed_interval: float | None = None  # None: the feed's own (shared.qt.feed.POLL_SECONDS)
    migrate: bool = True


def _apply_app_theme(elder: bool) -> Tokens:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return apply_theme(app, elder, kiosk=True)


class KioskController(QObject):
    """Builds the kiosk's screens into a :class:`KioskWindow` and runs them.

    ``factory`` is a session factory, or an :class:`~kiosk.database.OpenDatabase` that the
    worker thread calls after the home screen shows (how ``python -m kiosk`` starts). The
    database-bound helpers (:attr:`tasks`, :attr:`feed`) exist once it is open; until then
    they are ``None`` and :attr:`ready` is false.

    Only the home screen is built up front. The controller's other screens (:attr:`pin`,
    :attr:`starting`, :attr:`outage`) and :attr:`ticket_flow` are built right after its
    first paint, or on first use if that comes sooner; the other choices' screens when first
    shown (their modules may import the data layer: only once it is loaded).

    Signals:
        home_shown(): the home screen was painted for the first time, its tiles enabled.
        status_refreshed(object): a fresh KioskStatus was shown.
        service_changed(bool): out of service (False) or back (True).
        exit_requested(): the admin PIN was accepted.
        database_unusable(str): the database URL cannot be used; why.
    """

    home_shown = Signal()
    status_refreshed = Signal(object)
    service_changed = Signal(bool)
    exit_requested = Signal()
    database_unusable = Signal(str)

    def __init__(
        self,
        window: KioskWindow,
        factory: sessionmaker[Session] | OpenDatabase,
        options: KioskOptions | None = None,
        clock: Clock = utcnow,
        apply_style: StyleApplier = _apply_app_theme,
        printer_factory: PrinterFactory | None = None,
        announcer: Announcer | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        if announcer is not None:  # else silent: no speech engine is started in tests
            window.guidance.set_announcer(announcer)
        self.options = options or KioskOptions()
        self._clock = clock
        self._apply_style = apply_style
        self.status: KioskStatus | None = None
        self.in_service = True
        self._started = False
        self._refreshing = False
        self._refresh_again = False
        self._waiting_choice: str | None = None
        self.elder = self.options.elder
        self.tokens = apply_style(self.elder)
        window.guidance.set_elder(self.elder)
        window.keyboard.set_tokens(self.tokens)

        # Opens, migrates and reads the first status on a worker of its own (no session
        # factory exists yet); retried there until the database answers.
        self._preparation = Preparation(
            factory, self.options.site_code, clock, migrate=self.options.migrate
        )
        self._boot = TaskRunner(None, parent=self)
        self._prepared: Prepared | None = None
        self.tasks: TaskRunner | None = None
        self.feed: ChangeFeedWatcher | None = None
        self._open_timer = QTimer(self)
        self._open_timer.setSingleShot(True)
        self._open_timer.setInterval(OPEN_ANYWAY_MS)
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

        self._printer_factory = printer_factory
        self._ticket_flow: TicketFlow | None = None
        self._guide_flow: GuideFlow | None = None
        self._priority_flow: PriorityFlow | None = None
        self._rating_flow: RatingFlow | None = None
        self.home = HomeScreen()
        self.home.set_elder(self.elder)
        self._register_screens()
        self._connect()
        self.on_clock_timeout()

    # -- screens --------------------------------------------------------------------------------

    def _register_screens(self) -> None:
        w = self.window
        w.register_screen(HOME, lambda: self.home)
        w.register_screen(STARTING, self._build_starting)
        w.register_screen(OUT_OF_SERVICE, self._build_outage)
        w.register_screen(admin.NAME, self._build_pin)
        for name, module in CHOICE_MODULES.items():
            w.register_screen(name, self._choice_factory(module))
        # Built screens belong to the window, so Qt owns and deletes them with it.
        w.screen(HOME)

    def build_screens(self) -> None:
        """Build every screen not built yet (``--selftest`` checks them all)."""
        self._build_own_screens()
        for name in self.window.screen_names():
            self.window.screen(name)

    def _build_own_screens(self) -> None:
        # Right after the home screen's first paint: no visitor waits for these later.
        for name in (STARTING, OUT_OF_SERVICE, admin.NAME):
            self.window.screen(name)
        self._build_ticket_flow()
        self._build_guide_flow()
        self._build_priority_flow()
        self._build_rating_flow()

    @property
    def pin(self) -> admin.PinScreen:
        """The admin PIN pad."""
        screen = self.window.screen(admin.NAME)
        assert isinstance(screen, admin.PinScreen)
        return screen

    @property
    def starting(self) -> MessageScreen:
        """正在准备…: where a tile touched before the database is ready leads."""
        screen = self.window.screen(STARTING)
        assert isinstance(screen, MessageScreen)
        return screen

    @property
    def outage(self) -> MessageScreen:
        """The out-of-service screen."""
        screen = self.window.screen(OUT_OF_SERVICE)
        assert isinstance(screen, MessageScreen)
        return screen

    @property
    def ticket_flow(self) -> TicketFlow:
        """The 取号 flow and its screens."""
        return self._build_ticket_flow()

    def _build_pin(self) -> QWidget:
        pin = admin.PinScreen()
        pin.pin_entered.connect(self.on_pin_entered)
        pin.home_requested.connect(self.on_screen_home_requested)
        return pin

    def _build_starting(self) -> QWidget:
        # Its title becomes the touched tile's.
        return self._wired(
            MessageScreen(self.tr("正在准备…"), self.tr("正在准备…"), self.tr("马上就好，请稍候。"))
        )

    def _build_outage(self) -> QWidget:
        from kiosk.screens.outage import OutageScreen

        return OutageScreen()

    def _build_ticket_flow(self) -> TicketFlow:
        if self._ticket_flow is None:
            from kiosk.screens.ticket import TicketFlow

            flow = TicketFlow(
                self.window,
                site_code=self._site_code,
                terminal=self.options.terminal,
                clock=self._clock,
                printer_factory=self._printer_factory,
                desk_help=self.desk_help,
                parent=self,
            )
            flow.home_requested.connect(self.on_screen_home_requested)
            if self.tasks is not None and self._prepared is not None:
                flow.attach(self.tasks, self._prepared.factory, self._prepared.read_factory)
            self._ticket_flow = flow
        return self._ticket_flow

    @property
    def guide_flow(self) -> GuideFlow:
        """The 办事指南 flow and its screens."""
        return self._build_guide_flow()

    def _build_guide_flow(self) -> GuideFlow:
        if self._guide_flow is None:
            from kiosk.screens.guide import GuideFlow

            flow = GuideFlow(
                self.window,
                site_code=self._site_code,
                terminal=self.options.terminal,
                ticket_flow=lambda: self.ticket_flow,
                printer_factory=self._printer_factory,
                desk_help=self.desk_help,
                parent=self,
            )
            flow.home_requested.connect(self.on_screen_home_requested)
            if self.tasks is not None and self._prepared is not None:
                flow.attach(self.tasks, self._prepared.factory, self._prepared.read_factory)
            self._guide_flow = flow
        return self._guide_flow

    @property
    def priority_flow(self) -> PriorityFlow:
        """The 优先服务 flow and its screens."""
        return self._build_priority_flow()

    def _build_priority_flow(self) -> PriorityFlow:
        if self._priority_flow is None:
            from kiosk.screens.priority import PriorityFlow

            flow = PriorityFlow(
                self.window,
                self.tasks,
                site_code=self._site_code,
                terminal=self.options.terminal,
                clock=self._clock,
                ticket_flow=lambda: self.ticket_flow,
                printer_factory=self._printer_factory,
                desk_help=self.desk_help,
                parent=self,
            )
            flow.home_requested.connect(self.on_screen_home_requested)
            self._priority_flow = flow
        return self._priority_flow

    @property
    def rating_flow(self) -> RatingFlow:
        """The 评价 flow and its screens."""
        return self._build_rating_flow()

    def _build_rating_flow(self) -> RatingFlow:
        if self._rating_flow is None:
            from kiosk.screens.rating import RatingFlow

            flow = RatingFlow(
                self.window,
                self.tasks,
                site_code=self._site_code,
                clock=self._clock,
                desk_help=self.desk_help,
                parent=self,
            )
            flow.home_requested.connect(self.on_screen_home_requested)
            self._rating_flow = flow
        return self._rating_flow

    def _choice_factory(self, module: str) -> ScreenFactory:
        return lambda: self._wired(importlib.import_module(module).create_screen())

    def _wired(self, screen: MessageScreen) -> MessageScreen:
        screen.home_requested.connect(self.on_screen_home_requested)
        return screen

    # -- wiring ---------------------------------------------------------------------------------

    def _connect(self) -> None:
        self.home.first_painted.connect(self.on_home_first_painted)
        self.home.choice_selected.connect(self.on_home_choice_selected)
        self.home.elder_mode_toggled.connect(self.on_home_elder_mode_toggled)
        self.home.voice_toggled.connect(self.window.guidance.set_asked)
        self.window.guidance.voice_changed.connect(self.on_voice_changed)
        self.window.screen_shown.connect(self.on_window_screen_shown)
        self.window.admin_corner.long_pressed.connect(self.on_admin_corner_long_pressed)
        self.window.idle_banner.continue_clicked.connect(self.idle.poke)
        self.idle.warning_started.connect(self.on_idle_warning_started)
        self.idle.countdown_ticked.connect(self.on_idle_countdown_ticked)
        self.idle.warning_cancelled.connect(self.on_idle_warning_cancelled)
        self.idle.timed_out.connect(self.on_idle_timed_out)
        self._clock_timer.timeout.connect(self.on_clock_timeout)
        self._refresh_timer.timeout.connect(self.refresh)
        self._retry_timer.timeout.connect(self.refresh)
        self._open_timer.timeout.connect(self._open)

    # -- life -----------------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """True once the database is open and migrated (the first status arrived)."""
        return self.tasks is not None

    def start(self) -> None:
        """Show the home screen now; once it has been painted, watch for idleness and open
        the database."""
        self._started = True
        self.window.show_screen(HOME)
        self._clock_timer.start()
        self._refresh_timer.start()
        if self.home.painted or not self.window.isVisible():
            self._open()
        else:
            # The worker's imports would compete with the first paint for the interpreter,
            # and the idle filter would have every start-up event converted for Python: wait
            # for that paint (on_home_first_painted), but never for long.
            self._open_timer.start()

    def _open(self) -> None:
        self._open_timer.stop()
        self.idle.install()  # nobody can touch the screen before it is painted
        if not self.ready and not self._refreshing:
            self.refresh()

    def shutdown(self) -> None:
        """Stop timers, the feed and the worker threads (idempotent)."""
        for timer in (self._clock_timer, self._refresh_timer, self._retry_timer, self._open_timer):
            timer.stop()
        self.idle.uninstall()
        if self.feed is not None:
            self.feed.stop()
        if self._ticket_flow is not None:
            self._ticket_flow.shutdown()
        if self._guide_flow is not None:
            self._guide_flow.shutdown()
        if self._priority_flow is not None:
            self._priority_flow.shutdown()
        if self.tasks is not None:
            self.tasks.shutdown()
        self._boot.shutdown()

    def refresh(self) -> None:
        """Reload the home status (opening and migrating the database the first time)."""
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True
        if self.tasks is not None:
            self.tasks.submit(
                self._load_status, self.on_status_loaded, self.on_database_failed, write=False
            )
        else:
            self._boot.submit(
                self._preparation,
                self.on_database_prepared,
                self.on_database_failed,
                with_session=False,
            )

    # Background operations: they run in the worker thread and touch no widget.

    def _load_status(self, session: Session) -> KioskStatus:
        from shared.services.home import kiosk_status

        return kiosk_status(session, self.options.site_code, now=self._clock())

    # -- slots ----------------------------------------------------------------------------------

    def on_home_first_painted(self) -> None:
        """The home screen is on screen and usable: say so, open the database, build the rest."""
        self.home_shown.emit()
        if self._started:
            self._open()
        self._build_own_screens()

    def on_database_prepared(self, prepared: Prepared) -> None:
        """The database is open and migrated: build what needs it, then show the status."""
        if self.tasks is None:
            self._attach(prepared)
        self.on_status_loaded(prepared.status)

    def on_status_loaded(self, status: KioskStatus) -> None:
        """A status arrived: show it, and come back into service if we were out."""
        self._refreshing = False
        self.status = status
        self.home.set_status(status)
        self.window.guidance.configure(status.voice, status.voice_volume)
        self.on_voice_changed(self.window.guidance.voice_on)
        self._set_in_service(True)
        choice, self._waiting_choice = self._waiting_choice, None
        if choice is not None and self.window.current_name == STARTING:
            self._open_choice(choice)
        elif self.window.current_name in {STARTING, OUT_OF_SERVICE}:
            self.window.go_home()
        self.status_refreshed.emit(status)
        if self._refresh_again:
            self._refresh_again = False
            self.refresh()

    def on_database_failed(self, exc: BaseException) -> None:
        """The database could not be used: out of service, and try again soon."""
        self._refreshing = False
        self._refresh_again = False
        self._waiting_choice = None
        if isinstance(exc, DatabaseUrlError):
            # The URL may carry a password: its text goes to the console, never to the log.
            log.error("kiosk database URL unusable (%s)", type(exc.__cause__).__name__)
            self._set_in_service(False)
            self.database_unusable.emit(str(exc))
            return
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
        """Refresh when a change touches what the home screen shows (and tell the flow)."""
        if self._ticket_flow is not None:
            self._ticket_flow.on_feed_changes_arrived(batch)
        if self._guide_flow is not None:
            self._guide_flow.on_feed_changes_arrived(batch)
        site_id = self.status.site_id if self.status else None
        if any(
            c.kind in REFRESH_KINDS and (c.site_id is None or c.site_id == site_id) for c in batch
        ):
            self.refresh()

    def on_clock_timeout(self) -> None:
        """Tick the clock on the home screen."""
        self.home.set_clock(self._clock())

    def on_home_choice_selected(self, name: str) -> None:
        """A tile was pressed: open its screen (取号 starts its flow), or 正在准备… until the
        database is ready."""
        if not self.ready:
            self._waiting_choice = name
            self.starting.title_label.setText(self.home.choice_title(name))
            self.window.show_screen(STARTING)
            return
        self._open_choice(name)

    def on_screen_home_requested(self) -> None:
        """返回首页 on any screen."""
        self.go_home()

    def on_home_elder_mode_toggled(self, on: bool) -> None:
        """The 长辈模式 switch: restyle everything."""
        self.set_elder(on)

    def on_voice_changed(self, _on: bool) -> None:
        """Voice guidance went on or off (长辈模式, 语音, the hall's setting): the switch shows
        whether this visit hears the screens."""
        guidance = self.window.guidance
        self.home.set_voice(guidance.voice_on, guidance.allowed)

    def desk_help(self) -> DeskHelp:
        """Who can help a visitor now, from the last status read (the desk, or the hotline)."""
        status = self.status
        if status is None:
            return DeskHelp()
        return DeskHelp(status.staffed_at(self._clock()), status.hotline)

    def on_window_screen_shown(self, name: str) -> None:
        """Count idle time only away from the at-rest screens; an outage says who can help."""
        self.idle.set_armed(name not in AT_REST)
        if name == OUT_OF_SERVICE:
            from kiosk.screens.outage import OutageScreen

            screen = self.outage
            assert isinstance(screen, OutageScreen)
            help_now = self.desk_help()
            online_hall = self.status.online_hall if self.status else ""
            screen.set_help(help_now.staffed, help_now.hotline, online_hall)

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
        """Nobody answered the countdown: home, in the mode the kiosk started in (and no
        speech the next visitor did not ask for)."""
        self.window.hide_idle_warning()
        self.window.guidance.set_asked(None)
        self.set_elder(self.options.elder)
        self.go_home()

    def on_admin_corner_long_pressed(self) -> None:
        """Open the PIN pad; when no PIN is set yet it says so at once (issue #9)."""
        self.pin.reset()
        self.window.show_screen(admin.NAME)
        if self.tasks is None:
            return
        site, terminal = self._site_code(), self.options.terminal

        def is_set(session: Session) -> bool:
            from shared.services.kiosk_pin import pin_is_set

            return pin_is_set(session, site=site, terminal=terminal)

        self.tasks.submit(is_set, self.on_admin_pin_presence_read, write=False)

    def on_admin_pin_presence_read(self, is_set: bool) -> None:
        """Tell IT how to set a PIN when there is none."""
        if not is_set and self.window.current_name == admin.NAME:
            self.pin.show_not_set()

    def on_pin_entered(self, pin: str) -> None:
        """Check the PIN in the background (a write: wrong PINs are counted)."""
        site, terminal, now = self._site_code(), self.options.terminal, self._clock()

        def check(session: Session) -> PinCheck:
            from shared.services.kiosk_pin import verify_pin

            return verify_pin(session, site=site, terminal=terminal, pin=pin, now=now)

        if self.tasks is None:
            self.on_admin_pin_failed(RuntimeError("the kiosk's database is not open yet"))
            return
        self.tasks.submit(check, self.on_admin_pin_checked, self.on_admin_pin_failed)

    def on_admin_pin_checked(self, result: PinCheck) -> None:
        """Quit on the right PIN; otherwise say why not (wrong, locked, none set)."""
        if result.status == "ok":
            self.window.allow_exit()
            self.exit_requested.emit()
        elif result.status == "locked" and result.locked_until is not None:
            self.pin.show_locked(f"{to_local(result.locked_until):%H:%M}")
        elif result.status == "not_set":
            self.pin.show_not_set()
        else:
            self.pin.show_wrong_pin(result.attempts_left)

    def on_admin_pin_failed(self, exc: BaseException) -> None:
        """The PIN could not be checked (no database): nobody leaves, and the pad says why."""
        log.warning("admin PIN check failed: %s", type(exc).__name__)
        self.pin.show_unchecked()

    # -- helpers --------------------------------------------------------------------------------

    def go_home(self) -> None:
        """Home, or the out-of-service screen while the database is away."""
        self._waiting_choice = None
        self.window.show_screen(HOME if self.in_service else OUT_OF_SERVICE)

    def _open_choice(self, name: str) -> None:
        if name == names.TICKET:
            self.ticket_flow.start()
        elif name == names.GUIDE:
            self.guide_flow.start()
        elif name == names.PRIORITY:
            self.priority_flow.start()
        elif name == names.RATING:
            self.rating_flow.start()
        else:
            self.window.show_screen(name)

    def _attach(self, prepared: Prepared) -> None:
        """Build the database-bound helpers (GUI thread; the worker imported their modules)."""
        from shared.qt.feed import ChangeFeedWatcher

        self._prepared = prepared
        self.tasks = TaskRunner(prepared.factory, prepared.read_factory, parent=self)
        interval: dict[str, Any] = {}
        if self.options.feed_interval is not None:
            interval["interval"] = self.options.feed_interval
        self.feed = ChangeFeedWatcher(prepared.read_factory, parent=self, **interval)
        self.feed.changes_arrived.connect(self.on_feed_changes_arrived)
        self.feed.connection_changed.connect(self.on_feed_connection_changed)
        if self._ticket_flow is not None:
            self._ticket_flow.attach(self.tasks, prepared.factory, prepared.read_factory)
        if self._guide_flow is not None:
            self._guide_flow.attach(self.tasks, prepared.factory, prepared.read_factory)
        if self._priority_flow is not None:
            self._priority_flow.attach(self.tasks)
        if self._rating_flow is not None:
            self._rating_flow.attach(self.tasks)
        self._boot.shutdown()  # its one job is done; the runner above does the rest
        # Before any visitor's 取号 reaches the worker: the flows' modules, off the GUI thread.
        self.tasks.submit(import_visitor_modules, with_session=False)
        self.feed.start()

    def _site_code(self) -> str | None:
        """The site the home screen shows (the option's until the first status arrives)."""
        return self.status.site_code if self.status else self.options.site_code

    def set_elder(self, on: bool) -> None:
        """Switch elder mode on or off and re-apply the stylesheet."""
        if on != self.elder:
            self.elder = on
            self.tokens = self._apply_style(on)
        self.home.set_elder(on)
        self.window.guidance.set_elder(on)
        self.window.keyboard.set_tokens(self.tokens)

    def _set_in_service(self, in_service: bool) -> None:
        if in_service == self.in_service:
            return
        self.in_service = in_service
        if not in_service and self.window.current_name in AT_REST:
            # Nobody is mid-task here; a visitor mid-task meets it on the way home.
            self.window.show_screen(OUT_OF_SERVICE)
        self.service_changed.emit(in_service)
