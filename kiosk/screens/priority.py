"""优先服务 (priority help, spec §3, issue #5): who needs help → what help → the request.

:class:`PriorityFlow` is the flow's controller: it puts its screens into the kiosk window,
reads what it needs and makes the request through the kiosk's
:class:`~shared.qt.tasks.TaskRunner` (service calls in :mod:`shared.services.kiosk_priority`),
and prints the slip on a runner of its own. Nothing here touches the database or a printer on
the GUI thread, and nothing here imports the data layer before it is used (spec §12).

- 绿色通道取号: the 取号 flow with the visitor's priority, issuing through a ``green_ticket``
  request (the assistants see it in their inbox), so the number is shown and printed by the
  same screens as any ticket.
- 请工作人员到这里帮忙 (帮办代办): the kiosk's place comes from its terminal; a phone number is
  optional and, if given, asked for after the notice.
- 预约上门服务: the notice first (同意并继续 / 不同意，返回), then name, phone and address, the
  matter, and the day and half-day; one request at the end, nothing stored half-done.

Personal data typed here lives only in the form's fields until the request is made; it is
cleared when the request is stored, when the visitor goes back past the form, and whenever
the kiosk leaves the flow (返回首页, idle time-out). Logs carry references and kinds only.

Signals of :class:`PriorityFlow`:
    menu_loaded(object): a :class:`~shared.services.kiosk_priority.PriorityMenu` arrived.
    matters_loaded(object): matters (common or searched) are on the matter screen.
    request_submitted(object): a :class:`~shared.services.kiosk_priority.SubmittedRequest`
        is on the end screen.
    print_finished(object): the slip's print ended: ``None`` (printed) or the error.
    home_requested(): the visitor asked for the home screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal
from PySide6.QtWidgets import QWidget

from kiosk.screens.common import DeskHelp, MessageScreen, register_built
from kiosk.screens.priority_form import ContactScreen, MatterScreen, TimeScreen
from kiosk.screens.priority_views import (
    ASSIST,
    GREEN,
    HOME_VISIT,
    AssistScreen,
    DoneScreen,
    NoticeScreen,
    what_screen,
    who_screen,
)
from kiosk.window import KioskWindow
from shared.errors import HallError
from shared.qt.tasks import TaskRunner

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kiosk.screens.ticket import TicketFlow
    from shared.printing import PrintError
    from shared.services.kiosk_priority import MatterChoice, PriorityMenu, SubmittedRequest

log = logging.getLogger(__name__)

NAME = "priority"
WHAT = "priority_what"
NOTICE = "priority_notice"
ASSIST_SCREEN = "priority_assist"
CONTACT = "priority_contact"
MATTER = "priority_matter"
TIME = "priority_time"
DONE = "priority_done"
MESSAGE = "priority_message"
SCREENS = (NAME, WHAT, NOTICE, ASSIST_SCREEN, CONTACT, MATTER, TIME, DONE, MESSAGE)
# Where a field's message from the service sends the visitor back to.
FIELD_SCREENS = {"name": CONTACT, "phone": CONTACT, "address": CONTACT, "matter": MATTER}

PrinterFactory = Callable[[Mapping[str, Any]], Any]
Clock = Callable[[], datetime]
TicketFlowGetter = Callable[[], "TicketFlow"]

VISITOR_NAMES = {
    "elderly": "老年人",
    "disabled": "残障人士",
    "pregnant": "孕妇",
    "other": "其他困难",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("PriorityFlow", text)


class PriorityFlow(QObject):
    """The kiosk's 优先服务 flow (see the module docstring).

    Args:
        window: the kiosk window the screens are registered in.
        tasks: the kiosk's background runner, or ``None`` until :meth:`attach`.
        site_code: returns the site to make requests at (``None``: the first site).
        terminal: this kiosk's terminal code (its place and printer).
        clock: the current instant (injectable for tests).
        ticket_flow: returns the kiosk's 取号 flow (the green channel runs through it).
        printer_factory: builds the printer from the terminal's settings (``None``:
            :func:`shared.qt.printing.qt_printer_from_config`).

    Signals:
        menu_loaded(object), matters_loaded(object), request_submitted(object),
        print_finished(object), home_requested(): see the module docstring.
    """

    menu_loaded = Signal(object)
    matters_loaded = Signal(object)
    request_submitted = Signal(object)
    print_finished = Signal(object)
    home_requested = Signal()

    def __init__(
        self,
        window: KioskWindow,
        tasks: TaskRunner | None = None,
        *,
        site_code: Callable[[], str | None],
        terminal: str | None,
        clock: Clock,
        ticket_flow: TicketFlowGetter,
        printer_factory: PrinterFactory | None = None,
        desk_help: Callable[[], DeskHelp] = DeskHelp,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk_help = desk_help
        self.window = window
        self.tasks: TaskRunner | None = tasks
        self.print_tasks: TaskRunner | None = None
        self.printer_factory = printer_factory
        self._site_code = site_code
        self._terminal = terminal
        self._clock = clock
        self._ticket_flow = ticket_flow
        self.menu: PriorityMenu | None = None
        self.visitor: str | None = None
        self.kind: str | None = None
        self.with_phone = False
        self.common: tuple[MatterChoice, ...] = ()
        self._search_seq = 0
        self._submitting = 0
        self._printer_missing = False
        self._shown_reference: str | None = None

        self.who = who_screen()
        self.what = what_screen()
        self.notice = NoticeScreen()
        self.assist = AssistScreen()
        self.contact = ContactScreen()
        self.matter = MatterScreen()
        self.time = TimeScreen()
        self.done = DoneScreen()
        self.message = MessageScreen(_tr("优先服务"), "")
        screens: list[tuple[str, QWidget]] = [
            (NAME, self.who),
            (WHAT, self.what),
            (NOTICE, self.notice),
            (ASSIST_SCREEN, self.assist),
            (CONTACT, self.contact),
            (MATTER, self.matter),
            (TIME, self.time),
            (DONE, self.done),
            (MESSAGE, self.message),
        ]
        register_built(window, screens)
        for screen in (self.contact, self.matter, self.time):
            screen.validator = self.validate
        self._portrait: bool | None = None
        self._orient()
        window.installEventFilter(self)
        self._connect()

    def _connect(self) -> None:
        for screen in (self.who, self.what, self.notice, self.assist, self.contact):
            screen.home_requested.connect(self.home_requested)
        for screen in (self.matter, self.time, self.done, self.message):
            screen.home_requested.connect(self.home_requested)
        self.who.chosen.connect(self.on_who_chosen)
        self.what.chosen.connect(self.on_what_chosen)
        self.what.back_requested.connect(self.on_what_back_requested)
        self.notice.accepted.connect(self.on_notice_accepted)
        self.notice.declined.connect(self.on_notice_declined)
        self.assist.call_requested.connect(self.on_assist_call_requested)
        self.assist.phone_requested.connect(self.on_assist_phone_requested)
        self.assist.back_requested.connect(self.on_assist_back_requested)
        self.contact.submitted.connect(self.on_contact_submitted)
        self.contact.help_requested.connect(self.on_contact_help_requested)
        self.contact.back_requested.connect(self.on_contact_back_requested)
        self.matter.search_changed.connect(self.on_matter_search_changed)
        self.matter.submitted.connect(self.on_matter_submitted)
        self.matter.back_requested.connect(lambda: self.window.show_screen(CONTACT))
        self.time.submitted.connect(self.on_time_submitted)
        self.time.back_requested.connect(lambda: self.window.show_screen(MATTER))
        self.window.screen_shown.connect(self.on_window_screen_shown)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Resize:
            self._orient()
        return False

    def _orient(self) -> None:
        portrait = self.window.width() < self.window.height()
        if portrait != self._portrait:
            self._portrait = portrait
            for screen in (self.contact, self.matter, self.time):
                screen.set_portrait(portrait)

    @property
    def ready(self) -> bool:
        """True once the flow has the kiosk's runner (:meth:`attach`)."""
        return self.tasks is not None

    def attach(self, tasks: TaskRunner) -> None:
        """Give the flow the kiosk's background runner (once the database is open)."""
        self.tasks = tasks

    def shutdown(self) -> None:
        """Stop the print runner (after the print in progress)."""
        if self.print_tasks is not None:
            self.print_tasks.shutdown()

    # -- entry ----------------------------------------------------------------------------------

    def start(self) -> None:
        """From the home screen: who needs help."""
        self.clear()
        self.menu = None
        self.window.show_screen(NAME)
        self._load_menu()

    def clear(self) -> None:
        """Forget the visitor: every field typed, every choice, the request shown."""
        self.visitor = None
        self.kind = None
        self.with_phone = False
        self._submitting = 0
        self._shown_reference = None
        self.contact.clear()
        self.matter.clear()
        self.time.clear()
        self.done.clear()
        self.assist.set_busy(False)

    def validate(self, field: str, value: str | None) -> str | None:
        """The service's as-you-go check of one field of the request being made."""
        from shared.services.priority_rules import DEFAULT_WORKDAYS, validate_field

        kind = self.kind or HOME_VISIT
        days = self.menu.working_days if self.menu else DEFAULT_WORKDAYS
        return validate_field(kind, field, value, now=self._clock(), working_days=days)

    # -- background work ------------------------------------------------------------------------

    def _load_menu(self) -> None:
        site, terminal, now = self._site_code(), self._terminal, self._clock()

        def load(session: Session) -> PriorityMenu:
            from shared.services.kiosk_priority import priority_menu

            return priority_menu(session, site=site, terminal=terminal, now=now)

        if self.tasks is None:
            self.on_menu_failed(RuntimeError("the kiosk's database is not open yet"))
            return
        self.tasks.submit(load, self.on_menu_loaded, self.on_menu_failed, write=False)

    def _load_matters(self, query: str) -> None:
        self._search_seq += 1
        seq, site = self._search_seq, self.menu.site_code if self.menu else self._site_code()

        def load(session: Session) -> tuple[MatterChoice, ...]:
            from shared.services import kiosk_priority

            if query:
                return kiosk_priority.find_matters(session, query, site=site)
            return kiosk_priority.common_matters(session, site=site)

        if self.tasks is None:
            return
        self.tasks.submit(
            load,
            lambda found: self.on_matters_loaded(seq, query, found),
            self.on_matters_failed,
            write=False,
        )

    def _submit(self, kind: str, values: dict[str, str | None]) -> None:
        if self.tasks is None or self.visitor is None or self._submitting:
            return
        self._submitting += 1
        token = self._submitting
        site = self.menu.site_code if self.menu else self._site_code()
        visitor, terminal, now = self.visitor, self._terminal, self._clock()
        self.kind = kind

        def submit(session: Session) -> SubmittedRequest:
            from shared.services.kiosk_priority import submit_request

            return submit_request(
                session,
                site=site or "",
                kind=kind,
                visitor=visitor,
                terminal=terminal,
                now=now,
                **values,
            )

        self.tasks.submit(
            submit,
            lambda made: self.on_request_made(token, made),
            lambda exc: self.on_request_failed(token, exc),
        )

    # -- slots: screens -------------------------------------------------------------------------

    def on_who_chosen(self, visitor: str) -> None:
        """Who needs help: on to what help."""
        self.visitor = visitor
        self.what.set_subtitle(
            _tr("为{who}提供优先服务").format(who=_tr(VISITOR_NAMES.get(visitor, "")))
        )
        self.window.show_screen(WHAT)

    def on_what_chosen(self, kind: str) -> None:
        """What help: the green channel's 取号, the assistant, or the home-visit notice."""
        self.kind = kind
        if kind == GREEN:
            self._start_green_channel()
        elif kind == ASSIST:
            self._show_assist()
        else:
            self.notice.set_kind(HOME_VISIT)
            self.window.show_screen(NOTICE)

    def on_what_back_requested(self) -> None:
        """Back to who needs help."""
        self.window.show_screen(NAME)

    def on_notice_accepted(self) -> None:
        """同意并继续: the form (the full one, or only the phone for 帮办代办)."""
        phone_only = self.kind == ASSIST
        self.contact.clear()
        self.contact.set_mode(phone_only)
        self.window.show_screen(CONTACT)
        if not phone_only:
            # Warms the catalog index while the visitor types (its first build is slow).
            self._load_matters("")

    def on_notice_declined(self) -> None:
        """不同意，返回: nothing was taken; back to the choices."""
        self.with_phone = False
        self.window.show_screen(ASSIST_SCREEN if self.kind == ASSIST else WHAT)

    def on_assist_call_requested(self) -> None:
        """呼叫工作人员 without a phone number."""
        self.assist.set_busy(True)
        self._submit(ASSIST, {})

    def on_assist_phone_requested(self) -> None:
        """留下手机号: the notice first."""
        self.with_phone = True
        self.notice.set_kind(ASSIST)
        self.window.show_screen(NOTICE)

    def on_assist_back_requested(self) -> None:
        """Back to the choices."""
        self.window.show_screen(WHAT)

    def on_contact_submitted(self) -> None:
        """下一步 (home visit: the matter) or 呼叫工作人员 with the phone (帮办代办)."""
        if self.kind == ASSIST:
            self.contact.set_busy(True)
            self._submit(ASSIST, {"phone": self.contact.phone.edit.text()})
            return
        self.window.show_screen(MATTER)
        if not self.matter.choices.buttons and self.common:
            self.matter.set_matters(self.common)

    def on_contact_help_requested(self) -> None:
        """不方便输入: an assistant comes to the kiosk instead; what was typed is dropped."""
        self.contact.clear()
        self.matter.clear()
        self.kind = ASSIST
        self._show_assist()

    def on_contact_back_requested(self) -> None:
        """Back past the form: what was typed is forgotten."""
        self.contact.clear()
        self.matter.clear()
        self.time.clear()
        self.window.show_screen(ASSIST_SCREEN if self.kind == ASSIST else WHAT)

    def on_matter_search_changed(self, text: str) -> None:
        """Search as the visitor types (an empty search shows the common matters)."""
        query = text.strip()
        if not query and self.common:
            self._search_seq += 1
            self.matter.set_matters(self.common)
            return
        self._load_matters(query)

    def on_matter_submitted(self) -> None:
        """The matter is chosen: the day and half-day."""
        if self.menu is not None and not self.time.days.buttons:
            self.time.set_days(self.menu.days)
        self.time.set_summary(_tr("上门办理：{name}").format(name=self.matter.chosen_name()))
        self.window.show_screen(TIME)

    def on_time_submitted(self) -> None:
        """提交申请: the one request, with everything."""
        values: dict[str, str | None] = {
            **self.contact.values(),
            "matter": self.matter.chosen(),
            "preferred": self.time.preferred(),
        }
        self.time.set_busy(True)
        self._submit(HOME_VISIT, values)

    def on_window_screen_shown(self, name: str) -> None:
        """Leaving the flow (home, idle time-out, the 取号 screens) forgets the visitor."""
        if name not in SCREENS and (self.visitor is not None or self.contact.values()):
            self.clear()

    # -- slots: background results --------------------------------------------------------------

    def on_menu_loaded(self, menu: PriorityMenu) -> None:
        """Know where this kiosk stands; 帮办代办 only where and when an assistant can come."""
        self.menu = menu
        can_come = menu.location is not None and menu.is_open
        self.what.tiles[ASSIST].setVisible(can_come)
        if not menu.is_open:
            note = _tr("现在不是办公时间，工作人员不在大厅；您可以预约上门服务。")
        elif menu.location is None:
            note = _tr("需要工作人员现场帮忙，请到服务台。")
        else:
            note = ""
        self.what.set_note(note)
        self.menu_loaded.emit(menu)

    def on_menu_failed(self, exc: BaseException) -> None:
        """Nothing can be asked for now: say so plainly (the way home stays)."""
        log.warning("kiosk priority menu unavailable: %s", type(exc).__name__)
        if self.window.current_name in SCREENS:
            self._show_message(
                self.desk_help().say(
                    _tr("优先服务暂时无法使用，请到服务台，工作人员会优先为您办理。"),
                    _tr("优先服务暂时无法使用，请拨打 {hotline} 政务服务便民热线求助。"),
                )
            )

    def on_matters_loaded(self, seq: int, query: str, found: tuple[MatterChoice, ...]) -> None:
        """Show the newest answer only (typing outruns the worker)."""
        if not query:
            self.common = found
        if seq != self._search_seq:
            return
        self.matter.set_matters(found, query)
        self.matters_loaded.emit(found)

    def on_matters_failed(self, exc: BaseException) -> None:
        """The catalog could not be searched: say so under the list."""
        log.warning("kiosk matter search failed: %s", type(exc).__name__)
        self.matter.show_error(
            self.desk_help().say(
                _tr("暂时无法查询事项，请稍后再试，或请工作人员帮忙。"),
                _tr("暂时无法查询事项，请稍后再试，或拨打 {hotline} 政务服务便民热线。"),
            )
        )

    def on_request_made(self, token: int, made: SubmittedRequest) -> None:
        """Stored: forget what was typed, show the reference, print the slip."""
        if token != self._submitting:
            return
        self._submitting = 0
        request = made.request
        log.info("kiosk priority request %s made (%s)", request.reference, request.kind)
        if self.window.current_name not in SCREENS:
            return  # the visitor left (idle time-out); the request stands, staff see it
        self.contact.clear()
        self.matter.clear()
        self.time.clear()
        self.assist.set_busy(False)
        contact = "  ".join(
            part
            for part in (
                request.masked_name,
                request.masked_phone,
                request.masked_address,
            )
            if part
        )
        self._shown_reference = request.reference
        self.done.set_request(
            request.reference,
            _tr("{kind} · {who}").format(kind=request.kind_label, who=request.visitor_label),
            made.next_step,
            contact,
        )
        self.window.show_screen(DONE)
        self.request_submitted.emit(made)
        self._print(made)

    def on_request_failed(self, token: int, exc: BaseException) -> None:
        """Refused: back to the field with its message; a database error: try again."""
        if token != self._submitting:
            return
        self._submitting = 0
        self.assist.set_busy(False)
        self.contact.set_busy(False)
        self.time.set_busy(False)
        errors: dict[str, str] = getattr(exc, "errors", {})
        if errors:
            log.info("kiosk priority request refused: %s", ", ".join(errors))
            self._show_field_errors(errors)
            return
        if isinstance(exc, HallError):
            log.info("kiosk priority request refused: %s", type(exc).__name__)
            self._show_message(exc.message_zh)
            return
        log.warning("kiosk priority request failed: %s", type(exc).__name__)
        retry = self.desk_help().say(
            _tr("系统暂时无法提交，请再点一次，或到服务台求助。"),
            _tr("系统暂时无法提交，请再点一次，或拨打 {hotline} 热线求助。"),
        )
        if self.window.current_name == TIME:
            self.time.show_error(retry)
        elif self.window.current_name == CONTACT:
            self.contact.phone.show(retry)
        else:
            self.assist.show_error(retry)

    def on_printed(self, reference: str, error: PrintError | None) -> None:
        """Say how printing went, for the request still on screen."""
        if reference != self._shown_reference:
            return
        if error is None:
            self.done.show_printed()
        else:
            self.done.show_not_printed(self._printer_missing)
        self.print_finished.emit(error)

    # -- helpers --------------------------------------------------------------------------------

    def _start_green_channel(self) -> None:
        from kiosk.screens.ticket import issue_green_ticket

        self._ticket_flow().start(priority=self.visitor, issue=issue_green_ticket)

    def _show_assist(self) -> None:
        if self.menu is None or self.menu.location is None:
            self._show_message(
                self.desk_help().say(
                    _tr("本机无法呼叫工作人员，请到服务台，工作人员会优先为您办理。"),
                    _tr("现在服务台无人值守，请拨打 {hotline} 政务服务便民热线，或预约上门服务。"),
                )
            )
            return
        self.assist.set_place(self.menu.location, self.menu.response_minutes)
        self.window.show_screen(ASSIST_SCREEN)

    def _show_field_errors(self, errors: dict[str, str]) -> None:
        field = next(iter(errors))
        target = FIELD_SCREENS.get(field)
        if target == CONTACT:
            self.contact.show_errors(errors)
        elif target == MATTER:
            self.matter.show_error(errors[field])
        elif field == "preferred":
            self.time.show_error(errors[field])
            target = TIME
        else:
            self._show_message(errors[field])
            return
        self.window.show_screen(target)

    def _print(self, made: SubmittedRequest) -> None:
        from shared.qt.printing import print_receipt_in_background
        from shared.rendering.priority_slip import priority_slip_layout

        reference = made.request.reference
        printer = self._printer()
        self._printer_missing = printer is None
        if printer is None:
            self.on_printed(reference, _no_printer_error())
            return
        if self.print_tasks is None:
            self.print_tasks = TaskRunner(None, parent=self)
        print_receipt_in_background(
            self.print_tasks,
            printer,
            priority_slip_layout(made.slip),
            made.slip.file_name,
            lambda error: self.on_printed(reference, error),
        )

    def _printer(self) -> Any:
        config = self.menu.printer if self.menu else {}
        make = self.printer_factory
        if make is None:
            from shared.qt.printing import qt_printer_from_config

            make = qt_printer_from_config
        try:
            return make(config)
        except HallError as exc:
            log.warning("terminal %s printer settings unusable: %s", self._terminal, exc)
            return _Unusable(exc)

    def _show_message(self, message: str, detail: str = "") -> None:
        self.message.set_message(message, detail)
        self.window.show_screen(MESSAGE)


class _Unusable:
    """Stands in for a printer whose settings are wrong: every print fails with the reason."""

    def __init__(self, error: HallError) -> None:
        self.error = error

    def describe(self) -> str:
        return f"unusable printer settings: {self.error}"

    def print_receipt(self, _elements: object, _name: str) -> None:
        from shared.printing import PrintError

        raise PrintError(str(self.error), self.error.message_zh)


def _no_printer_error() -> PrintError:
    from shared.printing import PrintError

    return PrintError("this kiosk has no printer")
