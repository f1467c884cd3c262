"""管理 › 系统设置: every setting with its Chinese label, the value in force and its source.

Issue #9. A value is edited as text, for the whole hall or for one site, through
:func:`shared.services.settings.change_setting`; a bad value shows the service's Chinese reason
next to the field and writes nothing. 恢复上一级 removes the value at the chosen level so the
next level (the hall-wide value, else the default) applies again. The page reloads when a
setting changes on any terminal (change kind ``setting``).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from reception.callbacks import guarded
from reception.errors import user_message
from reception.modules.admin import ops
from reception.modules.admin.widgets import (
    fill_sites,
    message_label,
    show_message,
    source_text,
)
from reception.registry import ModuleContext
from shared.changes import ChangeRecord, touches
from shared.services.settings import SettingValue

WATCHED = frozenset({"setting", "organisation"})


@dataclass
class SettingRow:
    """The widgets of one setting."""

    label: QLabel
    editor: QLineEdit
    source: QLabel
    save: QPushButton
    reset: QPushButton
    error: QLabel


class SettingsPage(QWidget):
    """All settings, editable as text for the whole hall or one site.

    Signals:
        settings_loaded(int): the list was (re)loaded with this many settings.
        setting_saved(str): a setting (its key) was changed or reset.
        setting_refused(str, str): a setting's key and the Chinese reason it was refused.
    """

    settings_loaded = Signal(int)
    setting_saved = Signal(str)
    setting_refused = Signal(str, str)

    def __init__(self, context: ModuleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("admin_settings")
        self._context = context
        self._site: str | None = None
        self._loading = False
        self._stale = False
        self.values: dict[str, SettingValue] = {}
        self.rows: dict[str, SettingRow] = {}

        title = QLabel(self.tr("系统设置"))
        title.setProperty("role", "title")
        scope_label = QLabel(self.tr("适用范围(&S)"))
        self.scope = QComboBox()
        self.scope.setObjectName("settings_scope")
        self.scope.setAccessibleName(self.tr("设置适用范围"))
        self.scope.setMinimumContentsLength(14)
        scope_label.setBuddy(self.scope)
        fill_sites(self.scope, [], self.tr("全大厅（所有站点）"), None)
        hint = QLabel(
            self.tr("站点的设置优先于全大厅的设置；未设置时使用默认值。保存后各终端即时生效。")
        )
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        self.message = message_label("settings_message")

        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(1, 1)
        for column, text in enumerate(
            (self.tr("设置项"), self.tr("当前值"), self.tr("来源"), "", "")
        ):
            head = QLabel(text)
            head.setProperty("role", "muted")
            self.grid.addWidget(head, 0, column)
        body = QFrame()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(self.grid)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)

        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(scope_label)
        top.addWidget(self.scope)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addWidget(scroll, 1)

        self.scope.currentIndexChanged.connect(self.on_scope_changed)
        context.hub.changes_arrived.connect(self.on_changes_arrived)
        self.reload()

    # -- loading --------------------------------------------------------------------------

    def site(self) -> str | None:
        """The chosen site's code, or None for the whole hall."""
        return self._site

    def choose_site(self, code: str | None) -> None:
        """Show and edit the settings of site ``code`` (None: the whole hall)."""
        self.scope.setCurrentIndex(max(self.scope.findData(code), 0) if code else 0)

    def reload(self) -> None:
        """Read the settings in force for the chosen scope in the background."""
        if self._loading:
            self._stale = True
            return
        self._loading = True
        self._context.runner.submit(
            ops.load_settings(self._site),
            guarded(self, self.on_settings_ready),
            guarded(self, self.on_settings_failed),
            write=False,
        )

    def on_settings_ready(self, listing: ops.SettingsListing) -> None:
        self._loading = False
        if self._stale or listing.site != self._site:
            self._stale = False
            self.reload()
            return
        fill_sites(self.scope, listing.sites, self.tr("全大厅（所有站点）"), self._site)
        for value in listing.values:
            self.values[value.key] = value
            row = self.rows.get(value.key) or self._add_row(value)
            self._show(row, value)
        self.settings_loaded.emit(len(listing.values))

    def on_settings_failed(self, exc: BaseException) -> None:
        self._loading = False
        show_message(self.message, user_message(exc, "settings_list"))

    def _add_row(self, value: SettingValue) -> SettingRow:
        line = 1 + 2 * len(self.rows)
        label = QLabel(value.label_zh)
        label.setToolTip(value.help_en)
        editor = QLineEdit()
        editor.setObjectName(f"setting_{value.key}")
        editor.setAccessibleName(value.label_zh)
        label.setBuddy(editor)
        source = QLabel()
        source.setObjectName(f"setting_{value.key}_source")
        source.setMinimumWidth(96)
        save = QPushButton(self.tr("保存"))
        save.setObjectName(f"setting_{value.key}_save")
        save.setAccessibleName(self.tr("保存{label}").format(label=value.label_zh))
        reset = QPushButton(self.tr("恢复上一级"))
        reset.setObjectName(f"setting_{value.key}_reset")
        reset.setAccessibleName(self.tr("{label}恢复上一级").format(label=value.label_zh))
        error = message_label(f"setting_{value.key}_error")
        self.grid.addWidget(label, line, 0)
        self.grid.addWidget(editor, line, 1)
        self.grid.addWidget(source, line, 2)
        self.grid.addWidget(save, line, 3)
        self.grid.addWidget(reset, line, 4)
        self.grid.addWidget(error, line + 1, 1, 1, 4)
        row = SettingRow(label, editor, source, save, reset, error)
        self.rows[value.key] = row
        key = value.key
        save.clicked.connect(lambda: self.on_save_clicked(key))
        reset.clicked.connect(lambda: self.on_reset_clicked(key))
        editor.returnPressed.connect(lambda: self.on_save_clicked(key))
        return row

    def _show(self, row: SettingRow, value: SettingValue, *, force: bool = False) -> None:
        """Show ``value``; a draft being typed (a modified editor) is kept unless ``force``,
        so a change arriving from another terminal never wipes what someone is typing."""
        editable = value.site_scoped or self._site is None
        if force or not row.editor.isModified():
            row.editor.setText(value.text)
            row.editor.setCursorPosition(0)
        row.editor.setReadOnly(not editable)
        row.save.setEnabled(editable)
        at_this_level = "site" if self._site else "hall"
        row.reset.setEnabled(editable and value.source == at_this_level)
        row.source.setText(source_text(value.source))
        if not editable:
            row.editor.setToolTip(self.tr("此项只能在“全大厅”范围修改。"))
        row.error.hide()

    @Slot(list)
    def on_changes_arrived(self, batch: list[ChangeRecord]) -> None:
        if touches(batch, *WATCHED):
            self.reload()

    @Slot(int)
    def on_scope_changed(self, _index: int) -> None:
        self._site = self.scope.currentData()
        self.message.hide()
        for row in self.rows.values():
            row.editor.setModified(False)  # drafts belong to the scope they were typed for
        self.reload()

    # -- changing -------------------------------------------------------------------------

    def on_save_clicked(self, key: str) -> None:
        row = self.rows[key]
        if row.editor.isReadOnly():
            return
        operation = ops.change_setting(self._context.staff, key, row.editor.text(), self._site)
        self._run(key, operation)

    def on_reset_clicked(self, key: str) -> None:
        self._run(key, ops.reset_setting(self._context.staff, key, self._site))

    def _run(self, key: str, operation: ops.Op) -> None:
        row = self.rows[key]
        row.error.hide()
        site = self._site

        def done(value: SettingValue) -> None:
            if site == self._site:
                self.values[key] = value
                self._show(row, value, force=True)
            text = self.tr("已保存：{label}").format(label=value.label_zh)
            show_message(self.message, text, ok=True)
            self.setting_saved.emit(key)

        def failed(exc: BaseException) -> None:
            reason = user_message(exc, "setting_change")
            show_message(row.error, reason)
            row.editor.setFocus(Qt.FocusReason.OtherFocusReason)
            self.setting_refused.emit(key, reason)

        self._context.runner.submit(operation, guarded(self, done), guarded(self, failed))
