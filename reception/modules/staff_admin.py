"""管理: staff accounts, read-only for now (editing comes with the administration issue)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reception.callbacks import guarded
from reception.errors import user_message
from reception.i18n import QT_TRANSLATE_NOOP
from reception.operations import staff_with_site_names
from reception.registry import ModuleContext, ModuleRegistry
from reception.roles import roles_text
from reception.views.tables import read_only_table
from shared.changes import ChangeRecord
from shared.clock import to_local, utcnow
from shared.services.staff import StaffInfo

KEY = "admin"
TITLE = QT_TRANSLATE_NOOP("Modules", "管理")
ROLES = ("admin", "manager")


class StaffAdminPage(QWidget):
    """The staff account list; reloads by itself when an account changes anywhere.

    Signals:
        staff_loaded(int): the list was (re)loaded with this many accounts.
        load_failed(str): loading failed; the Chinese message shown.
    """

    staff_loaded = Signal(int)
    load_failed = Signal(str)

    COLUMNS = (
        QT_TRANSLATE_NOOP("StaffAdminPage", "用户名"),
        QT_TRANSLATE_NOOP("StaffAdminPage", "姓名"),
        QT_TRANSLATE_NOOP("StaffAdminPage", "角色"),
        QT_TRANSLATE_NOOP("StaffAdminPage", "站点"),
        QT_TRANSLATE_NOOP("StaffAdminPage", "状态"),
    )

    def __init__(self, context: ModuleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"module_{KEY}")
        self._context = context
        self._loading = False
        self._stale = False

        title = QLabel(self.tr("工作人员账号"))
        title.setProperty("role", "title")
        self.summary = QLabel(self.tr("正在读取账号…"))
        self.summary.setProperty("role", "muted")
        self.summary.setAccessibleName(self.tr("账号统计"))
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.setAccessibleName(self.tr("刷新账号列表"))
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()

        self.table = read_only_table(
            [self.tr(c) for c in self.COLUMNS], self.tr("工作人员账号列表")
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        note = QLabel(self.tr("本版本只能查看账号；新增、改密码、停用请用 hall user 命令。"))
        note.setProperty("role", "muted")
        note.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.summary)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)

        self.refresh_button.clicked.connect(self.on_refresh_clicked)
        context.hub.changes_arrived.connect(self.on_changes_arrived)
        self.reload()

    def reload(self) -> None:
        """Read the accounts in the background (once more afterwards if asked meanwhile)."""
        if self._loading:
            self._stale = True
            return
        self._loading = True
        self._context.runner.submit(
            staff_with_site_names,
            guarded(self, self.on_staff_ready),
            guarded(self, self.on_staff_failed),
            write=False,
        )

    @Slot()
    def on_refresh_clicked(self) -> None:
        self.reload()

    @Slot(list)
    def on_changes_arrived(self, batch: list[ChangeRecord]) -> None:
        if any(record.kind == "staff" for record in batch):
            self.reload()

    def on_staff_ready(self, result: tuple[list[StaffInfo], dict[str, str]]) -> None:
        rows, site_names = result
        self._finish_load()
        self.error.hide()
        now = utcnow()
        self.table.setRowCount(len(rows))
        for row, info in enumerate(rows):
            values = (
                info.username,
                info.display_name,
                roles_text(info.roles),
                site_names.get(info.site_code, info.site_code)
                if info.site_code
                else self.tr("全部站点"),
                self._status(info, now),
            )
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.summary.setText(self.tr("共 {count} 个账号").format(count=len(rows)))
        self.staff_loaded.emit(len(rows))

    def on_staff_failed(self, exc: BaseException) -> None:
        self._finish_load()
        message = user_message(exc, "staff_list")
        self.error.setText(message)
        self.error.show()
        self.load_failed.emit(message)

    def _finish_load(self) -> None:
        self._loading = False
        if self._stale:
            self._stale = False
            self.reload()

    def _status(self, info: StaffInfo, now: datetime) -> str:
        if info.disabled:
            return str(self.tr("已停用"))
        if info.locked_until is not None and info.locked_until > now:
            until = to_local(info.locked_until).strftime("%H:%M")
            return str(self.tr("已锁定至 {time}")).format(time=until)
        return str(self.tr("正常"))


def register(registry: ModuleRegistry) -> None:
    """Register the 管理 module."""
    registry.register_module(KEY, TITLE, ROLES, StaffAdminPage)
