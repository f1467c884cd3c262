"""叫号 (window mode): a clerk calls the next ticket to their window and works it.

The clerk picks their window once per console session and signs it in (签到; 暂停 with a
reason, 恢复, 签退 — :mod:`reception.modules.calling_session`, issue #9): 叫下一位 works only
while the window is signed in and not paused, and says why otherwise. The page shows the ticket at
the window large, big buttons for each step (叫下一位, 重呼, 过号, 开始办理, 办结, 转移), the
window's own tickets today and how many wait in its queues. Every step runs in the
background through :mod:`shared.services.calling`; a refusal (``Conflict``, ``NotFound``) is
shown as its own Chinese sentence. 打开叫号屏 opens the hall display board
(:mod:`reception.board`) as a window of its own. The widgets and layout live in
:mod:`reception.modules.calling_view`; this module wires them and runs the steps.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QWidget,
)

from reception.board import BoardWindow
from reception.callbacks import guarded
from reception.errors import user_message
from reception.modules.calling_session import SessionActions
from reception.modules.calling_view import TransferDialog, WindowView
from reception.modules.ticket_labels import (
    show_message,
)
from reception.registry import ModuleContext
from shared.changes import ChangeRecord, touches
from shared.qt.announcer import Announcer, create_announcer
from shared.services import calling
from shared.services.desk import WindowInfo, WindowState, list_windows, resolve_site, window_state
from shared.services.tickets import TicketView

log = logging.getLogger(__name__)

KEY = "calling"

AnnouncerFactory = Callable[[QObject], Announcer]

#: Which buttons a ticket's state allows (叫下一位 is always allowed).
ALLOWED: dict[str | None, frozenset[str]] = {
    None: frozenset(),
    "called": frozenset({"recall", "no_show", "start", "finish", "transfer"}),
    "serving": frozenset({"finish", "transfer"}),
    "no_show": frozenset({"recall"}),
}


class WindowPage(SessionActions, WindowView):
    """The 叫号 page of a window clerk.

    Args:
        context: the console session.
        announcer_factory: makes the display board's announcer (tests inject a fake).

    Signals:
        windows_loaded(list): the site's :class:`WindowInfo` list arrived.
        state_loaded(object): a :class:`WindowState` was shown.
        action_done(str, object): an action (``call``, ``recall``, ``no_show``, ``start``,
            ``finish``, ``transfer``) succeeded; its :class:`TicketView` (``None`` when
            叫下一位 found nobody).
        action_failed(str): an action was refused; the message shown.
        session_changed(str, object): a session move (``sign_in``, ``pause``, ``resume``,
            ``sign_out``) succeeded; the window's new :class:`WindowStatus`.
        board_opened(object): the :class:`BoardWindow` opened.
    """

    windows_loaded = Signal(list)
    state_loaded = Signal(object)
    action_done = Signal(str, object)
    action_failed = Signal(str)
    session_changed = Signal(str, object)
    board_opened = Signal(object)

    def __init__(
        self,
        context: ModuleContext,
        announcer_factory: AnnouncerFactory = create_announcer,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"module_{KEY}")
        self._context = context
        self._announcer_factory = announcer_factory
        self._site = context.site_code
        self.window_number: int | None = None
        self.state: WindowState | None = None
        self._loading = False
        self._stale = False
        self._busy = False
        self.board: BoardWindow | None = None
        self.transfer_dialog: TransferDialog | None = None

        self._set_buttons()

        self.window_combo.currentIndexChanged.connect(self.on_window_combo_changed)
        self.board_button.clicked.connect(self.on_board_clicked)
        self.call_button.clicked.connect(self.on_call_clicked)
        self.recall_button.clicked.connect(self.on_recall_clicked)
        self.no_show_button.clicked.connect(self.on_no_show_clicked)
        self.start_button.clicked.connect(self.on_start_clicked)
        self.finish_button.clicked.connect(self.on_finish_clicked)
        self.transfer_button.clicked.connect(self.on_transfer_clicked)
        self.sign_in_button.clicked.connect(self.on_sign_in_clicked)
        self.pause_button.clicked.connect(self.on_pause_clicked)
        self.resume_button.clicked.connect(self.on_resume_clicked)
        self.sign_out_button.clicked.connect(self.on_sign_out_clicked)
        context.hub.changes_arrived.connect(self.on_changes_arrived)

        site = self._site
        context.runner.submit(
            lambda session: list_windows(session, site=site),
            guarded(self, self.on_windows_ready),
            guarded(self, self.on_load_failed),
            write=False,
        )

    # -- windows and loading ---------------------------------------------------------------

    def on_windows_ready(self, windows: list[WindowInfo]) -> None:
        self.window_combo.blockSignals(True)
        self.window_combo.clear()
        for info in windows:
            self.window_combo.addItem(self.window_text(info), info.number)
        self.window_combo.blockSignals(False)
        self.windows_loaded.emit(windows)
        if windows:
            wanted = self.window_number if self.window_number is not None else windows[0].number
            self.choose_window(wanted)
        else:
            self.table.set_loading(False)  # nothing will load: say so instead of spinning
            self._show_message(self.tr("本站点还没有窗口，请联系管理员。"))

    def window_text(self, info: WindowInfo) -> str:
        """``3号窗口 · A`` — the window's name (when it says more than its number) and queues."""
        text = self.tr("{n}号窗口").format(n=info.number)
        if info.name and info.name != text:
            text += f" {info.name}"
        queues = " ".join(info.queues) if info.queues else self.tr("未分配业务")
        return self.tr("{window} · 业务 {queues}").format(window=text, queues=queues)

    def choose_window(self, number: int) -> None:
        """Work at window ``number`` (kept for the rest of this console session)."""
        index = self.window_combo.findData(number)
        if index < 0:
            raise KeyError(number)
        if index == self.window_combo.currentIndex() and self.window_number == number:
            self.reload()
            return
        self.window_combo.setCurrentIndex(index)
        self.on_window_combo_changed(index)

    @Slot(int)
    def on_window_combo_changed(self, index: int) -> None:
        if index < 0:
            return
        number = self.window_combo.itemData(index)
        if number is None or (number == self.window_number and self.state is not None):
            return
        self.window_number = int(number)
        self.state = None
        self.message.hide()
        self.reload()

    def reload(self) -> None:
        """Read the window's state in the background."""
        if self.window_number is None:
            return
        if self._loading:
            self._stale = True
            return
        self._loading = True
        site, window = self._site, self.window_number
        self._context.runner.submit(
            lambda session: window_state(session, site=site, window=window),
            guarded(self, self.on_state_ready),
            guarded(self, self.on_load_failed),
            write=False,
        )

    def on_state_ready(self, state: WindowState) -> None:
        self._loading = False
        if self._stale:
            self._stale = False
            self.reload()
        if state.window.number != self.window_number:
            return
        self.state = state
        self._show_current(state.current)
        self._show_waiting(state.queues)
        self._show_tickets(state.tickets)
        self._show_session()
        self._set_buttons()
        self.state_loaded.emit(state)

    def on_load_failed(self, exc: BaseException) -> None:
        self._loading = False
        self._stale = False
        self.table.set_loading(False)
        self._show_message(user_message(exc, "window_state"))

    @Slot(list)
    def on_changes_arrived(self, batch: list[ChangeRecord]) -> None:
        if touches(batch, *("ticket", "organisation", "window")):
            self.reload()

    # -- showing ---------------------------------------------------------------------------

    @property
    def current(self) -> TicketView | None:
        """The ticket at the window (or the last no-show), as last read."""
        return self.state.current if self.state is not None else None

    def _set_buttons(self) -> None:
        # 叫下一位 needs an open window; the other steps finish the visitor already called,
        # so a paused window may still use them, a window not signed in none of them.
        session = self.session
        ready = self.window_number is not None and not self._busy and session is not None
        self.call_button.setEnabled(ready and session is not None and session.is_open)
        current = self.current
        allowed = ALLOWED.get(current.state if current else None, frozenset())
        signed_in = session is not None and session.state != "closed"
        for key, button in self._buttons.items():
            button.setEnabled(ready and signed_in and key in allowed)
        self._set_session_buttons()

    def _show_message(self, text: str, ok: bool = False) -> None:
        show_message(self.message, text, ok)

    # -- actions ---------------------------------------------------------------------------

    def _run(self, action: str, operation: Callable[[Any, str], TicketView | None]) -> None:
        site = self._site

        def run(session: Any) -> TicketView | None:
            return operation(session, resolve_site(session, site))

        self._submit(action, run, with_session=True)

    def _submit(
        self, action: str, run: Callable[..., TicketView | None], with_session: bool
    ) -> None:
        if self._busy or self.window_number is None:
            return
        self._busy = True
        self.message.hide()
        self._set_buttons()
        self._context.runner.submit(
            run,
            guarded(self, lambda result: self.on_action_finished(action, result)),
            guarded(self, self.on_action_error),
            with_session=with_session,
        )

    def on_action_finished(self, action: str, ticket: TicketView | None) -> None:
        self._busy = False
        if ticket is None:
            self._show_message(self.tr("无人等候"))
        elif action == "transfer":
            self._show_message(
                self.tr("已转到 {queue}，新号码 {number}。").format(
                    queue=ticket.queue_name, number=ticket.number
                ),
                ok=True,
            )
        self._set_buttons()
        self.action_done.emit(action, ticket)
        self.reload()

    def on_action_error(self, exc: BaseException) -> None:
        self._busy = False
        message = user_message(exc, "calling")
        self._show_message(message)
        self._set_buttons()
        self.action_failed.emit(message)
        self.reload()

    def _on_current(self, action: str, service: Callable[..., TicketView]) -> None:
        current = self.current
        if current is None:
            return
        number, staff_id = current.number, self._context.staff.id
        self._run(
            action,
            lambda session, site: service(session, site=site, number=number, staff_id=staff_id),
        )

    @Slot()
    def on_call_clicked(self) -> None:
        window, staff_id, site = self.window_number, self._context.staff.id, self._site
        factory, reads = self._context.runner.factory, self._context.read_factory
        if window is None or factory is None:
            return

        def run() -> TicketView | None:
            # Its own transactions: the write lock is held only for the call's writes.
            with reads() as session:
                code = resolve_site(session, site)
            return calling.call_next_in(factory, reads, site=code, window=window, staff_id=staff_id)

        self._submit("call", run, with_session=False)

    @Slot()
    def on_recall_clicked(self) -> None:
        self._on_current("recall", calling.recall)

    @Slot()
    def on_no_show_clicked(self) -> None:
        self._on_current("no_show", calling.no_show)

    @Slot()
    def on_start_clicked(self) -> None:
        self._on_current("start", calling.start_service)

    @Slot()
    def on_finish_clicked(self) -> None:
        self._on_current("finish", calling.finish)

    @Slot()
    def on_transfer_clicked(self) -> None:
        current, state = self.current, self.state
        if current is None or state is None:
            return
        targets = [q for q in state.other_queues if q.prefix != current.queue_prefix]
        dialog = TransferDialog(current.number, targets, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self.on_transfer_accepted)
        self.transfer_dialog = dialog
        dialog.open()

    @Slot()
    def on_transfer_accepted(self) -> None:
        dialog, self.transfer_dialog = self.transfer_dialog, None
        current = self.current
        if dialog is None or current is None:
            return
        target = dialog.chosen()
        if target is None:
            return
        number, staff_id = current.number, self._context.staff.id
        self._run(
            "transfer",
            lambda session, site: calling.transfer(
                session, site=site, number=number, to_queue=target, staff_id=staff_id
            ),
        )

    # -- the display board -----------------------------------------------------------------

    @Slot()
    def on_board_clicked(self) -> None:
        self.open_board()

    def open_board(self) -> BoardWindow:
        """Open the display board (or bring the open one forward)."""
        board = self.board
        if board is not None and shiboken6.isValid(board) and board.isVisible():
            board.raise_()
            board.activateWindow()
            return board
        announcer = self._announcer_factory(self)
        board = BoardWindow(self._context.runner, self._context.hub, self._site, announcer, self)
        board.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        announcer.setParent(board)
        board.resize(1280, 720)
        board.show()
        self.board = board
        self.board_opened.emit(board)
        return board
