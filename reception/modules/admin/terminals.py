"""管理 → 终端与打印机 (issue #9): terminals, each terminal's printer, and a test print.

Terminals are added and edited in a dialog, 停用/启用 (never deleted); the printer is a form
(:class:`PrinterDialog`) whose settings the terminals service validates. 测试打印 runs in the
background in three steps (:mod:`reception.modules.admin.terminal_ops`): the database is read,
the slip printed with no transaction open, then the result recorded — it shows in the result
line and in the 最近测试打印 column, here and on every console through the change feed
(``terminal``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from reception.callbacks import guarded
from reception.errors import user_message
from reception.i18n import QT_TRANSLATE_NOOP, translate
from reception.modules.admin.org_dialogs import RecordDialog
from reception.modules.admin.records import RecordSection
from reception.modules.admin.terminal_card import TerminalCard
from reception.modules.admin.terminal_dialogs import PrinterDialog, TerminalDialog, printer_text
from reception.modules.admin.terminal_ops import (
    TerminalListing,
    add_terminal_op,
    load_terminals,
    prepare_test_print_op,
    record_test_print_op,
    run_test_print_op,
    set_printer_op,
    set_terminal_active_op,
    update_terminal_op,
)
from reception.modules.admin.widgets import message_label, show_message
from reception.registry import ModuleContext
from shared.changes import ChangeRecord, touches
from shared.qt.tables import Cell, Column, ColumnKind, clock_text
from shared.services.org.workbook_format import TERMINAL_KIND_ZH
from shared.services.terminals import (
    FAILED,
    PRINTED,
    TerminalInfo,
    TestPrintJob,
    TestPrintOutcome,
)

CONTEXT = "TerminalsPage"
KINDS = ("terminal", "organisation")
#: (title, kind, sortable): a terminal is found by its code, kind, site or location.
COLUMNS: tuple[tuple[str, ColumnKind, bool], ...] = (
    ("编号", "code", True),
    ("类型", "text", True),
    ("站点", "text", True),
    ("位置", "main", True),
    ("打印机", "text", True),
    ("最近测试打印", "text", True),
    ("状态", "text", True),
)
for _spec in COLUMNS:
    QT_TRANSLATE_NOOP(CONTEXT, _spec[0])


class TerminalsPage(QWidget):
    """The 终端与打印机 page of 管理.

    Signals:
        terminals_loaded(object): the table was (re)filled from this :class:`TerminalListing`.
        record_saved(object): a terminal or its printer was saved (the TerminalInfo).
        save_failed(str): the service refused; its Chinese reason (also shown).
        test_print_finished(bool, str): a test print ended: printed or not, and what was shown.
    """

    terminals_loaded = Signal(object)
    record_saved = Signal(object)
    save_failed = Signal(str)
    test_print_finished = Signal(bool, str)

    def __init__(self, context: ModuleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("admin_terminals")
        self._context = context
        self._loading = False
        self._stale = False
        self.listing = TerminalListing([], [])
        self.dialog: RecordDialog | None = None

        hint = QLabel(
            self.tr(
                "每台自助机、接待台、叫号屏和评价器登记为一个终端；有打印机的终端请设置打印机并测试打印。"
            )
        )
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.setObjectName("terminals_refresh")
        self.refresh_button.setAccessibleName(self.tr("刷新终端列表"))
        self.message = message_label("terminals_message")
        self.section = RecordSection(
            "terminal",
            self.tr("终端与打印机"),
            [Column(translate(CONTEXT, title), kind, sort) for title, kind, sort in COLUMNS],
            lambda t: t.active,
        )
        self.card = TerminalCard()
        self.printer_button = self.card.printer_button
        self.test_button = self.card.test_button
        self.result = self.card.result

        head = QHBoxLayout()
        head.addWidget(hint, 1)
        head.addWidget(self.refresh_button)
        body = QHBoxLayout()
        body.setSpacing(16)
        body.addWidget(self.section, 1)
        body.addWidget(self.card)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(head)
        layout.addWidget(self.message)
        layout.addLayout(body, 1)

        self.refresh_button.clicked.connect(self.reload)
        self.section.add_requested.connect(self.on_section_add_requested)
        self.section.edit_requested.connect(self.on_section_edit_requested)
        self.section.toggle_requested.connect(self.on_section_toggle_requested)
        self.section.table.itemSelectionChanged.connect(self.on_table_selection_changed)
        self.printer_button.clicked.connect(self.on_printer_clicked)
        self.test_button.clicked.connect(self.on_test_clicked)
        context.hub.changes_arrived.connect(self.on_changes_arrived)
        self._printing = False
        self.on_table_selection_changed()
        self.reload()

    # -- loading ------------------------------------------------------------------------------

    @Slot()
    def reload(self) -> None:
        """Read the terminals in the background (once more afterwards if asked meanwhile)."""
        if self._loading:
            self._stale = True
            return
        self._loading = True
        self._context.runner.submit(
            load_terminals,
            guarded(self, self.on_terminals_ready),
            guarded(self, self.on_terminals_failed),
            write=False,
        )

    @Slot(list)
    def on_changes_arrived(self, batch: list[ChangeRecord]) -> None:
        if touches(batch, *KINDS):
            self.reload()

    def on_terminals_ready(self, listing: TerminalListing) -> None:
        self._finish_load()
        self.listing = listing
        names = {s.code: s.name for s in listing.sites}
        rows = [
            (
                t.code,
                TERMINAL_KIND_ZH.get(t.kind, t.kind),
                names.get(t.site_code, t.site_code),
                t.location,
                printer_text(t),
                Cell(
                    self._last_print(t),
                    sort=t.last_print_at,
                    tone="warning" if t.last_print_result == FAILED else None,
                    tip=t.last_print_detail or None,
                ),
                self.tr("在用") if t.active else self.tr("已停用"),
            )
            for t in listing.terminals
        ]
        # A printer whose last test failed is selected first: 测试打印 is one press away.
        self.section.set_records(
            listing.terminals, rows, lambda t: int(t.active and t.last_print_result == FAILED)
        )
        self.on_table_selection_changed()
        self.terminals_loaded.emit(listing)

    def on_terminals_failed(self, exc: BaseException) -> None:
        self._finish_load()
        self.section.load_failed()
        show_message(self.message, user_message(exc, "terminal_list"))

    def _finish_load(self) -> None:
        self._loading = False
        if self._stale:
            self._stale = False
            self.reload()

    def _last_print(self, info: TerminalInfo) -> str:
        if not info.last_print_result or info.last_print_at is None:
            return str(self.tr("未测试"))
        when = clock_text(info.last_print_at)
        word = self.tr("成功") if info.last_print_result == PRINTED else self.tr("失败")
        return f"{word} {when}"

    @Slot()
    def on_table_selection_changed(self) -> None:
        terminal = self.section.selected()
        chosen = terminal is not None
        self.card.show_terminal(terminal)
        self.printer_button.setEnabled(chosen)
        self.test_button.setEnabled(chosen and not self._printing)

    # -- terminals and printers ---------------------------------------------------------------

    def _open(self, dialog: RecordDialog) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.save_requested.connect(self.on_dialog_save_requested)
        dialog.open()

    @Slot()
    def on_section_add_requested(self) -> None:
        dialog = TerminalDialog(self.listing.sites, None, self)
        if self._context.site_code:
            dialog.site.setCurrentIndex(max(dialog.site.findData(self._context.site_code), 0))
        self._open(dialog)

    @Slot(object)
    def on_section_edit_requested(self, terminal: TerminalInfo) -> None:
        self._open(TerminalDialog(self.listing.sites, terminal, self))

    @Slot()
    def on_printer_clicked(self) -> None:
        terminal = self.section.selected()
        if terminal is not None:
            self._open(PrinterDialog(terminal, self))

    @Slot(object)
    def on_dialog_save_requested(self, value: Any) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        acting = self._context.staff
        if isinstance(dialog, PrinterDialog):
            operation = set_printer_op(acting, dialog.code, value)
        elif isinstance(dialog, TerminalDialog) and dialog.adding:
            operation = add_terminal_op(acting, value)
        else:
            operation = update_terminal_op(acting, value)

        def done(info: TerminalInfo) -> None:
            dialog.saved()
            self._saved(info)

        def failed(exc: BaseException) -> None:
            message = user_message(exc, "terminal_save")
            dialog.show_error(message)
            self.save_failed.emit(message)

        self._context.runner.submit(operation, guarded(dialog, done), guarded(dialog, failed))

    @Slot(object, bool)
    def on_section_toggle_requested(self, terminal: TerminalInfo, active: bool) -> None:
        self.message.hide()
        self._context.runner.submit(
            set_terminal_active_op(self._context.staff, terminal.code, active),
            guarded(self, self._saved),
            guarded(self, self._failed),
        )

    def _failed(self, exc: BaseException) -> None:
        message = user_message(exc, "terminal_save")
        show_message(self.message, message)
        self.save_failed.emit(message)

    def _saved(self, info: TerminalInfo) -> None:
        show_message(self.message, self.tr("终端 {code} 已保存。").format(code=info.code), ok=True)
        self.record_saved.emit(info)
        self.reload()

    # -- test print ---------------------------------------------------------------------------

    @Slot()
    def on_test_clicked(self) -> None:
        terminal = self.section.selected()
        if terminal is None or self._printing:
            return
        self._printing = True
        self.on_table_selection_changed()
        self._show_result(
            self.tr("正在向 {code} 的打印机发送测试页…").format(code=terminal.code), None
        )
        self._context.runner.submit(
            prepare_test_print_op(terminal.code),
            guarded(self, self._print_job),
            guarded(self, self._test_failed),
            write=False,
        )

    def _print_job(self, job: TestPrintJob) -> None:
        self._context.runner.submit(
            run_test_print_op(job),
            guarded(self, self._record_outcome),
            guarded(self, self._test_failed),
            with_session=False,
        )

    def _record_outcome(self, outcome: TestPrintOutcome) -> None:
        def recorded(_info: TerminalInfo) -> None:
            self._test_done(outcome.printed, outcome.message_zh)
            self.reload()

        self._context.runner.submit(
            record_test_print_op(self._context.staff, outcome),
            guarded(self, recorded),
            guarded(self, self._test_failed),
        )

    def _test_failed(self, exc: BaseException) -> None:
        self._test_done(False, user_message(exc, "terminal_test_print"))

    def _test_done(self, printed: bool, message: str) -> None:
        self._printing = False
        self.on_table_selection_changed()
        self._show_result(message, printed)
        self.test_print_finished.emit(printed, message)

    def _show_result(self, text: str, ok: bool | None) -> None:
        self.card.show_result(text, ok)
