"""取号台: guides issue and print a ticket for a visitor, reprint it, or cancel it.

The same allocator as the kiosk (:func:`shared.services.desk.issue_at_desk`, channel
``desk``), one request key per click of 取号. Printing goes through the terminal's own printer
(``--terminal``, default ``desk-01``) off the GUI thread; a terminal without a printer says so
and still shows the number. The queue buttons, today's list and the print-failed alerts
follow the change feed, so a ticket issued or a print failing on any terminal shows here
within a second.

The widgets and layout live in :mod:`reception.modules.ticket_desk_view`; this module wires
them to the services and runs the background operations.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QMessageBox,
    QPushButton,
    QWidget,
)

from reception.callbacks import guarded
from reception.errors import user_message
from reception.modules import DEFAULT_TERMINAL
from reception.modules.ticket_desk_view import DeskView, PrintAlert
from reception.modules.ticket_labels import (
    PRINT_LABELS,
    PRIORITY_LABELS,
    STATE_LABELS,
    label,
    set_role,
    show_message,
    wait_range_text,
)
from reception.registry import ModuleContext
from shared.changes import ChangeRecord, touches
from shared.clock import to_local
from shared.printing import TicketPrinter
from shared.qt.printing import PrintOutcome, print_in_background, qt_printer_from_config
from shared.qt.tables import KIND_PICTOGRAMS, Cell, Row, time_cell
from shared.services import calling
from shared.services.calling import QueueStatus
from shared.services.desk import (
    OVERRIDE_ROLES,
    DeskState,
    DeskTicket,
    IssuedSlip,
    desk_state,
    desk_ticket,
    issue_at_desk_in,
    reprint_slip,
    resolve_site,
    terminal_printer_config,
)
from shared.services.tickets import TicketView

log = logging.getLogger(__name__)

KEY = "ticket_desk"
MAX_ALERTS = 3
QUEUE_COLUMNS = 4
#: How a ticket's state reads in the list: in progress at a window, or over.
ACTIVE_STATES = ("called", "serving")
CLOSED_STATES = ("done", "no_show", "cancelled", "transferred")

PrinterFactory = Callable[[Mapping[str, Any] | None], TicketPrinter | None]


def desk_issue(
    context: ModuleContext,
    site: str | None,
    queue: str,
    *,
    priority: str | None = None,
    matter: str | None = None,
    override: bool = False,
) -> Callable[[], IssuedSlip]:
    """The desk's issue operation for the background runner: one call, one ticket.

    The 取号台 and 办事指南查询 (为群众取号) issue through it, so both use the same request
    key scheme (a retry cannot double a ticket), the staff member's roles for the hours
    override, and the ``desk`` channel. The operation opens its own transactions (submit it
    with ``with_session=False``), so the write lock is held only for the allocation.
    """
    key = f"desk-{uuid.uuid4().hex}"
    staff, factory, read_factory = context.staff, context.runner.factory, context.read_factory
    assert factory is not None

    def run() -> IssuedSlip:
        return issue_at_desk_in(
            factory,
            read_factory,
            site=site,
            queue=queue,
            request_key=key,
            roles=staff.roles,
            priority=priority,
            matter=matter,
            override_hours=override,
            staff_id=staff.id,
        )

    return run


class DeskPage(DeskView):
    """The 取号台 page.

    Args:
        context: the console session.
        terminal: this console's terminal code; its ``printer`` settings are used.
        printer_factory: builds a printer from those settings (tests pass their own).

    Signals:
        state_loaded(object): a :class:`DeskState` was shown.
        printer_ready(object): the terminal's printer (or ``None``) is known.
        ticket_issued(object): a :class:`TicketView` was issued here.
        issue_failed(str): issuing was refused; the message shown.
        print_finished(object): a :class:`PrintOutcome` (issue or reprint).
        ticket_cancelled(str): the number of a ticket cancelled here.
        alert_shown(str): the number of a ticket whose print-failed alert appeared.
    """

    state_loaded = Signal(object)
    printer_ready = Signal(object)
    ticket_issued = Signal(object)
    issue_failed = Signal(str)
    print_finished = Signal(object)
    ticket_cancelled = Signal(str)
    alert_shown = Signal(str)

    def __init__(
        self,
        context: ModuleContext,
        terminal: str = DEFAULT_TERMINAL,
        printer_factory: PrinterFactory = qt_printer_from_config,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(not OVERRIDE_ROLES.isdisjoint(context.staff.roles), parent)
        self.setObjectName(f"module_{KEY}")
        self._context = context
        self._terminal = terminal
        self._printer_factory = printer_factory
        self.printer: TicketPrinter | None = None
        self.state: DeskState | None = None
        self._site = context.site_code
        self._loading = False
        self._stale = False
        self._issuing = False
        self._queue_buttons: dict[str, QPushButton] = {}
        self.alerts: dict[uuid.UUID, PrintAlert] = {}
        self._pending_cancel: DeskTicket | None = None

        self.issue_button.clicked.connect(self.on_issue_clicked)
        self.reprint_button.clicked.connect(self.on_reprint_clicked)
        self.cancel_button.clicked.connect(self.on_cancel_clicked)
        self.refresh_button.clicked.connect(self.on_refresh_clicked)
        self.table.itemSelectionChanged.connect(self.on_table_selection_changed)
        self.cancel_box.finished.connect(self.on_cancel_box_finished)
        context.hub.changes_arrived.connect(self.on_changes_arrived)

        context.runner.submit(
            lambda session: terminal_printer_config(session, terminal),
            guarded(self, self.on_printer_config_ready),
            guarded(self, self.on_printer_config_failed),
            write=False,
        )
        self.reload()

    # -- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read queues and today's tickets in the background (again afterwards if asked
        meanwhile)."""
        if self._loading:
            self._stale = True
            return
        self._loading = True
        site = self._site
        self._context.runner.submit(
            lambda session: desk_state(session, site=site),
            guarded(self, self.on_state_ready),
            guarded(self, self.on_state_failed),
            write=False,
        )

    def _finish_load(self) -> None:
        self._loading = False
        if self._stale:
            self._stale = False
            self.reload()

    def on_state_ready(self, state: DeskState) -> None:
        self._finish_load()
        self.state = state
        self.queue_loading.hide()
        self._site = state.site_code
        self._show_queues(state.queues)
        self._show_hall(state)
        self._show_tickets(state.tickets)
        self.state_loaded.emit(state)

    def on_state_failed(self, exc: BaseException) -> None:
        self._finish_load()
        message = user_message(exc, "desk_state")
        self._show_message(message)
        if self.state is None:  # nothing read yet: say so where the data would be
            self.queue_loading.show_message(self.tr("未能读取业务，请点“刷新”重试。"))
            self.table.set_loading(False)

    def on_printer_config_ready(self, config: dict[str, Any] | None) -> None:
        try:
            self.printer = self._printer_factory(config)
        except Exception as exc:
            self.printer = None
            self.printer_label.setText(
                self.tr("打印机设置有误（{terminal}）：{reason}").format(
                    terminal=self._terminal, reason=user_message(exc, "printer_config")
                )
            )
            self._warn_if_no_printer(self.tr("本机打印机设置有误，号票打不出来"))
            self.printer_ready.emit(self.printer)
            return
        else:
            if config is None:
                text = self.tr("未配置打印机：找不到终端 {terminal}").format(
                    terminal=self._terminal
                )
            elif self.printer is None:
                text = self.tr("未配置打印机（{terminal}）").format(terminal=self._terminal)
            else:
                text = self.tr("打印机：{terminal}").format(terminal=self._terminal)
            self.printer_label.setText(text)
        self._warn_if_no_printer(self.tr("本机未配置打印机，号票打不出来"))
        self.printer_ready.emit(self.printer)

    def on_printer_config_failed(self, exc: BaseException) -> None:
        self.printer_label.setText(user_message(exc, "printer_config"))
        self._warn_if_no_printer(self.tr("读不到本机的打印机设置，号票可能打不出来"))
        self.printer_ready.emit(None)

    def _warn_if_no_printer(self, what: str) -> None:
        """Say plainly, before the first 取号, that slips will not print here (issue #19);
        the small printer line stays for a printer that works."""
        if self.printer is not None:
            self.printer_warning.hide()
            self.printer_label.show()
            return
        self.printer_label.hide()
        self.printer_warning.show_text(
            self.tr(
                "{what}：取号后请把号码告诉群众。请管理员在“管理 › 终端与打印机”设置 {terminal}。"
            ).format(what=what, terminal=self._terminal)
        )

    def _show_hall(self, state: DeskState) -> None:
        if state.hall_open:
            self.hall_label.setText(self.tr("{site} · 办理中").format(site=state.site_name))
            set_role(self.hall_label, "muted")
            return
        when = (
            to_local(state.next_opening).strftime("%m月%d日 %H:%M")
            if state.next_opening
            else self.tr("另行通知")
        )
        text = self.tr("现在不是办理时间，下次开放：{when}").format(when=when)
        if self.override.isVisible():
            text += self.tr("。如需取号请勾选“非办理时间强制取号”。")
        self.hall_label.setText(text)
        set_role(self.hall_label, "notice")

    def _show_queues(self, queues: list[QueueStatus]) -> None:
        prefixes = [q.prefix for q in queues]
        if prefixes != list(self._queue_buttons):
            checked = self.selected_queue()
            for button in self._queue_buttons.values():
                self.queue_group.removeButton(button)
                button.deleteLater()
            self._queue_buttons.clear()
            for index, status in enumerate(queues):
                button = QPushButton()
                button.setObjectName(f"desk_queue_{status.prefix}")
                button.setProperty("role", "choice")
                button.setCheckable(True)
                button.setProperty("prefix", status.prefix)
                self.queue_group.addButton(button)
                self.queue_grid.addWidget(button, index // QUEUE_COLUMNS, index % QUEUE_COLUMNS)
                self._queue_buttons[status.prefix] = button
                if status.prefix == checked:
                    button.setChecked(True)
        for status in queues:
            button = self._queue_buttons[status.prefix]
            text = f"{status.prefix}  {status.name}\n{wait_range_text(status)}"
            button.setText(text)
            button.setAccessibleName(text.replace("\n", "，"))

    def _show_tickets(self, tickets: list[DeskTicket]) -> None:
        self.table.set_rows([self._ticket_row(ticket) for ticket in tickets])
        waiting = sum(1 for t in tickets if t.state == "issued")
        self.summary.setText(
            self.tr("共 {count} 张，等候 {waiting} 张").format(count=len(tickets), waiting=waiting)
        )
        self.on_table_selection_changed()

    def _ticket_row(self, ticket: DeskTicket) -> Row:
        """One ticket as a row: its kind and urgency come from the read model."""
        priority = label(PRIORITY_LABELS, ticket.priority)
        state_tone = "active" if ticket.state in ACTIVE_STATES else None
        printed = label(PRINT_LABELS, ticket.print_state)
        window = ticket.window_number
        cells = (
            Cell(ticket.number, sort=(ticket.queue_prefix, len(ticket.number), ticket.number)),
            ticket.queue_name,
            Cell(
                priority,
                tone="priority",
                icon=KIND_PICTOGRAMS.get(ticket.priority),
                spoken=self.tr("{kind}优先").format(kind=priority),
            )
            if ticket.priority
            else "",
            Cell(label(STATE_LABELS, ticket.state), tone=state_tone),
            Cell(printed, tone="urgent", spoken=self.tr("打印失败，请补打"))
            if ticket.needs_reprint
            else printed,
            time_cell(ticket.issued_at),
            Cell(self.tr("{n}号").format(n=window), sort=window) if window else "",
        )
        closed = ticket.state in CLOSED_STATES
        tone = "urgent" if ticket.needs_reprint else "muted" if closed else None
        return Row(ticket.id, cells, data=ticket, urgency=ticket.urgency, tone=tone)

    # -- reading the page ------------------------------------------------------------------

    def selected_queue(self) -> str | None:
        """The prefix of the queue chosen, if any."""
        button = self.queue_group.checkedButton()
        return str(button.property("prefix")) if button is not None else None

    def queue_button(self, prefix: str) -> QPushButton:
        """The button of queue ``prefix``."""
        return self._queue_buttons[prefix]

    def selected_ticket(self) -> DeskTicket | None:
        """The ticket of the selected row, if any."""
        ticket = self.table.selected_data()
        return ticket if isinstance(ticket, DeskTicket) else None

    def _row_number(self, number: str) -> int:
        for row in range(self.table.rowCount()):
            if self.table.texts(row)[0] == number:
                return row
        raise KeyError(number)

    def select_number(self, number: str) -> None:
        """Select the row of ticket ``number`` in today's list (as a click would)."""
        self.table.selectRow(self._row_number(number))

    def ticket_numbers(self) -> list[str]:
        """The numbers in today's list, in the order shown (newest first unless sorted)."""
        return [self.table.texts(r)[0] for r in range(self.table.rowCount())]

    def row_of(self, number: str) -> list[str]:
        """The cells of ticket ``number`` in today's list."""
        return self.table.texts(self._row_number(number))

    # -- issuing ---------------------------------------------------------------------------

    @Slot()
    def on_issue_clicked(self) -> None:
        if self._issuing:
            return
        prefix = self.selected_queue()
        if prefix is None:
            self._show_message(self.tr("请先选择业务。"))
            return
        self.message.hide()
        self._issuing = True
        self.issue_button.setEnabled(False)
        self.issue_button.setText(self.tr("正在取号…"))
        run = desk_issue(
            self._context,
            self._site,
            prefix,
            priority=self.priority.currentData(),
            matter=self.matter.text().strip() or None,
            override=self.override.isVisible() and self.override.isChecked(),
        )
        self._context.runner.submit(
            run,
            guarded(self, self.on_ticket_issued),
            guarded(self, self.on_issue_failed),
            with_session=False,
        )

    def _issue_done(self) -> None:
        self._issuing = False
        self.issue_button.setEnabled(True)
        self.issue_button.setText(self.tr("取号"))

    def on_ticket_issued(self, issued: IssuedSlip) -> None:
        self._issue_done()
        ticket = issued.ticket
        self._show_ticket(ticket)
        self.override.setChecked(False)
        self.matter.clear()
        self.priority.setCurrentIndex(0)
        self.ticket_issued.emit(ticket)
        self._print(issued)
        self.reload()

    def on_issue_failed(self, exc: BaseException) -> None:
        self._issue_done()
        message = user_message(exc, "issue_ticket")
        self._show_message(message)
        self.issue_failed.emit(message)

    def _show_ticket(self, ticket: TicketView) -> None:
        self.number_label.setText(ticket.number)
        parts = [ticket.queue_name]
        if ticket.priority:
            parts.append(self.tr("{kind}优先").format(kind=label(PRIORITY_LABELS, ticket.priority)))
        parts.append(self.tr("前面 {n} 人").format(n=ticket.people_ahead))
        if ticket.matter_name:
            parts.append(ticket.matter_name)
        self.detail_label.setText(" · ".join(parts))
        self.left_scroll.ensureWidgetVisible(self.result_card)  # on a short screen too

    # -- printing --------------------------------------------------------------------------

    def _print(self, issued: IssuedSlip) -> None:
        number = issued.ticket.number
        if self.printer is None:
            text = self.tr("未配置打印机，请告知群众号码 {number}。").format(number=number)
            self.print_label.setText(text)
            set_role(self.print_label, "notice")
            self.print_finished.emit(PrintOutcome(issued.ticket.id, number, False, False, text))
            return
        self.print_label.setText(self.tr("正在打印 {number}…").format(number=number))
        set_role(self.print_label, "muted")
        print_in_background(
            self._context.runner,
            self.printer,
            issued.slip,
            issued.ticket.id,
            guarded(self, self.on_print_done),
        )

    def on_print_done(self, outcome: PrintOutcome) -> None:
        if outcome.printed:
            self.print_label.setText(self.tr("{number} 已打印。").format(number=outcome.number))
            set_role(self.print_label, "ok")
            self._remove_alert(outcome.ticket_id)
        else:
            self.print_label.setText(
                self.tr("{number} 打印失败：{reason}").format(
                    number=outcome.number, reason=outcome.message_zh or ""
                )
            )
            set_role(self.print_label, "error")
        self.print_finished.emit(outcome)

    def reprint(self, ticket_id: uuid.UUID) -> None:
        """补打: print ticket ``ticket_id`` again, with the same number and QR code."""
        self.message.hide()
        self._context.runner.submit(
            lambda session: reprint_slip(session, ticket_id),
            guarded(self, self.on_reprint_ready),
            guarded(self, self.on_action_failed),
        )

    def on_reprint_ready(self, issued: IssuedSlip) -> None:
        self._show_ticket(issued.ticket)
        self._print(issued)

    @Slot()
    def on_reprint_clicked(self) -> None:
        ticket = self.selected_ticket()
        if ticket is not None:
            self.reprint(ticket.id)

    # -- cancelling ------------------------------------------------------------------------

    @Slot()
    def on_cancel_clicked(self) -> None:
        ticket = self.selected_ticket()
        if ticket is None or not ticket.cancellable:
            return
        self._pending_cancel = ticket
        self.cancel_box.setText(
            self.tr("确定取消号票 {number}（{queue}）吗？取消后该号码不再叫号。").format(
                number=ticket.number, queue=ticket.queue_name
            )
        )
        self.cancel_box.open()  # window-modal, never blocks the event loop

    @Slot(int)
    def on_cancel_box_finished(self, result: int) -> None:
        ticket, self._pending_cancel = self._pending_cancel, None
        if ticket is None or result != QMessageBox.StandardButton.Yes.value:
            return
        staff_id = self._context.staff.id
        site = self._site
        number = ticket.number

        def run(session: Any) -> TicketView:
            return calling.cancel(
                session, site=resolve_site(session, site), number=number, staff_id=staff_id
            )

        self._context.runner.submit(
            run, guarded(self, self.on_cancelled), guarded(self, self.on_action_failed)
        )

    def on_cancelled(self, ticket: TicketView) -> None:
        self._show_message(self.tr("号票 {number} 已取消。").format(number=ticket.number), ok=True)
        self._remove_alert(ticket.id)
        self.ticket_cancelled.emit(ticket.number)
        self.reload()

    def on_action_failed(self, exc: BaseException) -> None:
        self._show_message(user_message(exc, "desk_action"))

    # -- the change feed and print-failed alerts -------------------------------------------

    @Slot(list)
    def on_changes_arrived(self, batch: list[ChangeRecord]) -> None:
        tickets = [r for r in batch if r.kind == "ticket"]
        if not tickets:
            if touches(batch, "window"):
                self.reload()  # a window opened or closed: the waits changed (issue #9)
            return
        for record in tickets:
            try:
                ticket_id = uuid.UUID(record.entity_id)
            except ValueError:
                continue
            if record.action == "print_failed":
                self._context.runner.submit(
                    lambda session, i=ticket_id: desk_ticket(session, i),
                    guarded(self, self.on_failed_ticket_ready),
                    guarded(self, lambda exc: log.warning("alert: %s", type(exc).__name__)),
                    write=False,
                )
            elif record.action in ("printed", "cancelled", "done", "transferred"):
                self._remove_alert(ticket_id)
        self.reload()

    def on_failed_ticket_ready(self, ticket: DeskTicket | None) -> None:
        if ticket is None or ticket.print_state != "print_failed":
            return
        if not ticket.reprintable or ticket.id in self.alerts:
            return
        while len(self.alerts) >= MAX_ALERTS:
            self._remove_alert(next(iter(self.alerts)))
        alert = PrintAlert(ticket)
        alert.reprint_requested.connect(self.on_alert_reprint_requested)
        alert.dismissed.connect(self.on_alert_dismissed)
        self.alerts[ticket.id] = alert
        self.alert_box.insertWidget(0, alert)
        alert.show()
        self.alert_shown.emit(ticket.number)

    @Slot(object)
    def on_alert_reprint_requested(self, ticket_id: uuid.UUID) -> None:
        self.reprint(ticket_id)

    @Slot(object)
    def on_alert_dismissed(self, ticket_id: uuid.UUID) -> None:
        self._remove_alert(ticket_id)

    def _remove_alert(self, ticket_id: uuid.UUID) -> None:
        alert = self.alerts.pop(ticket_id, None)
        if alert is not None:
            self.alert_box.removeWidget(alert)
            alert.hide()
            alert.deleteLater()

    # -- small things ----------------------------------------------------------------------

    @Slot()
    def on_refresh_clicked(self) -> None:
        self.reload()

    @Slot()
    def on_table_selection_changed(self) -> None:
        ticket = self.selected_ticket()
        self.reprint_button.setEnabled(ticket is not None and ticket.reprintable)
        self.cancel_button.setEnabled(ticket is not None and ticket.cancellable)

    def _show_message(self, text: str, ok: bool = False) -> None:
        show_message(self.message, text, ok)
