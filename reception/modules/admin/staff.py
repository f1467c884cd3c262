"""管理 › 工作人员: staff accounts — add, edit, reset a password, disable, enable, unlock.

Issue #9. Everything goes through :mod:`shared.services.staff` in the background; the service
decides who may change which account (a manager may not touch an admin's account nor grant
the admin role; nobody disables or demotes their own account) and its Chinese reason is shown.
The list reloads by itself when an account changes on any terminal (change kind ``staff``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reception.callbacks import guarded
from reception.errors import user_message
from reception.i18n import QT_TRANSLATE_NOOP
from reception.modules.admin import ops
from reception.modules.admin.staff_dialogs import (
    AccountDialog,
    FormDialog,
    ResetPasswordDialog,
    TemporaryPasswordDialog,
)
from reception.modules.admin.widgets import message_label, show_message
from reception.registry import ModuleContext
from reception.roles import roles_text
from shared.changes import ChangeRecord, touches
from shared.clock import utcnow
from shared.qt.table_cells import LOCK_PICTOGRAM
from shared.qt.tables import Cell, Column, DataTable, Row, clock_text
from shared.services.staff import StaffInfo, grantable_roles

WATCHED = frozenset({"staff", "organisation"})


class StaffPage(QWidget):
    """The account list and its actions.

    Signals:
        staff_loaded(int): the list was (re)loaded with this many accounts.
        load_failed(str): loading failed; the Chinese message shown.
        action_done(str): a change was saved; the message shown.
        action_failed(str): a change was refused or failed; the Chinese reason shown.
        password_shown(str): a temporary password is on screen (the account's username).
    """

    staff_loaded = Signal(int)
    load_failed = Signal(str)
    action_done = Signal(str)
    action_failed = Signal(str)
    password_shown = Signal(str)

    #: (title, kind): every column sorts (a manager looks for a person, a role, a site).
    COLUMNS = (
        (QT_TRANSLATE_NOOP("StaffPage", "用户名"), "code"),
        (QT_TRANSLATE_NOOP("StaffPage", "姓名"), "text"),
        (QT_TRANSLATE_NOOP("StaffPage", "角色"), "main"),
        (QT_TRANSLATE_NOOP("StaffPage", "所属站点"), "text"),
        (QT_TRANSLATE_NOOP("StaffPage", "状态"), "text"),
    )

    def __init__(self, context: ModuleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("admin_staff")
        self._context = context
        self._loading = False
        self._stale = False
        self._rows: list[StaffInfo] = []
        self._sites: list[ops.SiteChoice] = []
        self.dialog: QDialog | None = None

        title = QLabel(self.tr("工作人员账号"))
        title.setProperty("role", "title")
        self.summary = QLabel(self.tr("正在读取账号…"))
        self.summary.setProperty("role", "muted")
        self.summary.setAccessibleName(self.tr("账号统计"))
        self.add_button = self._button("staff_add", self.tr("新增账号"), "primary")
        self.refresh_button = self._button("staff_refresh", self.tr("刷新"))
        self.refresh_button.setAccessibleName(self.tr("刷新账号列表"))
        self.message = message_label("staff_message")

        # A locked account is selected first: 解锁 is what its owner is waiting for.
        self.table = DataTable(
            [Column(self.tr(title), kind, True) for title, kind in self.COLUMNS],
            self.tr("工作人员账号列表"),
            select="urgent_only",
            empty_text=self.tr("还没有账号。"),
        )
        self.table.setObjectName("staff_table")
        self.table.set_loading(True, self.tr("正在读取账号…"))

        self.edit_button = self._button("staff_edit", self.tr("编辑"))
        self.reset_button = self._button("staff_reset", self.tr("重置密码"))
        self.disable_button = self._button("staff_disable", self.tr("停用"), "danger")
        self.enable_button = self._button("staff_enable", self.tr("启用"))
        self.unlock_button = self._button("staff_unlock", self.tr("解锁"))
        self._row_buttons = (
            self.edit_button,
            self.reset_button,
            self.disable_button,
            self.enable_button,
            self.unlock_button,
        )

        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(self.summary)
        top.addStretch(1)
        top.addWidget(self.add_button)
        top.addWidget(self.refresh_button)
        actions = QHBoxLayout()
        actions.setSpacing(12)
        hint = QLabel(self.tr("选中一个账号后："))
        hint.setProperty("role", "muted")
        actions.addWidget(hint)
        for button in self._row_buttons:
            actions.addWidget(button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

        self.add_button.clicked.connect(self.on_add_clicked)
        self.refresh_button.clicked.connect(self.on_refresh_clicked)
        self.edit_button.clicked.connect(self.on_edit_clicked)
        self.reset_button.clicked.connect(self.on_reset_clicked)
        self.disable_button.clicked.connect(self.on_disable_clicked)
        self.enable_button.clicked.connect(self.on_enable_clicked)
        self.unlock_button.clicked.connect(self.on_unlock_clicked)
        self.table.itemSelectionChanged.connect(self.on_table_selection_changed)
        context.hub.changes_arrived.connect(self.on_changes_arrived)
        self.on_table_selection_changed()
        self.reload()

    def _button(self, name: str, text: str, role: str | None = None) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text)
        if role:
            button.setProperty("role", role)
        return button

    # -- loading --------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the accounts in the background (once more afterwards if asked meanwhile)."""
        if self._loading:
            self._stale = True
            return
        self._loading = True
        self._context.runner.submit(
            ops.load_staff,
            guarded(self, self.on_staff_ready),
            guarded(self, self.on_staff_failed),
            write=False,
        )

    def on_staff_ready(self, listing: ops.StaffListing) -> None:
        self._rows, self._sites = listing.rows, listing.sites
        names = {site.code: site.name for site in listing.sites}
        now = utcnow()
        rows = []
        for info in self._rows:
            site = names.get(info.site_code, info.site_code) if info.site_code else None
            locked = info.locked_at(now)
            status = Cell(
                self._status(info, now),
                tone="warning" if locked else None,
                icon=LOCK_PICTOGRAM if locked else None,
            )
            values = (
                info.username,
                info.display_name,
                roles_text(info.roles),
                site or self.tr("全部站点"),
                status,
            )
            tone = "muted" if info.disabled else None
            rows.append(Row(info.username, values, data=info, urgency=int(locked), tone=tone))
        self.table.set_rows(rows)
        self.summary.setText(self.tr("共 {count} 个账号").format(count=len(self._rows)))
        self.on_table_selection_changed()
        self._finish_load()
        self.staff_loaded.emit(len(self._rows))

    def on_staff_failed(self, exc: BaseException) -> None:
        self._finish_load()
        self.table.set_loading(False)
        message = user_message(exc, "staff_list")
        show_message(self.message, message)
        self.load_failed.emit(message)

    def _finish_load(self) -> None:
        self._loading = False
        if self._stale:
            self._stale = False
            self.reload()

    def _status(self, info: StaffInfo, now: datetime) -> str:
        if info.disabled:
            return str(self.tr("已停用"))
        if info.locked_at(now) and info.locked_until is not None:
            until = clock_text(info.locked_until, now)
            return str(self.tr("已锁定至 {time}")).format(time=until)
        if info.must_change_password:
            return str(self.tr("待修改密码"))
        return str(self.tr("正常"))

    @Slot(list)
    def on_changes_arrived(self, batch: list[ChangeRecord]) -> None:
        if touches(batch, *WATCHED):
            self.reload()

    @Slot()
    def on_refresh_clicked(self) -> None:
        self.reload()

    # -- selection ------------------------------------------------------------------------

    def selected(self) -> StaffInfo | None:
        """The account of the selected row."""
        info = self.table.selected_data()
        return info if isinstance(info, StaffInfo) else None

    def select_username(self, username: str) -> None:
        """Select the row of ``username``."""
        self.table.select_key(username)

    @Slot()
    def on_table_selection_changed(self) -> None:
        info = self.selected()
        for button in self._row_buttons:
            button.setEnabled(info is not None)
        if info is None:
            return
        locked = info.locked_at(utcnow())
        self.disable_button.setEnabled(not info.disabled)
        self.enable_button.setEnabled(info.disabled)
        self.unlock_button.setEnabled(locked)

    # -- actions --------------------------------------------------------------------------

    def _open(self, dialog: QDialog, on_submitted: Callable[[], None] | None = None) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if isinstance(dialog, FormDialog) and on_submitted is not None:
            dialog.submitted.connect(on_submitted)
        self.dialog = dialog
        dialog.open()

    def _grantable(self) -> tuple[str, ...]:
        return grantable_roles(self._context.staff.roles)

    @Slot()
    def on_add_clicked(self) -> None:
        dialog = AccountDialog(self._sites, self._grantable(), None, self)
        self._open(
            dialog, lambda: self._run(ops.add_account(self._me(), dialog.form()), "added", dialog)
        )

    @Slot()
    def on_edit_clicked(self) -> None:
        info = self.selected()
        if info is None:
            return
        dialog = AccountDialog(self._sites, self._grantable(), info, self)
        self._open(
            dialog, lambda: self._run(ops.edit_account(self._me(), dialog.form()), "saved", dialog)
        )

    @Slot()
    def on_reset_clicked(self) -> None:
        info = self.selected()
        if info is None:
            return
        dialog = ResetPasswordDialog(info, self)
        username = info.username

        def submitted() -> None:
            operation = ops.reset_account_password(self._me(), username, dialog.chosen_password())
            self._run(
                operation,
                "reset",
                dialog,
                lambda password: self._show_password(username, password),
            )

        self._open(dialog, submitted)

    @Slot()
    def on_disable_clicked(self) -> None:
        self._on_row(lambda u: ops.set_account_disabled(self._me(), u, True), "disabled")

    @Slot()
    def on_enable_clicked(self) -> None:
        self._on_row(lambda u: ops.set_account_disabled(self._me(), u, False), "enabled")

    @Slot()
    def on_unlock_clicked(self) -> None:
        self._on_row(lambda u: ops.unlock_account(self._me(), u), "unlocked")

    def _on_row(self, build: Callable[[str], ops.Op], done: str) -> None:
        info = self.selected()
        if info is not None:
            self._run(build(info.username), done)

    def _me(self) -> StaffInfo:
        return self._context.staff

    def _run(
        self,
        operation: ops.Op,
        done: str,
        dialog: FormDialog | None = None,
        then: Callable[[Any], None] | None = None,
    ) -> None:
        """Run a change; on success close ``dialog`` and say so, else show the reason in the
        dialog (kept open, as typed) or on the page."""

        def finished(result: Any) -> None:
            if dialog is not None:
                dialog.accept()
            text = self.tr(DONE_TEXTS[done])
            show_message(self.message, text, ok=True)
            self.reload()  # at once; the change feed brings it to the other terminals
            self.action_done.emit(text)
            if then is not None:
                then(result)

        def failed(exc: BaseException) -> None:
            text = user_message(exc, f"staff_{done}")
            if dialog is not None and shiboken6.isValid(dialog):
                dialog.show_error(text)
            else:
                show_message(self.message, text)
            self.action_failed.emit(text)

        self._context.runner.submit(operation, guarded(self, finished), guarded(self, failed))

    def _show_password(self, username: str, password: str) -> None:
        dialog = TemporaryPasswordDialog(username, password, self)
        self._open(dialog)
        self.password_shown.emit(username)


DONE_TEXTS = {
    "added": QT_TRANSLATE_NOOP("StaffPage", "账号已添加。首次登录时须修改密码。"),
    "saved": QT_TRANSLATE_NOOP("StaffPage", "账号已保存。"),
    "reset": QT_TRANSLATE_NOOP("StaffPage", "密码已重置。对方下次登录时须修改密码。"),
    "disabled": QT_TRANSLATE_NOOP("StaffPage", "账号已停用。"),
    "enabled": QT_TRANSLATE_NOOP("StaffPage", "账号已启用。"),
    "unlocked": QT_TRANSLATE_NOOP("StaffPage", "账号已解锁。"),
}
