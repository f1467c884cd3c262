"""办事指南查询: guides at the desk search the catalog (Chinese or pinyin typed at the console),
read a matter's guide, print the guide slip for a visitor, or take a ticket for the matter.

Search reads the same in-memory catalog index as the kiosk (built in the background when the
page opens), on the console's runner; one search is in flight at a time and a result for text
no longer in the field is dropped. 为群众取号 goes through the 取号台's own issue operation
(:func:`reception.modules.ticket_desk.desk_issue`, channel ``desk``) with the matter, then
prints the ticket on this console's printer; 打印指南 prints the guide slip on it.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from reception.callbacks import guarded
from reception.errors import user_message
from reception.modules import DEFAULT_TERMINAL
from reception.modules.ticket_desk import desk_issue
from reception.modules.ticket_labels import show_message
from reception.registry import ModuleContext
from shared.printing import PrintError
from shared.qt.printing import (
    PrintOutcome,
    print_in_background,
    print_receipt_in_background,
    qt_printer_from_config,
)
from shared.rendering.guide_slip import GuideSlip, guide_slip_layout
from shared.services.catalog import MatterGuide, MatterHit, index_for, search_matters
from shared.services.catalog_page import load_guide_page
from shared.services.catalog_text import guide_heading, guide_sections
from shared.services.desk import IssuedSlip, terminal_printer_config
from shared.services.wayfinding import ASK_AT_DESK

log = logging.getLogger(__name__)

KEY = "guide_lookup"
LIMIT = 50

PrinterFactory = Callable[[Mapping[str, Any] | None], Any]


def _load_guide(session: Any, code: str, site: str | None) -> tuple[MatterGuide, GuideSlip, str]:
    # Read as the kiosk reads it (issue #19): the hall's windows for the matter come from
    # wayfinding, beside the published 办理地点, on the screen and on the slip alike.
    page = load_guide_page(session, code, site, None)
    return page.guide, page.slip, page.where


class GuideLookupPage(QWidget):
    """The 办事指南查询 page.

    Args:
        context: the console session.
        terminal: this console's terminal code; its printer prints slips and tickets.
        printer_factory: builds a printer from those settings (tests pass their own).

    Signals:
        results_shown(str, object): the text searched and the hits now listed.
        guide_shown(object): the :class:`MatterGuide` now shown.
        slip_printed(object): ``None`` when the guide slip printed, else the ``PrintError``.
        ticket_issued(object): the :class:`TicketView` issued for the matter.
        print_finished(object): the ticket's :class:`PrintOutcome`.
    """

    results_shown = Signal(str, object)
    guide_shown = Signal(object)
    slip_printed = Signal(object)
    ticket_issued = Signal(object)
    print_finished = Signal(object)

    def __init__(
        self,
        context: ModuleContext,
        terminal: str = DEFAULT_TERMINAL,
        printer_factory: PrinterFactory = qt_printer_from_config,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"module_{KEY}")
        self._context = context
        self._terminal = terminal
        self._printer_factory = printer_factory
        self._query = ""
        self._searching = False
        self._issuing = False
        self.guide: MatterGuide | None = None
        self.slip: GuideSlip | None = None
        self._printer_config: dict[str, Any] | None = None

        title = QLabel(self.tr("办事指南查询"))
        title.setProperty("role", "title")
        self.search = QLineEdit()
        self.search.setObjectName("guide_search")
        self.search.setAccessibleName(self.tr("查询事项"))
        self.search.setPlaceholderText(
            self.tr("事项名称、拼音或首字母，如 身份证、shenfenzheng、sfz")
        )
        search_label = QLabel(self.tr("查询事项(&S)"))
        search_label.setBuddy(self.search)
        self.state = QLabel(self.tr("输入后即时显示结果。"))
        self.state.setObjectName("guide_state")
        self.state.setProperty("role", "muted")
        self.results = QListWidget()
        self.results.setObjectName("guide_results")
        self.results.setAccessibleName(self.tr("查询结果"))
        self.detail = QTextBrowser()
        self.detail.setObjectName("guide_detail")
        self.detail.setAccessibleName(self.tr("办事指南"))
        self.detail.setOpenExternalLinks(False)
        self.print_button = QPushButton(self.tr("打印指南(&P)"))
        self.print_button.setObjectName("guide_print")
        self.print_button.setAccessibleName(self.tr("打印指南"))
        self.issue_button = QPushButton(self.tr("为群众取号(&T)"))
        self.issue_button.setObjectName("guide_issue")
        self.issue_button.setProperty("role", "primary")
        self.issue_button.setAccessibleName(self.tr("为群众取号"))
        for button in (self.print_button, self.issue_button):
            button.setEnabled(False)
        self.message = QLabel()
        self.message.setObjectName("guide_message")
        self.message.setWordWrap(True)
        self.message.hide()

        row = QHBoxLayout()
        row.addWidget(search_label)
        row.addWidget(self.search, 1)
        left = QVBoxLayout()
        left.addLayout(row)
        left.addWidget(self.state)
        left.addWidget(self.results, 1)
        right = QVBoxLayout()
        right.addWidget(self.detail, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.print_button)
        actions.addWidget(self.issue_button)
        actions.addStretch(1)
        right.addLayout(actions)
        right.addWidget(self.message)
        body = QHBoxLayout()
        body.setSpacing(16)
        body.addLayout(left, 2)
        body.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addLayout(body, 1)
        QWidget.setTabOrder(self.search, self.results)
        QWidget.setTabOrder(self.results, self.detail)
        QWidget.setTabOrder(self.detail, self.print_button)
        QWidget.setTabOrder(self.print_button, self.issue_button)

        self.search.textChanged.connect(self.on_search_text_changed)
        self.results.currentItemChanged.connect(self.on_results_current_changed)
        self.print_button.clicked.connect(self.on_print_clicked)
        self.issue_button.clicked.connect(self.on_issue_clicked)

        # The index takes most of a second the first time: build it now, in the background.
        context.runner.submit(lambda session: len(index_for(session)), write=False)
        context.runner.submit(
            lambda session: terminal_printer_config(session, terminal),
            guarded(self, self.on_printer_config_ready),
            guarded(self, self.on_action_failed),
            write=False,
        )

    # -- search ----------------------------------------------------------------------------

    @Slot(str)
    def on_search_text_changed(self, text: str) -> None:
        self._query = text.strip()
        if not self._query:
            self.results.clear()
            self.state.setText(self.tr("输入后即时显示结果。"))
            return
        if not self._searching:
            self._submit_search()

    def _submit_search(self) -> None:
        query, site = self._query, self._context.site_code
        self._searching = True

        def done(hits: list[MatterHit]) -> None:
            self.on_search_done(query, hits)

        self._context.runner.submit(
            lambda session: search_matters(session, query, site=site, limit=LIMIT),
            guarded(self, done),
            guarded(self, self.on_search_failed),
            write=False,
        )

    def on_search_done(self, query: str, hits: list[MatterHit]) -> None:
        self._searching = False
        if query != self._query:
            if self._query:
                self._submit_search()  # the text changed meanwhile: search the latest
            return
        self.results.clear()
        for hit in hits:
            where = f"{hit.department} · {hit.queue_prefix}"
            if hit.bundle:
                where = self.tr("一件事联办 · {where}").format(where=where)
            item = QListWidgetItem(f"{hit.name}　{where}")
            item.setData(Qt.ItemDataRole.UserRole, hit.code)
            self.results.addItem(item)
        self.state.setText(
            self.tr("找到 {n} 项").format(n=len(hits)) if hits else self.tr("没有找到相关事项。")
        )
        self.results_shown.emit(query, hits)

    def on_search_failed(self, exc: BaseException) -> None:
        self._searching = False
        self.state.setText(user_message(exc, "guide_search"))

    def result_names(self) -> list[str]:
        """The names listed, in order."""
        return [self.results.item(i).text().split("　")[0] for i in range(self.results.count())]

    def select_code(self, code: str) -> None:
        """Select the result of matter ``code``."""
        for i in range(self.results.count()):
            if self.results.item(i).data(Qt.ItemDataRole.UserRole) == code:
                self.results.setCurrentRow(i)
                return
        raise KeyError(code)

    # -- the guide -------------------------------------------------------------------------

    def on_results_current_changed(self, current: QListWidgetItem | None, _previous: Any) -> None:
        if current is None:
            return
        code = str(current.data(Qt.ItemDataRole.UserRole))
        site = self._context.site_code
        self._context.runner.submit(
            lambda session: _load_guide(session, code, site),
            guarded(self, self.on_guide_loaded),
            guarded(self, self.on_action_failed),
            write=False,
        )

    def on_guide_loaded(self, loaded: tuple[MatterGuide, GuideSlip, str]) -> None:
        guide, slip, where = loaded
        current = self.results.currentItem()
        if current is None or current.data(Qt.ItemDataRole.UserRole) != guide.code:
            return  # another matter was chosen meanwhile
        self.guide, self.slip = guide, slip
        self.detail.setHtml(guide_html(guide, where))
        self.print_button.setEnabled(True)
        self.issue_button.setEnabled(True)
        self.message.hide()
        self.guide_shown.emit(guide)

    # -- printing and issuing --------------------------------------------------------------

    def on_printer_config_ready(self, config: dict[str, Any] | None) -> None:
        self._printer_config = config

    def _printer(self) -> Any:
        try:
            return self._printer_factory(self._printer_config)
        except Exception as exc:
            self._show_message(user_message(exc, "printer_config"))
            return None

    @Slot()
    def on_print_clicked(self) -> None:
        if self.slip is None:
            return
        printer = self._printer()
        if printer is None:
            self._show_message(self.tr("本机未配置打印机，无法打印指南。"))
            return
        self.print_button.setEnabled(False)
        print_receipt_in_background(
            self._context.runner,
            printer,
            guide_slip_layout(self.slip),
            f"guide-{self.slip.code}",
            guarded(self, self.on_slip_printed),
        )

    def on_slip_printed(self, error: PrintError | None) -> None:
        self.print_button.setEnabled(self.slip is not None)
        if error is None:
            self._show_message(self.tr("指南已打印。"), ok=True)
        else:
            self._show_message(self.tr("打印失败：{reason}").format(reason=error.message_zh))
        self.slip_printed.emit(error)

    @Slot()
    def on_issue_clicked(self) -> None:
        guide = self.guide
        if guide is None or self._issuing:
            return
        self._issuing = True
        self.issue_button.setEnabled(False)
        run = desk_issue(
            self._context, self._context.site_code, guide.queue_prefix, matter=guide.code
        )
        self._context.runner.submit(
            run,
            guarded(self, self.on_ticket_issued),
            guarded(self, self.on_issue_failed),
            with_session=False,
        )

    def on_ticket_issued(self, issued: IssuedSlip) -> None:
        self._issuing = False
        self.issue_button.setEnabled(True)
        ticket = issued.ticket
        self._show_message(
            self.tr("已取号 {number}（{queue}），前面 {n} 人。").format(
                number=ticket.number, queue=ticket.queue_name, n=ticket.people_ahead
            ),
            ok=True,
        )
        self.ticket_issued.emit(ticket)
        printer = self._printer()
        print_in_background(
            self._context.runner,
            printer,
            issued.slip,
            ticket.id,
            guarded(self, self.on_ticket_printed),
        )

    def on_ticket_printed(self, outcome: PrintOutcome) -> None:
        if not outcome.printed:
            self._show_message(
                self.tr("已取号 {number}，未打印：{reason}").format(
                    number=outcome.number, reason=outcome.message_zh or ""
                )
            )
        self.print_finished.emit(outcome)

    def on_issue_failed(self, exc: BaseException) -> None:
        self._issuing = False
        self.issue_button.setEnabled(True)
        self._show_message(user_message(exc, "guide_issue"))

    def on_action_failed(self, exc: BaseException) -> None:
        self._show_message(user_message(exc, "guide_lookup"))

    def _show_message(self, text: str, ok: bool = False) -> None:
        show_message(self.message, text, ok)


def guide_html(guide: MatterGuide, where: str | None = None) -> str:
    """A matter's guide as the console shows it (escaped HTML): the same sections as the
    kiosk (:func:`shared.services.catalog_text.guide_sections`), 请咨询窗口 where nothing
    was published (issue #11).

    ``where`` is the hall's windows for it in words (:func:`shared.services.wayfinding.way_to`,
    as the kiosk says them, issue #19): said first, and beside the published 办理地点.
    """
    e = html.escape
    windows = where if where and where != ASK_AT_DESK else None
    parts = [
        f"<h2>{e(guide.name)}</h2>",
        f"<p>{e(guide_heading(guide))} · 取号业务：{e(guide.queue_prefix)}</p>",
    ]
    if where:
        go = f"本中心窗口：{windows}" if windows else ASK_AT_DESK
        parts.append(f"<p><b>{e(go)}</b></p>")
    for section in guide_sections(guide, windows):
        lines = "".join(f"<p>{e(line)}</p>" for line in section.lines)
        parts.append(f"<h3>{e(section.title)}</h3>{lines}")
    return "".join(parts)


__all__ = ["KEY", "GuideLookupPage", "guide_html"]
