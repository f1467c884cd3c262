"""The console's top-level window and its controller: start-up, login, logout.

The shell builds nothing but pages and wiring. Database work goes through one
:class:`TaskRunner` (migrations at start, login, module reads); the change feed is followed by
one :class:`ChangeFeedWatcher` for the life of the window and handed to each console session
through its :class:`ChangeHub`.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget
from sqlalchemy.orm import Session, sessionmaker

from reception import operations
from reception.callbacks import guarded
from reception.errors import user_message
from reception.i18n import translate
from reception.modules import builtin_registry
from reception.registry import ModuleContext, ModuleRegistry
from reception.views.console import ConsoleView
from reception.views.login import LoginView
from reception.views.password_change import PasswordChangeView
from reception.views.startup import StartupView
from shared.db import create_read_session_factory, engine_of, upgrade
from shared.qt.feed import ChangeFeedWatcher
from shared.qt.tasks import TaskRunner
from shared.services.staff import LoginOutcome, StaffInfo

log = logging.getLogger(__name__)


class ReceptionShell(QMainWindow):
    """Start-up screen, then login, then the console for the signed-in member of staff.

    Args:
        factory: the write sessionmaker (its engine is the console's database).
        registry: the modules to offer (default: every shipped module).
        site_code: the terminal's site (``--site``); else the staff member's own.

    Signals:
        database_ready(): migrations are applied and the feed is followed.
        database_failed(str): the database could not be opened; the message shown.
        login_succeeded(object): a :class:`StaffInfo` signed in.
        login_failed(str): a login was refused; the message shown.
        password_change_required(str): a reset account logged in (its username) and must
            choose a new password before the console opens.
        password_change_failed(str): the new password was refused; the message shown.
        logged_out(): the console went back to the login screen.
    """

    database_ready = Signal()
    database_failed = Signal(str)
    login_succeeded = Signal(object)
    login_failed = Signal(str)
    password_change_required = Signal(str)
    password_change_failed = Signal(str)
    logged_out = Signal()

    def __init__(
        self,
        factory: sessionmaker[Session],
        registry: ModuleRegistry | None = None,
        site_code: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reception_shell")
        self.setWindowTitle(self.tr("前台工作台"))
        self.setMinimumSize(1024, 700)
        self._factory = factory
        self._read_factory = create_read_session_factory(factory)
        self._registry = registry or builtin_registry()
        self._site_code = site_code
        self._closed = False
        self.runner = TaskRunner(factory, self._read_factory, parent=self)
        # The console keeps the feed short: old changes are pruned from here now and then.
        self.watcher = ChangeFeedWatcher(self._read_factory, parent=self, prune_factory=factory)
        self.console: ConsoleView | None = None
        # A reset account between its login and its new password: who, the site to show, and
        # the temporary password (checked again by the service; dropped once used).
        self._pending_change: tuple[StaffInfo, str | None, str] | None = None

        self.pages = QStackedWidget()
        self.startup_view = StartupView()
        self.login_view = LoginView()
        self.password_view = PasswordChangeView()
        self.pages.addWidget(self.startup_view)
        self.pages.addWidget(self.login_view)
        self.pages.addWidget(self.password_view)
        self.setCentralWidget(self.pages)

        self.startup_view.retry_requested.connect(self.on_startup_retry_requested)
        self.login_view.login_submitted.connect(self.on_login_submitted)
        self.password_view.password_submitted.connect(self.on_password_submitted)
        self.password_view.cancelled.connect(self.on_password_cancelled)
        self.watcher.connection_changed.connect(self.on_feed_connection_changed)

    # -- start-up -------------------------------------------------------------------------

    def start(self, migrate: bool = True) -> None:
        """Bring the schema up to date in the background, then offer the login."""
        self.pages.setCurrentWidget(self.startup_view)
        self.startup_view.show_connecting()
        if not migrate:
            self.on_database_upgraded(None)
            return
        engine = engine_of(self._factory)
        self.runner.submit(
            lambda: upgrade(engine),
            guarded(self, self.on_database_upgraded),
            guarded(self, self.on_database_upgrade_failed),
            with_session=False,
        )

    def on_database_upgraded(self, _result: object) -> None:
        self.watcher.start()
        if self.console is None:
            self.pages.setCurrentWidget(self.login_view)
            self.login_view.reset()
        self.database_ready.emit()

    def on_database_upgrade_failed(self, exc: BaseException) -> None:
        message = user_message(exc, "migrate")
        self.startup_view.show_failure(message)
        self.database_failed.emit(message)

    @Slot()
    def on_startup_retry_requested(self) -> None:
        self.start()

    # -- login ----------------------------------------------------------------------------

    @Slot(str, str)
    def on_login_submitted(self, username: str, password: str) -> None:
        self.login_view.set_busy(True)
        self.runner.submit(
            operations.login(username, password, self._site_code),
            guarded(self, lambda result: self.on_login_checked(result, password)),
            guarded(self, self.on_login_crashed),
        )

    def on_login_checked(self, result: tuple[LoginOutcome, str | None], password: str) -> None:
        outcome, site = result
        if outcome.staff is None:
            assert outcome.error is not None
            self._refuse(outcome.error.message_zh)
            return
        if outcome.must_change_password:
            self._pending_change = (outcome.staff, site, password)
            self.login_view.reset()
            self.password_view.start(outcome.staff.display_name)
            self.pages.setCurrentWidget(self.password_view)
            self.password_change_required.emit(outcome.staff.username)
            return
        self.enter_console(outcome.staff, site)

    # -- the new-password step after a reset ----------------------------------------------

    @Slot(str)
    def on_password_submitted(self, new_password: str) -> None:
        if self._pending_change is None:
            return
        staff, _site, current = self._pending_change
        self.password_view.set_busy(True)
        self.runner.submit(
            operations.change_password(staff.username, current, new_password),
            guarded(self, self.on_password_changed),
            guarded(self, self.on_password_change_failed),
        )

    def on_password_changed(self, staff: StaffInfo) -> None:
        if self._pending_change is None:
            return
        _staff, site, _current = self._pending_change
        self._pending_change = None
        self.enter_console(staff, site)

    def on_password_change_failed(self, exc: BaseException) -> None:
        message = user_message(exc, "change_password")
        self.password_view.show_error(message)
        self.password_change_failed.emit(message)

    @Slot()
    def on_password_cancelled(self) -> None:
        self._pending_change = None
        self.login_view.reset()
        self.pages.setCurrentWidget(self.login_view)

    def on_login_crashed(self, exc: BaseException) -> None:
        self._refuse(user_message(exc, "login"))

    def _refuse(self, message: str) -> None:
        self.login_view.set_busy(False)
        self.login_view.show_error(message)
        self.login_failed.emit(message)

    # -- the console ----------------------------------------------------------------------

    def enter_console(self, staff: StaffInfo, site: str | None = None) -> ConsoleView:
        """Show the console for ``staff`` with the modules their roles allow."""
        self.leave_console()
        console = ConsoleView(staff)
        context = ModuleContext(
            staff=staff,
            site_code=self._site_code or staff.site_code,
            runner=self.runner,
            read_factory=self._read_factory,
            hub=console.hub,
        )
        for spec in self._registry.for_roles(staff.roles):
            title = translate("Modules", spec.title)
            console.add_module(spec.key, title, spec.factory(context))
        console.set_connected(self.watcher.connected)
        self.watcher.changes_arrived.connect(console.hub.on_feed_changes_arrived)
        self.watcher.connection_changed.connect(console.hub.on_feed_connection_changed)
        console.logout_requested.connect(self.on_console_logout_requested)
        self.console = console
        self.pages.addWidget(console)
        self.pages.setCurrentWidget(console)
        console.focus_navigation()
        if site is None:
            code = context.site_code
            self.runner.submit(
                lambda session: operations.site_name(session, code),
                guarded(console, console.set_site),
                guarded(console, self.on_site_name_failed),
                write=False,
            )
        else:
            console.set_site(site)
        self.setWindowTitle(self.tr("前台工作台 - {name}").format(name=staff.display_name))
        self.login_succeeded.emit(staff)
        return console

    def on_site_name_failed(self, exc: BaseException) -> None:
        # The header keeps the site code; the reason is logged, nothing else to tell staff.
        user_message(exc, "site_name")

    def leave_console(self) -> None:
        """Close the console session (its modules and their feed connections)."""
        if self.console is None:
            return
        console, self.console = self.console, None
        self.pages.removeWidget(console)
        console.hide()
        console.deleteLater()

    @Slot()
    def on_console_logout_requested(self) -> None:
        self.leave_console()
        self.setWindowTitle(self.tr("前台工作台"))
        self.login_view.reset()
        self.pages.setCurrentWidget(self.login_view)
        self.logged_out.emit()

    @Slot(bool)
    def on_feed_connection_changed(self, connected: bool) -> None:
        if self.console is not None:
            self.console.set_connected(connected)

    # -- shutting down --------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop following the feed and finish background work (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self.watcher.stop()
        self.runner.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt override keeps Qt's name
        self.shutdown()
        super().closeEvent(event)
