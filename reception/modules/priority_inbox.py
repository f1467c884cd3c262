"""优先服务: the assistants' live inbox of priority requests from kiosks and desks.

A request made on any terminal shows within a second (the change feed, kind
``priority_request``), with a beep and an alert banner. Staff accept (接单), assign to an
assistant (指派), add notes (备注), finish (办结) and cancel (取消, after a confirmation).
Waiting time ticks every second and a request not taken within the configured limit is
flagged overdue (red text and a warning pictogram with an accessible name); the most urgent
request is selected when staff have not chosen one (issue #19). When a request becomes
overdue comes from the read model (``RequestView.overdue_at``), not from this page. Names and phone
numbers are masked; 查看联系方式 shows them in a dialog and the service audits the reveal.

All database work goes through the console's :class:`~shared.qt.tasks.TaskRunner` and the
domain services in :mod:`shared.services.priority`; the page only shows plain data. Dialogs
open with ``open()`` (window-modal, not blocking), so tests drive them like staff would.
The widgets and layout live in :mod:`reception.modules.priority_inbox_view`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QMessageBox,
    QPushButton,
    QWidget,
)
from sqlalchemy.orm import Session

from reception.callbacks import guarded
from reception.errors import user_message
from reception.i18n import QT_TRANSLATE_NOOP
from reception.modules.priority_dialogs import AssignDialog, ContactDialog, NoteDialog
from reception.modules.priority_inbox_view import PriorityInboxView
from reception.registry import ModuleContext
from shared.changes import ChangeRecord, touches
from shared.clock import to_local, utcnow
from shared.errors import NotFound
from shared.qt.tables import KIND_PICTOGRAMS, Cell, Row, duration_cell, duration_text
from shared.services import priority
from shared.services.priority import Assistant, Contact, NoteView, RequestView

log = logging.getLogger(__name__)

KEY = "priority"
CHANGE_KIND = "priority_request"
TICK_MS = 1000

#: Which buttons a request's state allows.
ALLOWED: dict[str, frozenset[str]] = {
    "new": frozenset({"accept", "assign", "note", "cancel"}),
    "accepted": frozenset({"assign", "note", "finish", "cancel"}),
    "done": frozenset({"note"}),
    "cancelled": frozenset({"note"}),
}
ACTION_DONE = {
    "accept": QT_TRANSLATE_NOOP("PriorityInboxPage", "已接单"),
    "assign": QT_TRANSLATE_NOOP("PriorityInboxPage", "已指派"),
    "note": QT_TRANSLATE_NOOP("PriorityInboxPage", "已添加备注"),
    "finish": QT_TRANSLATE_NOOP("PriorityInboxPage", "已办结"),
    "cancel": QT_TRANSLATE_NOOP("PriorityInboxPage", "已取消"),
}


# -- background operations (plain functions of a session; no widget is touched) -------------


@dataclass(frozen=True)
class InboxData:
    """One load of the inbox: the rows, and requests to alert about."""

    rows: list[RequestView]
    fresh: list[RequestView]


def load_inbox(
    site: str | None, states: Sequence[str] | None, kind: str | None, fresh: Sequence[str]
) -> Callable[[Session], InboxData]:
    """An operation reading the filtered list and the newly created requests (any filter)."""

    def run(session: Session) -> InboxData:
        rows = priority.list_requests(session, site=site, states=states, kind=kind)
        new: list[RequestView] = []
        for request_id in fresh:
            try:
                view = priority.get_request(session, uuid.UUID(request_id))
            except (ValueError, NotFound):
                continue
            if site is None or view.site_code == site:
                new.append(view)
        return InboxData(rows, new)

    return run


#: How a waiting time reads (one format for every table: :func:`shared.qt.tables.duration_text`).
format_wait = duration_text


# -- the page -------------------------------------------------------------------------------


class PriorityInboxPage(PriorityInboxView):
    """The live inbox.

    Signals:
        requests_loaded(int): the list was (re)loaded with this many rows.
        request_alerted(str): a new request arrived (its reference); banner shown, beeped.
        action_done(str, str): an action (``accept``, ``assign``, ``note``, ``finish``,
            ``cancel``) succeeded on the request with this reference.
        action_failed(str): an action or a load failed; the Chinese message shown.
        contact_revealed(str): a contact was revealed (reference) and its dialog shown.
    """

    requests_loaded = Signal(int)
    request_alerted = Signal(str)
    action_done = Signal(str, str)
    action_failed = Signal(str)
    contact_revealed = Signal(str)

    def __init__(self, context: ModuleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"module_{KEY}")
        self._context = context
        self._rows: list[RequestView] = []
        self._fresh: list[str] = []
        self._loading = False
        self._stale = False
        self.assign_dialog: AssignDialog | None = None
        self.note_dialog: NoteDialog | None = None
        self.contact_dialog: ContactDialog | None = None
        self.cancel_box: QMessageBox | None = None

        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)

        self.refresh_button.clicked.connect(self.on_refresh_clicked)
        self.alert_dismiss.clicked.connect(self.on_alert_dismissed)
        self.state_filter.currentIndexChanged.connect(self.on_filter_changed)
        self.kind_filter.currentIndexChanged.connect(self.on_filter_changed)
        self.table.itemSelectionChanged.connect(self.on_selection_changed)
        self.buttons["accept"].clicked.connect(self.on_accept_clicked)
        self.buttons["assign"].clicked.connect(self.on_assign_clicked)
        self.buttons["note"].clicked.connect(self.on_note_clicked)
        self.buttons["finish"].clicked.connect(self.on_finish_clicked)
        self.buttons["cancel"].clicked.connect(self.on_cancel_clicked)
        self.buttons["reveal"].clicked.connect(self.on_reveal_clicked)
        self._tick.timeout.connect(self.on_tick_timeout)
        context.hub.changes_arrived.connect(self.on_changes_arrived)
        self._tick.start()
        self.reload()

    # -- reading ---------------------------------------------------------------------------

    @property
    def rows(self) -> list[RequestView]:
        """The requests shown, in inbox order."""
        return list(self._rows)

    def reload(self) -> None:
        """Read the list in the background (once more afterwards if asked meanwhile)."""
        if self._loading:
            self._stale = True
            return
        self._loading = True
        fresh, self._fresh = self._fresh, []
        self._context.runner.submit(
            load_inbox(
                self._context.site_code,
                self.state_filter.currentData(),
                self.kind_filter.currentData(),
                fresh,
            ),
            guarded(self, self.on_inbox_ready),
            guarded(self, self.on_inbox_failed),
            write=False,
        )

    @Slot(list)
    def on_changes_arrived(self, batch: list[ChangeRecord]) -> None:
        ours = [record for record in batch if record.kind == CHANGE_KIND]
        if not ours and not touches(batch, CHANGE_KIND):  # a resync reloads too
            return
        self._fresh += [r.entity_id for r in ours if r.action == "created"]
        self.reload()

    def on_inbox_ready(self, data: InboxData) -> None:
        self._finish_load()
        self.error.hide()
        self._rows = data.rows
        self._render()
        if data.fresh:
            self._alert(data.fresh)
        self.requests_loaded.emit(len(self._rows))

    def on_inbox_failed(self, exc: BaseException) -> None:
        self._finish_load()
        self._show_error(user_message(exc, "priority_inbox"))

    def _finish_load(self) -> None:
        self._loading = False
        if self._stale:
            self._stale = False
            self.reload()

    def _alert(self, fresh: list[RequestView]) -> None:
        newest = fresh[-1]
        where = newest.location or newest.preferred_text
        text = self.tr("新的优先服务请求：{ref} {kind}（{visitor}）").format(
            ref=newest.reference, kind=newest.kind_label, visitor=newest.visitor_label
        )
        if where:
            text += f" · {where}"
        if len(fresh) > 1:
            text += self.tr("，另有 {n} 条新请求").format(n=len(fresh) - 1)
        self.alert_label.setText(text)
        self.alert.setAccessibleName(text)
        self.alert.show()
        self._beep()
        for view in fresh:
            self.request_alerted.emit(view.reference)

    @staticmethod
    def _beep() -> None:
        # QApplication.beep() is the one sound every platform has; where there is no sound
        # device it does nothing, which is the silent fallback.
        try:
            QApplication.beep()
        except Exception as exc:  # a missing sound never stops the alert
            log.debug("beep failed: %s", type(exc).__name__)

    @Slot()
    def on_alert_dismissed(self) -> None:
        self.alert.hide()

    @Slot()
    def on_refresh_clicked(self) -> None:
        self.reload()

    @Slot(int)
    def on_filter_changed(self, _index: int) -> None:
        self.reload()

    # -- showing ---------------------------------------------------------------------------

    def _render(self) -> None:
        now = utcnow()
        self.table.set_rows([self._row(view, now) for view in self._rows])
        self.on_selection_changed()
        self._update_summary(now)

    def _row(self, view: RequestView, now: datetime) -> Row:
        """One request as a row; its urgency and overdue flag come from the read model."""
        where = view.location or view.masked_address
        if view.ticket_number:
            where = self.tr("号票 {number}").format(number=view.ticket_number)
        cells = (
            view.reference,
            Cell(view.kind_label, icon=KIND_PICTOGRAMS.get(view.kind)),
            Cell(view.visitor_label, icon=KIND_PICTOGRAMS.get(view.visitor)),
            Cell(view.state_label, tone="active" if view.state == "accepted" else None),
            self._wait_cell(view, now),
            self._flag_cell(view, now),
            view.masked_name or "—",
            view.masked_phone or "—",
            where or "—",
            Cell(view.preferred_text or "—", sort=view.preferred_text or None),
            view.assigned_to or view.accepted_by or "—",
        )
        closed = view.state in ("done", "cancelled")
        tone = "urgent" if view.overdue_by(now) else "muted" if closed else None
        return Row(view.id, cells, data=view, urgency=view.urgency(now), tone=tone)

    def _wait_cell(self, view: RequestView, now: datetime) -> Cell:
        late = view.overdue_by(now)
        return duration_cell(view.waited_by(now), tone="urgent" if late else None, icon="")

    def _flag_cell(self, view: RequestView, now: datetime) -> Cell:
        if view.overdue_by(now):
            spoken = self.tr("已超时，请尽快接单")
            return Cell(self.tr("超时"), sort=1, tone="urgent", spoken=spoken)
        return Cell("", sort=0, spoken=self.tr("未超时"))

    def _update_summary(self, now: datetime) -> None:
        waiting = sum(1 for v in self._rows if v.state == "new")
        late = sum(1 for v in self._rows if v.overdue_by(now))
        text = self.tr("共 {n} 条 · 待接单 {w} 条").format(n=len(self._rows), w=waiting)
        if late:
            text += self.tr(" · 超时 {late} 条").format(late=late)
        self.summary.setText(text)

    @Slot()
    def on_tick_timeout(self) -> None:
        now = utcnow()
        for view in self._rows:
            if view.state == "new":
                self.table.set_cell(view.id, self.WAIT_COLUMN, self._wait_cell(view, now))
                self.table.set_cell(view.id, self.OVERDUE_COLUMN, self._flag_cell(view, now))
                self.table.set_urgency(view.id, view.urgency(now))
        self.table.fit_columns()  # 9分59秒 → 10分00秒 is one character wider
        self._update_summary(now)

    def selected(self) -> RequestView | None:
        """The request of the selected row, if any."""
        view = self.table.selected_data()
        return view if isinstance(view, RequestView) else None

    def select_reference(self, reference: str) -> None:
        """Select the row of request ``reference`` (as a click would)."""
        for view in self._rows:
            if view.reference == reference:
                self.table.select_key(view.id)
                return
        raise KeyError(reference)

    @Slot()
    def on_selection_changed(self) -> None:
        view = self.selected()
        allowed = ALLOWED.get(view.state, frozenset()) if view else frozenset()
        for key, button in self.buttons.items():
            if key == "reveal":
                button.setEnabled(bool(view and view.has_contact and view.purged_at is None))
            else:
                button.setEnabled(key in allowed and not (view and view.purged_at))
        self.detail.setText(self._detail_text(view) if view else self.tr("选择一条请求查看详情。"))
        if view is not None and view.note_count:
            shown = view

            def notes_ready(notes: list[NoteView]) -> None:
                self.on_notes_ready(shown, notes)

            self._context.runner.submit(
                lambda s: priority.list_notes(s, shown.id),
                guarded(self, notes_ready),
                guarded(self, self.on_inbox_failed),
                write=False,
            )

    def _detail_text(self, view: RequestView) -> str:
        parts = [
            self.tr("{ref} · {kind} · {visitor} · 提交于 {time}").format(
                ref=view.reference,
                kind=view.kind_label,
                visitor=view.visitor_label,
                time=to_local(view.created_at).strftime("%m-%d %H:%M"),
            )
        ]
        if view.matter_name:
            parts.append(self.tr("事项：{name}").format(name=view.matter_name))
        if view.ticket_number:
            parts.append(self.tr("号票：{number}").format(number=view.ticket_number))
        if view.location:
            parts.append(self.tr("位置：{place}").format(place=view.location))
        if view.purged_at:
            parts.append(self.tr("个人信息已按规定清除"))
        return "　".join(parts)

    def on_notes_ready(self, view: RequestView, notes: list[NoteView]) -> None:
        current = self.selected()
        if current is None or current.id != view.id:
            return
        lines = [
            f"{to_local(n.at).strftime('%m-%d %H:%M')} {n.staff or ''}：{n.text}" for n in notes
        ]
        self.detail.setText(self._detail_text(view) + "\n" + self.tr("备注：") + "；".join(lines))

    # -- actions ---------------------------------------------------------------------------

    def _run(self, action: str, view: RequestView, operation: Callable[[Session], Any]) -> None:
        self.status.setText("")
        self._context.runner.submit(
            operation,
            guarded(self, lambda result: self.on_action_finished(action, view, result)),
            guarded(self, self.on_action_failed),
        )

    def on_action_finished(self, action: str, view: RequestView, _result: object) -> None:
        self.error.hide()
        self.status.setText(f"{self.tr(ACTION_DONE[action])}：{view.reference}")
        self.action_done.emit(action, view.reference)
        self.reload()

    def on_action_failed(self, exc: BaseException) -> None:
        self._show_error(user_message(exc, "priority_action"))
        self.reload()

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.action_failed.emit(message)

    @property
    def _me(self) -> str:
        return self._context.staff.username

    @Slot()
    def on_accept_clicked(self) -> None:
        view = self.selected()
        if view is not None:
            me = self._me
            self._run("accept", view, lambda s: priority.accept(s, view.id, me))

    @Slot()
    def on_finish_clicked(self) -> None:
        view = self.selected()
        if view is not None:
            me = self._me
            self._run("finish", view, lambda s: priority.finish(s, view.id, me))

    @Slot()
    def on_assign_clicked(self) -> None:
        view = self.selected()
        if view is None:
            return
        chosen = view

        def assistants_ready(people: list[Assistant]) -> None:
            self.on_assistants_ready(chosen, people)

        self._context.runner.submit(
            priority.list_assistants,
            guarded(self, assistants_ready),
            guarded(self, self.on_action_failed),
            write=False,
        )

    def on_assistants_ready(self, view: RequestView, people: list[Assistant]) -> None:
        if not people:
            self._show_error(self.tr("没有可指派的帮办代办岗工作人员。"))
            return
        dialog = AssignDialog(view.reference, people, self)
        self.assign_dialog = dialog
        me = self._me

        def assign() -> None:
            to = dialog.username()
            self._run("assign", view, lambda s: priority.assign(s, view.id, me, to))

        dialog.accepted.connect(assign)
        dialog.open()

    @Slot()
    def on_note_clicked(self) -> None:
        view = self.selected()
        if view is None:
            return
        dialog = NoteDialog(view.reference, self)
        self.note_dialog = dialog
        me = self._me

        def save() -> None:
            text = dialog.text.toPlainText()
            self._run("note", view, lambda s: priority.add_note(s, view.id, me, text))

        dialog.accepted.connect(save)
        dialog.open()

    @Slot()
    def on_cancel_clicked(self) -> None:
        view = self.selected()
        if view is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("取消请求"),
            self.tr("确定取消请求 {ref} 吗？取消后不能恢复。").format(ref=view.reference),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("cancel_box")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("确认取消"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("不取消"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        self.cancel_box = box
        me = self._me

        def decided(button: QPushButton) -> None:
            if box.buttonRole(button) == QMessageBox.ButtonRole.YesRole:
                self._run("cancel", view, lambda s: priority.cancel(s, view.id, me))

        box.buttonClicked.connect(decided)
        box.open()

    @Slot()
    def on_reveal_clicked(self) -> None:
        view = self.selected()
        if view is None:
            return
        me = self._me
        self._context.runner.submit(
            lambda s: priority.reveal_contact(s, view.id, me),
            guarded(self, self.on_contact_ready),
            guarded(self, self.on_action_failed),
        )

    def on_contact_ready(self, contact: Contact) -> None:
        dialog = ContactDialog(contact, self)
        self.contact_dialog = dialog
        dialog.open()
        self.contact_revealed.emit(contact.reference)
