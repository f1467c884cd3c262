"""取号 (take a ticket): home → a queue → 确认取号 → the number, printed. Three touches.

:class:`TicketFlow` is the flow's controller: it puts its screens into the kiosk window, loads
the queues and issues the ticket through the kiosk's :class:`~shared.qt.tasks.TaskRunner`,
and prints on a runner of its own (a printer timing out never delays the next visitor's
queue list). Nothing here touches the database or a printer on the GUI thread.

- Each confirmation screen carries a fresh request key, so a double tap, or 确认取号 again
  after an error, gives the same ticket, never a second one.
- Outside hall hours the flow shows when tickets can be taken again (guides and requests still
  work); a closed hall met at the last moment is the service's ``Conflict`` message.
- A failed print leaves the ticket valid: it is marked ``print_failed`` (staff see it in the
  change feed) and the number stays on screen with advice. No printer configured: the number
  with the advice to note it.

Entry for the green channel (优先服务, issue #5): ``flow.start(priority="elderly")`` runs the
same flow for a priority ticket (``elderly``, ``disabled``, ``pregnant`` or ``other``); the
screens say 绿色通道 and people ahead count only earlier priority tickets.

Entry for a matter (办事指南's 取号办理, issue #4): ``flow.start(matter=TicketMatter(…))`` goes
straight to the confirmation for the matter's queue; the ticket carries the matter, so its
materials print on the slip. 返回上一步 there emits ``back_requested`` (back to the guide).

Signals of :class:`TicketFlow`:
    menu_loaded(object): a :class:`~shared.services.kiosk_tickets.TicketMenu` was shown.
    ticket_issued(object): a :class:`~shared.services.tickets.TicketView` is on screen.
    print_finished(object): the :class:`~shared.qt.printing.PrintOutcome` of that ticket.
    home_requested(): the visitor asked for the home screen.
    back_requested(): 返回上一步 in a flow started for a matter (the caller shows its guide).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QWidget

from kiosk.screens.common import DeskHelp, MessageScreen, register_built
from kiosk.screens.ticket_views import ConfirmScreen, QueueListScreen, ResultScreen
from kiosk.screens.way import WayScreen
from kiosk.window import KioskWindow
from shared.errors import HallError
from shared.qt.tasks import TaskRunner

if TYPE_CHECKING:
    # The flow's screens are built at start, before the data layer is imported (spec §12):
    # services, models and printing are imported where they are used, after the database
    # is ready (the kiosk's worker imports them first, off the GUI thread).
    from sqlalchemy.orm import Session, sessionmaker

    from shared.changes import ChangeRecord
    from shared.printing import TicketPrinter
    from shared.qt.printing import PrintOutcome
    from shared.rendering import TicketSlip
    from shared.services.kiosk_tickets import IssuedTicket, QueueChoice, TicketMenu

    #: The write and the read session factories: an issue opens its own transactions, so the
    #: write lock is held only for the allocation (``shared.services.tickets.issue_ticket_in``).
    Databases = tuple[sessionmaker[Session], sessionmaker[Session]]

log = logging.getLogger(__name__)

NAME = "ticket"
CONFIRM = "ticket_confirm"
RESULT = "ticket_result"
WAY = "ticket_way"
MESSAGE = "ticket_message"
# Change kinds that move the counts on the queue buttons.
REFRESH_KINDS = {"ticket", "organisation", "setting", "window", "calendar"}

PrinterFactory = Callable[[Mapping[str, Any]], "TicketPrinter | None"]
Clock = Callable[[], datetime]
# Issues the confirmed ticket on the worker thread: the write and read factories and
# issue_kiosk_ticket's keywords in, an IssuedTicket out (the green channel passes one that
# also records a priority request). It opens its own transactions (with_session=False).
Issuer = Callable[..., "IssuedTicket"]


def _tr(text: str) -> str:
    return QCoreApplication.translate("TicketFlow", text)


# The two services the flow runs on the worker thread, imported there on first use (the
# flow's module is imported at start; the services pull in SQLAlchemy and the renderers).


def ticket_menu(
    session: Session,
    *,
    site: str | None,
    terminal: str | None,
    priority: str | None,
    now: datetime,
) -> TicketMenu:
    """:func:`shared.services.kiosk_tickets.ticket_menu`."""
    from shared.services import kiosk_tickets

    return kiosk_tickets.ticket_menu(
        session, site=site, terminal=terminal, priority=priority, now=now
    )


def issue_kiosk_ticket(
    databases: Databases,
    *,
    site: str,
    queue: str,
    request_key: str,
    priority: str | None,
    now: datetime,
    matter: str | None = None,
) -> IssuedTicket:
    """:func:`shared.services.kiosk_tickets.issue_kiosk_ticket_in`."""
    from shared.services import kiosk_tickets

    factory, read_factory = databases
    return kiosk_tickets.issue_kiosk_ticket_in(
        factory,
        read_factory,
        site=site,
        queue=queue,
        request_key=request_key,
        priority=priority,
        now=now,
        matter=matter,
    )


def issue_green_ticket(databases: Databases, **kwargs: Any) -> IssuedTicket:
    """:func:`shared.services.kiosk_priority.issue_green_ticket_in` (the green channel)."""
    from shared.services import kiosk_priority

    factory, read_factory = databases
    return kiosk_priority.issue_green_ticket_in(factory, read_factory, **kwargs)


@dataclass(frozen=True)
class TicketMatter:
    """The matter a ticket is taken for (from 办事指南): its code, name and queue."""

    code: str
    name: str
    queue_prefix: str


class _UnusablePrinter:
    """Stands in for a printer whose settings are wrong: every print fails with the reason,
    so the ticket is marked print-failed and staff are alerted like for any other failure."""

    def __init__(self, error: HallError) -> None:
        self.error = error

    def describe(self) -> str:
        return f"unusable printer settings: {self.error}"

    def print_ticket(self, slip: TicketSlip) -> None:
        from shared.printing import PrintError

        raise PrintError(str(self.error), self.error.message_zh)


class TicketFlow(QObject):
    """The kiosk's 取号 flow (see the module docstring).

    The screens exist from the start; the database comes later through :meth:`attach`
    (the kiosk opens it in the background once its home screen shows). Until then the flow
    is not :attr:`ready` and the kiosk does not start it.

    Args:
        window: the kiosk window the screens are registered in.
        tasks: the kiosk's background runner (menu and issue), or ``None`` until attached.
        factory: the write session factory (the print runner records outcomes with it), or
            ``None`` until attached.
        site_code: returns the site to issue at (``None``: the first site).
        terminal: this kiosk's terminal code (its ``printer`` settings are used).
        clock: the current instant (injectable for tests).
        printer_factory: builds the printer from the terminal's settings (``None``: the
            system print queue or the configured device, by
            :func:`shared.qt.printing.qt_printer_from_config`).

    Signals:
        menu_loaded(object): a TicketMenu was shown.
        ticket_issued(object): a TicketView is on screen.
        print_finished(object): the PrintOutcome of the ticket on screen.
        home_requested(): back to the home screen.
        back_requested(): 返回上一步 in a flow started for a matter.
    """

    menu_loaded = Signal(object)
    ticket_issued = Signal(object)
    print_finished = Signal(object)
    home_requested = Signal()
    back_requested = Signal()

    def __init__(
        self,
        window: KioskWindow,
        tasks: TaskRunner | None = None,
        factory: sessionmaker[Session] | None = None,
        *,
        site_code: Callable[[], str | None],
        terminal: str | None,
        clock: Clock,
        printer_factory: PrinterFactory | None = None,
        desk_help: Callable[[], DeskHelp] = DeskHelp,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk_help = desk_help
        self.window = window
        self.tasks: TaskRunner | None = None
        self.print_tasks: TaskRunner | None = None
        self._databases: Databases | None = None
        self.printer_factory = printer_factory
        self._site_code = site_code
        self._terminal = terminal
        self._clock = clock
        self.priority: str | None = None
        self.matter: TicketMatter | None = None
        self.issuer: Issuer = issue_kiosk_ticket
        self.menu: TicketMenu | None = None
        self.choice: QueueChoice | None = None
        self.request_key: str | None = None
        self._first_load = False
        self._loading = False
        self._load_again = False
        self._issuing: str | None = None
        self._shown_ticket: uuid.UUID | None = None
        self._printer_missing = False

        self.queues = QueueListScreen()
        self.confirm_screen = ConfirmScreen()
        self.result = ResultScreen()
        self.way = WayScreen()
        self.message = MessageScreen(_tr("取号"), "")
        screens: list[tuple[str, QWidget]] = [
            (NAME, self.queues),
            (CONFIRM, self.confirm_screen),
            (RESULT, self.result),
            (WAY, self.way),
            (MESSAGE, self.message),
        ]
        register_built(window, screens)

        self.queues.queue_chosen.connect(self.on_queues_queue_chosen)
        self.queues.home_requested.connect(self.home_requested)
        self.confirm_screen.confirmed.connect(self.on_confirm_confirmed)
        self.confirm_screen.back_requested.connect(self.on_confirm_back_requested)
        self.confirm_screen.home_requested.connect(self.home_requested)
        self.result.home_requested.connect(self.home_requested)
        self.result.way_requested.connect(self.on_result_way_requested)
        self.way.back_requested.connect(lambda: self.window.show_screen(RESULT))
        self.way.home_requested.connect(self.home_requested)
        self.message.home_requested.connect(self.home_requested)
        if tasks is not None and factory is not None:
            self.attach(tasks, factory)

    @property
    def ready(self) -> bool:
        """True once the flow has its database (:meth:`attach`)."""
        return self.tasks is not None

    def attach(
        self,
        tasks: TaskRunner,
        factory: sessionmaker[Session],
        read_factory: sessionmaker[Session] | None = None,
    ) -> None:
        """Give the flow the kiosk's runner and factories (its print runner writes with
        ``factory``; an issue reads with ``read_factory``, made from ``factory`` if ``None``)."""
        from shared.db import create_read_session_factory

        self.tasks = tasks
        self._databases = (factory, read_factory or create_read_session_factory(factory))
        if self.print_tasks is not None:
            self.print_tasks.shutdown()
        self.print_tasks = TaskRunner(factory, parent=self)

    # -- entry points ---------------------------------------------------------------------------

    def start(
        self,
        priority: str | None = None,
        matter: TicketMatter | None = None,
        issue: Issuer | None = None,
    ) -> None:
        """Open the queue list: a normal ticket, or a green-channel one with ``priority``;
        with ``matter``, the confirmation for the matter's queue once the queues are known;
        ``issue`` replaces :func:`issue_kiosk_ticket` (优先服务's green channel).

        Raises:
            ValueError: ``priority`` is not one of ``shared.models.tickets.PRIORITIES``.
        """
        from shared.models.tickets import PRIORITIES

        if priority is not None and priority not in PRIORITIES:
            raise ValueError(f"unknown priority: {priority} (one of {', '.join(PRIORITIES)})")
        self.priority = priority
        self.matter = matter
        self.issuer = issue or issue_kiosk_ticket
        self.menu = None
        self.choice = None
        self.request_key = None
        self._issuing = None
        self._shown_ticket = None
        self._first_load = True
        self.queues.set_loading(priority)
        self.window.show_screen(NAME)
        self.load_menu()

    def shutdown(self) -> None:
        """Stop the print runner (after the print in progress)."""
        if self.print_tasks is not None:
            self.print_tasks.shutdown()

    def load_menu(self) -> None:
        """Load (or reload) the queues in the background."""
        if self._loading:
            self._load_again = True
            return
        self._loading = True
        site, terminal, priority, now = (
            self._site_code(),
            self._terminal,
            self.priority,
            self._clock(),
        )

        def load(session: Session) -> TicketMenu:
            return ticket_menu(session, site=site, terminal=terminal, priority=priority, now=now)

        if self.tasks is None:
            self.on_menu_failed(RuntimeError("the kiosk's database is not open yet"))
            return
        self.tasks.submit(load, self.on_menu_loaded, self.on_menu_failed, write=False)

    def choose(self, prefix: str) -> None:
        """Open the confirmation for a queue, with a fresh request key."""
        choice = self.menu.choice(prefix) if self.menu else None
        if choice is None:
            return
        self.choice = choice
        self.request_key = uuid.uuid4().hex
        self.confirm_screen.set_choice(
            choice, self.priority, self.matter.name if self.matter else None
        )
        self.window.show_screen(CONFIRM)

    def on_result_way_requested(self) -> None:
        """去哪里办: the hall map with the ticket's windows, the whole screen."""
        self.window.show_screen(WAY)

    def confirm(self) -> None:
        """Issue the ticket of the confirmation on screen (its request key makes it idempotent)."""
        if self.menu is None or self.choice is None or self.request_key is None:
            return
        if self.tasks is None or self._databases is None:
            return  # not attached: no menu could have been loaded either
        if self._issuing == self.request_key:
            return  # the same request is already on its way
        key = self.request_key
        self._issuing = key
        self.confirm_screen.set_busy(True)
        site, queue, priority = self.menu.site_code, self.choice.prefix, self.priority
        matter = self.matter.code if self.matter else None
        now = self._clock()
        issuer, databases = self.issuer, self._databases

        def issue() -> IssuedTicket:
            return issuer(
                databases,
                site=site,
                queue=queue,
                request_key=key,
                priority=priority,
                now=now,
                matter=matter,
            )

        self.tasks.submit(
            issue,
            lambda issued: self.on_ticket_issued(key, issued),
            lambda exc: self.on_ticket_failed(key, exc),
            with_session=False,
        )

    # -- slots ----------------------------------------------------------------------------------

    def on_queues_queue_chosen(self, prefix: str) -> None:
        """A queue button: to the confirmation."""
        self.choose(prefix)

    def on_confirm_confirmed(self) -> None:
        """确认取号."""
        self.confirm()

    def on_confirm_back_requested(self) -> None:
        """返回上一步: the queue list again, with fresh counts (a matter's guide for a flow
        started from one)."""
        self.request_key = None
        if self.matter is not None:
            self.back_requested.emit()
            return
        self.window.show_screen(NAME)
        self.load_menu()

    def on_feed_changes_arrived(self, batch: list[ChangeRecord]) -> None:
        """Refresh the counts while a visitor is choosing."""
        if self.window.current_name not in {NAME, CONFIRM} or self.menu is None:
            return
        if any(c.kind in REFRESH_KINDS or c.kind == "resync" for c in batch):
            self.load_menu()

    def on_menu_loaded(self, menu: TicketMenu) -> None:
        """Show the queues, or when tickets can be taken again."""
        self._loading = False
        if self._load_again:
            self._load_again = False
            self.load_menu()
        if menu.priority != self.priority:
            return  # loaded for an earlier visitor's flow
        self.menu = menu
        first, self._first_load = self._first_load, False
        if not menu.is_open:
            if first and self.window.current_name == NAME:
                self._show_message(
                    menu.closed_message_zh or "",
                    _tr("办事指南、优先服务和评价仍可使用。"),
                )
            return
        self.queues.set_menu(menu)
        if first and self.matter is not None and self.window.current_name == NAME:
            if menu.choice(self.matter.queue_prefix) is None:
                self._show_message(
                    self.desk_help().say(
                        _tr("该事项暂不能在本机取号，请到服务台咨询。"),
                        _tr("该事项暂不能在本机取号，请拨打 {hotline} 政务服务便民热线咨询。"),
                    ),
                    _tr("给您带来不便，敬请谅解。"),
                )
            else:
                self.choose(self.matter.queue_prefix)
        if self.choice is not None and (fresh := menu.choice(self.choice.prefix)):
            self.choice = fresh
            self.confirm_screen.update_counts(fresh)
        self.menu_loaded.emit(menu)

    def on_menu_failed(self, exc: BaseException) -> None:
        """The queues could not be loaded: say so plainly (the way home stays)."""
        self._loading = False
        self._load_again = False
        self._first_load = False
        log.warning("kiosk ticket menu unavailable: %s", type(exc).__name__)
        if self.window.current_name != NAME:
            return
        if isinstance(exc, HallError):
            self._show_message(exc.message_zh)
        else:
            self._show_message(
                self.desk_help().say(
                    _tr("系统暂时无法取号，请稍后再试，或到服务台取号。"),
                    _tr("系统暂时无法取号，请稍后再试，或拨打 {hotline} 政务服务便民热线。"),
                ),
                _tr("给您带来不便，敬请谅解。"),
            )

    def on_ticket_issued(self, key: str, issued: IssuedTicket) -> None:
        """The ticket exists: show it and print it."""
        from shared.qt.printing import print_in_background

        if self._issuing != key:
            return
        self._issuing = None
        if self.window.current_name != CONFIRM or self.request_key != key:
            # The visitor left (idle time-out); the ticket stays valid, nobody is shown it.
            log.info("ticket %s issued after the visitor left", issued.ticket.number)
            return
        ticket = issued.ticket
        self._shown_ticket = ticket.id
        self.request_key = None
        way = self.choice.way if self.choice else None
        self.result.set_ticket(ticket, way)
        if way is not None and way.serving:
            self.way.set_way(ticket.number, way)
        self.window.show_screen(RESULT)
        self.ticket_issued.emit(ticket)
        printer = self._printer()
        self._printer_missing = printer is None
        assert self.print_tasks is not None  # attached with the runner that issued the ticket
        print_in_background(self.print_tasks, printer, issued.slip, ticket.id, self.on_printed)

    def on_ticket_failed(self, key: str, exc: BaseException) -> None:
        """Refused (closed, queue gone): the reason; a database error: try again."""
        if self._issuing != key:
            return
        self._issuing = None
        if isinstance(exc, HallError):
            log.info("kiosk ticket refused: %s", exc)
            self._show_message(exc.message_zh, _tr("办事指南、优先服务和评价仍可使用。"))
            return
        log.warning("kiosk ticket failed: %s", type(exc).__name__)
        self.confirm_screen.show_error(
            self.desk_help().say(
                _tr("系统暂时无法取号，请再点一次「确认取号」，或到服务台取号。"),
                _tr("系统暂时无法取号，请再点一次「确认取号」，或拨打 {hotline} 热线。"),
            )
        )

    def on_printed(self, outcome: PrintOutcome) -> None:
        """Say how printing went, for the ticket still on screen."""
        if outcome.ticket_id != self._shown_ticket:
            return
        if outcome.printed:
            self.result.show_printed()
        elif self._printer_missing:
            self.result.show_no_printer()
        else:
            self.result.show_print_failed()
        self.print_finished.emit(outcome)

    # -- helpers --------------------------------------------------------------------------------

    def _printer(self) -> TicketPrinter | None:
        config = self.menu.printer if self.menu else {}
        make = self.printer_factory
        if make is None:
            from shared.qt.printing import qt_printer_from_config

            make = qt_printer_from_config
        try:
            return make(config)
        except HallError as exc:
            log.warning("terminal %s printer settings unusable: %s", self._terminal, exc)
            return _UnusablePrinter(exc)

    def _show_message(self, message: str, detail: str = "") -> None:
        self.message.set_message(message, detail)
        self.window.show_screen(MESSAGE)
