"""管理 → 自助机密码 (issue #9): the kiosk admin PIN per site or per terminal.

The table shows, for the whole hall, each site and each terminal, whether a PIN opens its
kiosks and where it comes from (set here, or inherited from the site or the hall) — never the
PIN — and whether its pad is locked after wrong guesses. A new PIN is typed twice, masked,
and goes to :mod:`shared.services.kiosk_pin` (hashed, audited with the signed-in staff
member) through :mod:`reception.modules.admin.pin_ops`; 解除锁定 clears a lockout.

The page keeps itself current (issue #9): it reloads when the change feed brings settings,
terminals, organisation or kiosk PIN changes — a PIN set, a wrong PIN counted, a pad locked or
unlocked on any terminal — and when the earliest lock it shows runs out, so there is no 刷新
button.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reception.callbacks import guarded
from reception.errors import user_message
from reception.i18n import QT_TRANSLATE_NOOP, translate
from reception.modules.admin.pin_ops import (
    HALL,
    SITE,
    PinRow,
    load_pins,
    set_pin_op,
    unlock_op,
)
from reception.modules.admin.widgets import message_label, show_message
from reception.registry import ModuleContext
from shared.changes import ChangeRecord, touches
from shared.clock import utcnow
from shared.qt.table_cells import LOCK_PICTOGRAM
from shared.qt.tables import Cell, Column, ColumnKind, DataTable, Row, clock_text, number_cell
from shared.services.kiosk_pin import CHANGE_KIND, LOCKOUT, MAX_FAILURES

CONTEXT = "KioskPinPage"
KINDS = ("setting", "terminal", "organisation", CHANGE_KIND)
#: Reload this long after the earliest lock shown should run out (clock skew between hosts).
EXPIRY_MARGIN_MS = 500
#: (title, kind, sortable).
COLUMNS: tuple[tuple[str, ColumnKind, bool], ...] = (
    ("范围", "text", True),
    ("名称", "main", True),
    ("站点", "text", True),
    ("密码", "text", True),
    ("错误次数", "number", True),
    ("锁定", "text", True),
)
#: A PIN source that leaves a kiosk with no way out for staff.
NO_PIN = "none"
SCOPES = {
    "hall": QT_TRANSLATE_NOOP(CONTEXT, "全局"),
    "site": QT_TRANSLATE_NOOP(CONTEXT, "站点"),
    "terminal": QT_TRANSLATE_NOOP(CONTEXT, "终端"),
}
SOURCES = {
    "own": QT_TRANSLATE_NOOP(CONTEXT, "已设置"),
    "site": QT_TRANSLATE_NOOP(CONTEXT, "沿用站点密码"),
    "hall": QT_TRANSLATE_NOOP(CONTEXT, "沿用全局密码"),
    "none": QT_TRANSLATE_NOOP(CONTEXT, "未设置（自助机无法退出）"),
}
for _spec in COLUMNS:
    QT_TRANSLATE_NOOP(CONTEXT, _spec[0])


def _pin_field(name: str, accessible: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setAccessibleName(accessible)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(12)
    field.setInputMethodHints(
        Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData
    )
    return field


class KioskPinPage(QWidget):
    """The 自助机密码 page of 管理.

    Signals:
        pins_loaded(list): the table was (re)filled with these :class:`PinRow`.
        pin_saved(str): a PIN was set; the scope (``site:CODE``, ``terminal:CODE``, ``hall``).
        pin_failed(str): setting a PIN or unlocking was refused; the Chinese reason shown.
        unlocked(bool): a lockout was cleared (True when the pad had been locked).
    """

    pins_loaded = Signal(list)
    pin_saved = Signal(str)
    pin_failed = Signal(str)
    unlocked = Signal(bool)

    def __init__(self, context: ModuleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("admin_kiosk_pin")
        self._context = context
        self._loading = False
        self._stale = False
        self.rows: list[PinRow] = []
        # A lock running out writes nothing to the feed: look again when the earliest one does.
        self._expiry = QTimer(self)
        self._expiry.setSingleShot(True)

        title = QLabel(self.tr("自助机密码"))
        title.setProperty("role", "title")
        intro = QLabel(
            self.tr(
                "工作人员退出自助机时输入此密码。终端密码优先于站点密码，站点密码优先于全局密码。"
            )
        )
        intro.setProperty("role", "muted")
        intro.setWordWrap(True)
        # A locked pad, else a kiosk with no PIN at all, is selected first.
        self.table = DataTable(
            [Column(translate(CONTEXT, t), kind, sort) for t, kind, sort in COLUMNS],
            self.tr("自助机密码设置情况"),
            select="urgent_only",
        )
        self.table.setObjectName("pin_table")
        self.table.set_loading(True, self.tr("正在读取自助机密码设置…"))

        self.target = QLabel(self.tr("请在左侧选择全局、站点或终端。"))
        self.target.setObjectName("pin_target")
        self.target.setWordWrap(True)
        self.pin = _pin_field("pin_new", self.tr("新密码"))
        self.again = _pin_field("pin_again", self.tr("再次输入新密码"))
        rule = QLabel(self.tr("6 至 12 位数字，不能是重复或连续的数字。"))
        rule.setProperty("role", "muted")
        rule.setWordWrap(True)
        self.save_button = QPushButton(self.tr("保存密码"))
        self.save_button.setObjectName("pin_save")
        self.save_button.setProperty("role", "primary")
        self.save_button.setAccessibleName(self.tr("保存自助机密码"))
        self.unlock_button = QPushButton(self.tr("解除锁定"))
        self.unlock_button.setObjectName("pin_unlock")
        self.unlock_button.setAccessibleName(self.tr("解除所选自助机的密码锁定"))
        self.message = message_label("pin_message")

        card = QFrame()
        card.setObjectName("pin_card")
        card.setProperty("role", "card")
        card.setFixedWidth(480)
        heading = QLabel(self.tr("设置密码"))
        heading.setProperty("role", "title")
        lock_heading = QLabel(self.tr("输错锁定"))
        lock_heading.setProperty("role", "title")
        lock_note = QLabel(
            self.tr("自助机上连续输错 {n} 次密码，会锁定 {minutes} 分钟。可在此提前解除。").format(
                n=MAX_FAILURES, minutes=int(LOCKOUT.total_seconds() // 60)
            )
        )
        lock_note.setProperty("role", "muted")
        lock_note.setWordWrap(True)
        form = QFormLayout()
        form.setSpacing(12)
        form.addRow(self.tr("新密码(&N)"), self.pin)
        form.addRow(self.tr("再输一次(&A)"), self.again)
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(20, 20, 20, 20)
        card_layout.setSpacing(12)
        card_layout.addWidget(heading)
        card_layout.addWidget(self.target)
        card_layout.addLayout(form)
        card_layout.addWidget(rule)
        card_layout.addWidget(self.save_button)
        card_layout.addWidget(self.message)
        card_layout.addSpacing(24)
        card_layout.addWidget(lock_heading)
        card_layout.addWidget(lock_note)
        card_layout.addWidget(self.unlock_button)
        card_layout.addStretch(1)

        left = QVBoxLayout()
        left.setSpacing(12)
        left.addWidget(title)
        left.addWidget(intro)
        left.addWidget(self.table, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(16)
        layout.addLayout(left, 1)
        layout.addWidget(card)

        self._expiry.timeout.connect(self.on_expiry_timeout)
        self.table.itemSelectionChanged.connect(self.on_table_selection_changed)
        self.save_button.clicked.connect(self.on_save_clicked)
        self.unlock_button.clicked.connect(self.on_unlock_clicked)
        context.hub.changes_arrived.connect(self.on_changes_arrived)
        self.on_table_selection_changed()
        self.reload()

    # -- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the PIN state in the background (once more afterwards if asked meanwhile)."""
        if self._loading:
            self._stale = True
            return
        self._loading = True
        self._context.runner.submit(
            load_pins,
            guarded(self, self.on_pins_ready),
            guarded(self, self._load_failed),
            write=False,
        )

    @Slot()
    def on_expiry_timeout(self) -> None:
        self.reload()

    @Slot(list)
    def on_changes_arrived(self, batch: list[ChangeRecord]) -> None:
        if touches(batch, *KINDS):
            self.reload()

    def on_pins_ready(self, rows: list[PinRow]) -> None:
        self._loading = False
        self.rows = rows
        now = utcnow()
        self.table.set_rows([self._row(row, now) for row in rows])
        self.on_table_selection_changed()
        self._watch_expiry(rows, now)
        if self._stale:
            self._stale = False
            self.reload()
        self.pins_loaded.emit(rows)

    def _row(self, row: PinRow, now: datetime) -> Row:
        locked = row.locked_at(now)
        missing = row.source == NO_PIN
        until = self.tr("锁定至 {time}").format(time=clock_text(row.locked_until, now))
        values = (
            translate(CONTEXT, SCOPES[row.target.kind]),
            row.target.name if row.target.kind != HALL else self.tr("全部站点（默认）"),
            row.site_name,
            Cell(translate(CONTEXT, SOURCES[row.source]), tone="warning" if missing else None),
            number_cell(row.failures) if row.target.kind != HALL else "",
            Cell(until, tone="urgent", icon=LOCK_PICTOGRAM) if locked else "",
        )
        urgency = 2 if locked else int(missing)
        return Row((row.target.kind, row.target.code), values, data=row, urgency=urgency)

    def _watch_expiry(self, rows: list[PinRow], now: datetime) -> None:
        """Reload when the earliest lock shown runs out (or stop waiting if none is shown)."""
        upcoming = [r.locked_until for r in rows if r.locked_until and r.locked_until > now]
        if not upcoming:
            self._expiry.stop()
            return
        wait_ms = int((min(upcoming) - now).total_seconds() * 1000)
        self._expiry.start(wait_ms + EXPIRY_MARGIN_MS)

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = False
        self.table.set_loading(False)
        show_message(self.message, user_message(exc, "kiosk_pin_list"))

    # -- selection ----------------------------------------------------------------------------

    def selected(self) -> PinRow | None:
        """The selected line, if any."""
        row = self.table.selected_data()
        return row if isinstance(row, PinRow) else None

    def select(self, kind: str, code: str | None) -> None:
        """Select the line of the hall, a site or a terminal (tests; after a reload)."""
        if self.table.row_of((kind, code)) is not None:
            self.table.select_key((kind, code))

    @Slot()
    def on_table_selection_changed(self) -> None:
        row = self.selected()
        self.save_button.setEnabled(row is not None)
        self.unlock_button.setEnabled(row is not None and row.target.kind != HALL)
        if row is None:
            self.target.setText(self.tr("请在左侧选择全局、站点或终端。"))
        elif row.target.kind == HALL:
            self.target.setText(self.tr("全局密码：没有自己密码的站点和终端都用它。"))
        elif row.target.kind == SITE:
            self.target.setText(self.tr("站点：{name}").format(name=row.target.name))
        else:
            self.target.setText(self.tr("终端：{name}").format(name=row.target.name))

    # -- actions ------------------------------------------------------------------------------

    @Slot()
    def on_save_clicked(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.message.hide()
        self.save_button.setEnabled(False)
        operation = set_pin_op(self._context.staff, row.target, self.pin.text(), self.again.text())
        self._context.runner.submit(
            operation, guarded(self, self._pin_saved), guarded(self, self._refused)
        )

    def _pin_saved(self, scope: str) -> None:
        self.pin.clear()
        self.again.clear()
        self.save_button.setEnabled(self.selected() is not None)
        show_message(
            self.message, self.tr("密码已保存。请告知需要的工作人员，不要写在自助机旁。"), ok=True
        )
        self.pin_saved.emit(scope)
        self.reload()

    def _refused(self, exc: BaseException) -> None:
        self.save_button.setEnabled(self.selected() is not None)
        message = user_message(exc, "kiosk_pin")
        show_message(self.message, message)
        self.pin_failed.emit(message)

    @Slot()
    def on_unlock_clicked(self) -> None:
        row = self.selected()
        if row is None or row.target.kind == HALL:
            return
        self._context.runner.submit(
            unlock_op(self._context.staff, row.target),
            guarded(self, self._unlocked),
            guarded(self, self._refused),
        )

    def _unlocked(self, was_locked: bool) -> None:
        text = (
            self.tr("已解除锁定。")
            if was_locked
            else self.tr("该自助机没有被锁定，已清零错误次数。")
        )
        show_message(self.message, text, ok=True)
        self.unlocked.emit(was_locked)
        self.reload()
