"""管理 → 组织机构 (issue #9): sites, departments, queues and windows, from an empty database.

Each kind is a table with 新增 / 编辑 / 停用·启用 (nothing is ever deleted). Saves go through
:mod:`reception.modules.admin.org_ops` on the console's TaskRunner, so the organisation
services check every value and audit it with the signed-in staff member; a refused value
shows the service's Chinese reason in the dialog and nothing is written. The page reloads
whenever the change feed brings ``organisation`` changes, from this console or another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from reception.callbacks import guarded
from reception.errors import user_message
from reception.i18n import QT_TRANSLATE_NOOP, translate
from reception.modules.admin.ops import SiteChoice
from reception.modules.admin.org_dialogs import (
    DepartmentDialog,
    QueueDialog,
    RecordDialog,
    SiteDialog,
    WindowDialog,
)
from reception.modules.admin.org_ops import (
    OrgListing,
    Record,
    load_organisation,
    save_department_op,
    save_queue_op,
    save_site_op,
    save_window_op,
    set_active_op,
)
from reception.modules.admin.records import RecordSection
from reception.modules.admin.widgets import fill_sites, message_label, show_message
from reception.registry import ModuleContext
from shared.changes import ChangeRecord, touches
from shared.qt.tables import Cell, Column, ColumnKind, number_cell
from shared.services.org import (
    POLICY_ZH,
    SITE_KIND_ZH,
    DepartmentInfo,
    QueueInfo,
    SiteInfo,
    WindowInfo,
)

CONTEXT = "OrganisationPage"
KINDS = ("organisation",)
# (title, kind, sortable) per column; the long texts (an address, a description) stretch.
Spec = tuple[tuple[str, ColumnKind, bool], ...]
SITE_COLUMNS: Spec = (
    ("编码", "code", True),
    ("名称", "text", True),
    ("类型", "text", True),
    ("地址", "main", False),
    ("电话", "code", False),
    ("状态", "text", True),
)
DEPT_COLUMNS: Spec = (
    ("编码", "code", True),
    ("名称", "main", True),
    ("简称", "text", True),
    ("状态", "text", True),
)
QUEUE_COLUMNS: Spec = (
    ("站点", "text", True),
    ("字头", "code", True),
    ("名称", "text", True),
    ("叫号规则", "text", True),
    ("默认时长", "number", True),
    ("服务部门", "main", True),
    ("说明", "main", False),
    ("状态", "text", True),
)
WINDOW_COLUMNS: Spec = (
    ("站点", "text", True),
    ("窗口号", "number", True),
    ("名称", "text", True),
    ("位置", "main", True),
    ("服务队列", "main", True),
    ("状态", "text", True),
)
for _spec in (*SITE_COLUMNS, *DEPT_COLUMNS, *QUEUE_COLUMNS, *WINDOW_COLUMNS):
    QT_TRANSLATE_NOOP(CONTEXT, _spec[0])


def _columns(spec: Spec) -> list[Column]:
    return [Column(translate(CONTEXT, title), kind, sortable) for title, kind, sortable in spec]


class OrganisationPage(QWidget):
    """The 组织机构 page of 管理.

    Signals:
        organisation_loaded(object): the tables were (re)filled from this :class:`OrgListing`.
        record_saved(object): a save or 停用/启用 went through; the saved record.
        save_failed(str): the service refused a save; its Chinese reason (also shown).
    """

    organisation_loaded = Signal(object)
    record_saved = Signal(object)
    save_failed = Signal(str)

    def __init__(self, context: ModuleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("admin_organisation")
        self._context = context
        self._loading = False
        self._stale = False
        self.listing = OrgListing([], [], [], [])
        self.dialog: RecordDialog | None = None

        title = QLabel(self.tr("组织机构"))
        title.setProperty("role", "title")
        hint = QLabel(
            self.tr("先建站点和部门，再建业务队列，最后建窗口。记录不会被删除，不再使用时请停用。")
        )
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.setObjectName("organisation_refresh")
        self.refresh_button.setAccessibleName(self.tr("刷新组织机构"))
        self.message = message_label("organisation_message")
        self.site_filter = QComboBox()
        self.site_filter.setObjectName("organisation_site_filter")
        self.site_filter.setAccessibleName(self.tr("只看某个站点的队列和窗口"))
        self.site_filter.setMinimumContentsLength(12)
        site_label = QLabel(self.tr("队列和窗口只看(&F)"))
        site_label.setBuddy(self.site_filter)

        self.sites = RecordSection(
            "site", self.tr("站点"), _columns(SITE_COLUMNS), lambda r: r.active
        )
        self.departments = RecordSection(
            "department", self.tr("部门"), _columns(DEPT_COLUMNS), lambda r: r.active
        )
        self.queues = RecordSection(
            "queue", self.tr("业务队列"), _columns(QUEUE_COLUMNS), lambda r: r.active
        )
        self.windows = RecordSection(
            "window", self.tr("窗口"), _columns(WINDOW_COLUMNS), lambda r: r.active
        )

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.sites)
        top.addWidget(self.departments)
        top.setSizes([1000, 800])
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.queues)
        bottom.addWidget(self.windows)
        bottom.setSizes([1000, 800])
        body = QSplitter(Qt.Orientation.Vertical)
        body.setObjectName("organisation_body")
        body.addWidget(top)
        body.addWidget(bottom)
        for splitter in (top, bottom, body):
            splitter.setChildrenCollapsible(False)
            splitter.setHandleWidth(16)

        head = QHBoxLayout()
        head.addWidget(title)
        head.addWidget(hint, 1)
        head.addWidget(site_label)
        head.addWidget(self.site_filter)
        head.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(head)
        layout.addWidget(self.message)
        layout.addWidget(body, 1)

        self.refresh_button.clicked.connect(self.on_refresh_clicked)
        self.site_filter.currentIndexChanged.connect(self.on_site_filter_current_index_changed)
        for section in (self.sites, self.departments, self.queues, self.windows):
            section.toggle_requested.connect(self.on_section_toggle_requested)
            section.edit_requested.connect(self.on_section_edit_requested)
        self.sites.add_requested.connect(self.on_site_add_requested)
        self.departments.add_requested.connect(self.on_department_add_requested)
        self.queues.add_requested.connect(self.on_queue_add_requested)
        self.windows.add_requested.connect(self.on_window_add_requested)
        context.hub.changes_arrived.connect(self.on_changes_arrived)
        self.reload()

    # -- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read everything in the background (once more afterwards if asked meanwhile)."""
        if self._loading:
            self._stale = True
            return
        self._loading = True
        self._context.runner.submit(
            load_organisation,
            guarded(self, self.on_organisation_ready),
            guarded(self, self.on_organisation_failed),
            write=False,
        )

    @Slot()
    def on_refresh_clicked(self) -> None:
        self.reload()

    @Slot(list)
    def on_changes_arrived(self, batch: list[ChangeRecord]) -> None:
        if touches(batch, *KINDS):
            self.reload()

    def on_organisation_ready(self, listing: OrgListing) -> None:
        self._finish_load()
        self.listing = listing
        self.sites.set_records(
            listing.sites,
            [
                (
                    s.code,
                    s.name,
                    SITE_KIND_ZH.get(s.kind, s.kind),
                    s.address,
                    s.phone,
                    self._state(s.active),
                )
                for s in listing.sites
            ],
        )
        self.departments.set_records(
            listing.departments,
            [(d.code, d.name, d.short_name, self._state(d.active)) for d in listing.departments],
        )
        fill_sites(
            self.site_filter,
            [SiteChoice(x.code, x.name) for x in listing.sites],
            self.tr("全部站点"),
            self.site_filter.currentData(),
        )
        self.on_site_filter_current_index_changed()
        self.organisation_loaded.emit(listing)

    @Slot()
    def on_site_filter_current_index_changed(self) -> None:
        """Show the queues and windows of the chosen site (all sites: with a site column)."""
        site = self.site_filter.currentData()
        names = {x.code: x.name for x in self.listing.sites}
        depts = {d.code: d.name for d in self.listing.departments}
        queues = [q for q in self.listing.queues if site is None or q.site_code == site]
        windows = [w for w in self.listing.windows if site is None or w.site_code == site]
        self.queues.set_records(
            queues,
            [
                (
                    names.get(q.site_code, q.site_code),
                    q.prefix,
                    q.name,
                    self._policy(q),
                    Cell(
                        self.tr("{n} 分钟").format(n=q.default_service_minutes),
                        sort=q.default_service_minutes,
                    ),
                    "、".join(depts.get(c, c) for c in q.departments) or self.tr("（未指定）"),
                    q.description,
                    self._state(q.active),
                )
                for q in queues
            ],
        )
        self.windows.set_records(
            windows,
            [
                (
                    names.get(w.site_code, w.site_code),
                    number_cell(w.number),
                    w.name,
                    w.location,
                    "、".join(w.queues),
                    self._state(w.active),
                )
                for w in windows
            ],
        )
        for section in (self.queues, self.windows):
            section.table.setColumnHidden(0, site is not None)

    def on_organisation_failed(self, exc: BaseException) -> None:
        self._finish_load()
        for section in (self.sites, self.departments, self.queues, self.windows):
            section.load_failed()
        show_message(self.message, user_message(exc, "organisation_list"))

    def _finish_load(self) -> None:
        self._loading = False
        if self._stale:
            self._stale = False
            self.reload()

    def _state(self, active: bool) -> str:
        return str(self.tr("在用")) if active else str(self.tr("已停用"))

    def _policy(self, queue: QueueInfo) -> str:
        text = translate(CONTEXT, POLICY_ZH.get(queue.policy, queue.policy))
        if queue.policy == "interleave":
            return str(self.tr("{policy}（每 {n} 个普通号）")).format(
                policy=text, n=queue.interleave_n
            )
        return text

    # -- dialogs ------------------------------------------------------------------------------

    def _queue_dialog(self, queue: QueueInfo | None) -> QueueDialog:
        dialog = QueueDialog(self.listing.sites, self.listing.departments, queue, self)
        if queue is None:
            self._default_site(dialog.site)
        return dialog

    def _window_dialog(self, window: WindowInfo | None) -> WindowDialog:
        dialog = WindowDialog(self.listing.sites, self.listing.queues, window, self)
        if window is None:
            self._default_site(dialog.site)
        return dialog

    def _default_site(self, combo: QComboBox) -> None:
        site = self.site_filter.currentData() or self._context.site_code
        if site:
            combo.setCurrentIndex(max(combo.findData(site), 0))

    def _open(self, dialog: RecordDialog) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.save_requested.connect(self.on_dialog_save_requested)
        dialog.open()

    @Slot()
    def on_site_add_requested(self) -> None:
        self._open(SiteDialog(parent=self))

    @Slot()
    def on_department_add_requested(self) -> None:
        self._open(DepartmentDialog(parent=self))

    @Slot()
    def on_queue_add_requested(self) -> None:
        self._open(self._queue_dialog(None))

    @Slot()
    def on_window_add_requested(self) -> None:
        self._open(self._window_dialog(None))

    @Slot(object)
    def on_section_edit_requested(self, record: Record) -> None:
        if isinstance(record, SiteInfo):
            self._open(SiteDialog(record, self))
        elif isinstance(record, DepartmentInfo):
            self._open(DepartmentDialog(record, self))
        elif isinstance(record, QueueInfo):
            self._open(self._queue_dialog(record))
        else:
            self._open(self._window_dialog(record))

    @Slot(object)
    def on_dialog_save_requested(self, record: Record) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        acting = self._context.staff
        builders: dict[type, Callable[[Any, Any], Any]] = {
            SiteInfo: save_site_op,
            DepartmentInfo: save_department_op,
            QueueInfo: save_queue_op,
            WindowInfo: save_window_op,
        }
        operation = builders[type(record)](acting, record)

        def done(saved: Record) -> None:
            dialog.saved()
            self._saved(saved)

        def failed(exc: BaseException) -> None:
            message = user_message(exc, "organisation_save")
            dialog.show_error(message)
            self.save_failed.emit(message)

        self._context.runner.submit(operation, guarded(dialog, done), guarded(dialog, failed))

    @Slot(object, bool)
    def on_section_toggle_requested(self, record: Record, active: bool) -> None:
        self.message.hide()
        self._context.runner.submit(
            set_active_op(self._context.staff, record, active),
            guarded(self, self._saved),
            guarded(self, self._toggle_failed),
        )

    def _toggle_failed(self, exc: BaseException) -> None:
        message = user_message(exc, "organisation_toggle")
        show_message(self.message, message)
        self.save_failed.emit(message)

    def _saved(self, record: Record) -> None:
        show_message(self.message, self.tr("已保存。"), ok=True)
        self.record_saved.emit(record)
        self.reload()
