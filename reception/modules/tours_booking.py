"""The booking dialog (预约参观接待): the form, its conflicts shown live, and the override path.

Every change to the time, route, size, docents or 延时 restarts a 300 ms timer; when it fires
the rules are checked in the background (``check_conflicts`` through the console's
TaskRunner, never on the GUI thread) and each conflict is shown as one Chinese line. A result
for an older state of the form is dropped. 预约 stays disabled while the check runs, while
the form is incomplete and while any conflict stands; a manager or admin may book over
overridable conflicts with 强制预约 and a written reason, which the service audits. A refusal
from the service itself (another console took the docent or the last places first) is shown
plainly and the check runs again.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from PySide6.QtCore import QDate, QEvent, QSize, QTime, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from reception.callbacks import guarded
from reception.errors import user_message
from reception.modules import tours_ops as ops
from shared.qt.tasks import TaskRunner
from shared.services.staff import StaffInfo
from shared.services.tours_rules import OVERRIDE_ROLES
from shared.services.tours_views import TourView

DEBOUNCE_MS = 300
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
MAX_VISITORS = 500


def spin_field(spin: QAbstractSpinBox, name: str) -> None:
    """Name a spin box (date, time, number) and its inner editor, which a screen reader
    reaches on its own, and make it a full-size touch target (theme role ``tour_input``:
    typed, or stepped with the arrow keys and the wheel; no tiny step buttons)."""
    spin.setProperty("role", "tour_input")
    spin.setAccessibleName(name)
    editor = spin.findChild(QLineEdit)
    if editor is not None:
        editor.setAccessibleName(name)
        editor.setTextMargins(6, 0, 0, 0)


def fit_placeholder(field: QLineEdit) -> None:
    """Make ``field`` at least wide enough to show its whole placeholder (in the stylesheet's
    font, with its padding and border)."""
    field.ensurePolished()
    text = field.placeholderText()
    margins = field.textMargins()
    # The stylesheet's padding (8 px a side), border (2 px a side) and Qt's own text margin.
    chrome = 2 * (8 + 2 + 2) + margins.left() + margins.right() + 8
    field.setMinimumWidth(math.ceil(field.fontMetrics().horizontalAdvance(text)) + chrome)


class NotesEdit(QPlainTextEdit):
    """备注: two lines tall, whatever the stylesheet's minimum height for fields (a fixed
    72 px box lost to that minimum and showed a scroll bar's handle as a grey square in an
    empty field); Tab moves on to the next field."""

    LINES = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        self.ensurePolished()
        lines = self.fontMetrics().lineSpacing() * self.LINES
        frame = 2 * (self.frameWidth() + 4) + 2 * int(self.document().documentMargin()) + 8
        return QSize(super().sizeHint().width(), lines + frame)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.Polish:
            # The stylesheet's min-height is applied while polishing: raise it to two lines.
            self.setMinimumHeight(self.sizeHint().height())
        return handled


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


class BookingDialog(QDialog):
    """The booking form with live conflicts.

    Signals:
        conflicts_checked(list): the Chinese lines shown after a check (empty: no conflict).
        tour_booked(object): the service booked the tour (its :class:`TourView`).
        booking_failed(str): the service refused or failed; the Chinese message shown.
    """

    conflicts_checked = Signal(list)
    tour_booked = Signal(object)
    booking_failed = Signal(str)

    def __init__(
        self,
        options: ops.BookingOptions,
        runner: TaskRunner,
        staff: StaffInfo,
        day: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("tour_booking_dialog")
        self.setWindowTitle(self.tr("预约参观接待"))
        self.setAccessibleName(self.tr("预约参观接待"))
        self._options = options
        self._runner = runner
        self._staff = staff
        self.may_override = any(role in OVERRIDE_ROLES for role in staff.roles)
        self._generation = 0
        self._checked: ops.Checked | None = None
        self._booking = False

        self.date = QDateEdit(QDate(day.year, day.month, day.day))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.start = QTimeEdit(QTime(9, 0))
        self.end = QTimeEdit(QTime(10, 0))
        for edit in (self.start, self.end):
            edit.setDisplayFormat("HH:mm")
        self.group = QLineEdit()
        self.group.setPlaceholderText(self.tr("如：省政务办调研组"))
        self.org = QLineEdit()
        self.contact_name = QLineEdit()
        self.contact_phone = QLineEdit()
        self.contact_phone.setPlaceholderText(self.tr("11 位手机号，可不填"))
        self.contact_phone.setMaxLength(11)
        fit_placeholder(self.contact_phone)
        self.visitors = QSpinBox()
        self.visitors.setRange(1, MAX_VISITORS)
        self.visitors.setValue(10)
        self.visitors.setSuffix(self.tr(" 人"))
        self.level = QComboBox()
        self.level.addItems(options.levels)
        self.letter = QLineEdit()
        self.letter.setPlaceholderText(self.tr("如：鄂华政函〔2026〕12号"))
        fit_placeholder(self.letter)
        self.route = QComboBox()
        for route in options.routes:
            self.route.addItem(f"{route.name}（{route.minutes} 分钟）", route.code)
        self.auto_docent = QCheckBox(self.tr("自动安排"))
        self.auto_docent.setChecked(True)
        self.docent_boxes: dict[str, QCheckBox] = {}
        for docent in options.docents:
            box = QCheckBox(docent.name)
            box.setObjectName(f"docent_{docent.username}")
            box.setAccessibleName(self.tr("讲解员 {name}").format(name=docent.name))
            box.setEnabled(False)
            box.setProperty("role", "tour_check")
            self.docent_boxes[docent.username] = box
        self.extended = QCheckBox(self.tr("延时服务"))
        self.extended.setAccessibleName(self.tr("延时服务（大厅开放时间以外）"))
        self.extended.setToolTip(self.tr("在大厅开放时间以外接待时勾选"))
        for check in (self.auto_docent, self.extended):
            check.setProperty("role", "tour_check")
        spin_field(self.date, self.tr("日期"))
        spin_field(self.start, self.tr("开始时间"))
        spin_field(self.end, self.tr("结束时间"))
        spin_field(self.visitors, self.tr("预计人数"))
        self.notes = NotesEdit()
        self.notes.setObjectName("tour_notes")
        self.notes.setAccessibleName(self.tr("备注"))

        self.phone_error = QLabel(self.tr("联系电话应为 11 位手机号，如 13800000000。"))
        self.phone_error.setObjectName("tour_phone_error")
        self.phone_error.setProperty("role", "error")
        self.phone_error.hide()
        self.checking = QLabel(self.tr("正在检查冲突…"))
        self.checking.setObjectName("tour_checking")
        self.checking.setProperty("role", "muted")
        self.conflict_box = QLabel()
        self.conflict_box.setObjectName("tour_conflicts")
        self.conflict_box.setWordWrap(True)
        self.conflict_box.setProperty("role", "error")
        self.conflict_box.hide()
        self.clear_label = QLabel(self.tr("没有冲突，可以预约。"))
        self.clear_label.setObjectName("tour_no_conflict")
        self.clear_label.setProperty("role", "ok")
        self.clear_label.hide()
        self.error = QLabel()
        self.error.setObjectName("tour_booking_error")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()

        self.override_hint = QLabel(self.tr("以上冲突需项目经理或管理员填写理由后强制预约。"))
        self.override_hint.setProperty("role", "muted")
        self.override_hint.setWordWrap(True)
        self.override_hint.hide()
        self.override_reason = QLineEdit()
        self.override_reason.setObjectName("tour_override_reason")
        self.override_reason.setPlaceholderText(self.tr("如：省领导临时调研，经中心主任同意"))
        self.override_label = _label(self.tr("强制预约理由"), self.override_reason)
        self.override_button = QPushButton(self.tr("强制预约"))
        self.override_button.setObjectName("tour_override")
        self.override_button.setProperty("role", "danger")
        self.override_button.setAccessibleName(self.tr("强制预约：按所填理由忽略冲突预约"))
        self.book_button = QPushButton(self.tr("预约"))
        self.book_button.setObjectName("tour_book")
        self.book_button.setProperty("role", "primary")
        self.book_button.setAccessibleName(self.tr("预约：提交该参观接待"))
        self.book_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setObjectName("tour_booking_cancel")
        self.cancel_button.setAccessibleName(self.tr("取消预约并关闭"))
        for widget in (self.override_label, self.override_reason, self.override_button):
            widget.hide()

        self._layout()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._connect()
        self.on_rules_input_changed()

    def _layout(self) -> None:
        form = QFormLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(8)
        when = QHBoxLayout()
        when.addWidget(self.date)
        when.addSpacing(16)
        when.addWidget(_label(self.tr("开始"), self.start))
        when.addSpacing(6)
        when.addWidget(self.start)
        when.addSpacing(12)
        when.addWidget(_label(self.tr("结束"), self.end))
        when.addSpacing(6)
        when.addWidget(self.end)
        when.addSpacing(16)
        when.addWidget(self.extended)
        when.addStretch(1)
        form.addRow(_label(self.tr("日期"), self.date), when)
        form.addRow(_label(self.tr("团组名称"), self.group), self.group)
        form.addRow(_label(self.tr("来访单位"), self.org), self.org)
        contact = QHBoxLayout()
        contact.addWidget(self.contact_name, 1)
        contact.addSpacing(16)
        contact.addWidget(_label(self.tr("联系电话"), self.contact_phone))
        contact.addSpacing(6)
        contact.addWidget(self.contact_phone, 1)
        contact_rows = QVBoxLayout()
        contact_rows.addLayout(contact)
        contact_rows.addWidget(self.phone_error)
        form.addRow(_label(self.tr("联系人"), self.contact_name), contact_rows)
        size = QHBoxLayout()
        size.addWidget(self.visitors)
        size.addSpacing(16)
        size.addWidget(_label(self.tr("接待等级"), self.level))
        size.addSpacing(6)
        size.addWidget(self.level)
        size.addSpacing(16)
        size.addWidget(_label(self.tr("公函编号"), self.letter))
        size.addSpacing(6)
        size.addWidget(self.letter, 1)
        form.addRow(_label(self.tr("预计人数"), self.visitors), size)
        form.addRow(_label(self.tr("参观路线"), self.route), self.route)
        docents = QHBoxLayout()
        docents.setSpacing(20)
        docents.addWidget(self.auto_docent)
        for box in self.docent_boxes.values():
            docents.addWidget(box)
        docents.addStretch(1)
        docent_label = QLabel(self.tr("讲解员"))
        docent_label.setBuddy(self.auto_docent)
        form.addRow(docent_label, docents)
        form.addRow(_label(self.tr("备注"), self.notes), self.notes)

        override = QHBoxLayout()
        override.addWidget(self.override_label)
        override.addWidget(self.override_reason, 1)
        override.addWidget(self.override_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.book_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        self.setMinimumWidth(760)
        title = QLabel(self.tr("预约参观接待"))
        title.setProperty("role", "title")
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.checking)
        layout.addWidget(self.conflict_box)
        layout.addWidget(self.clear_label)
        layout.addWidget(self.override_hint)
        layout.addLayout(override)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def _connect(self) -> None:
        for edit in (self.start, self.end):
            edit.timeChanged.connect(self.on_rules_input_changed)
        self.date.dateChanged.connect(self.on_rules_input_changed)
        self.visitors.valueChanged.connect(self.on_rules_input_changed)
        self.route.currentIndexChanged.connect(self.on_route_changed)
        self.extended.toggled.connect(self.on_rules_input_changed)
        self.auto_docent.toggled.connect(self.on_auto_docent_toggled)
        for box in self.docent_boxes.values():
            box.toggled.connect(self.on_rules_input_changed)
        for line in (self.group, self.org, self.contact_phone, self.override_reason):
            line.textChanged.connect(self.on_form_changed)
        self._timer.timeout.connect(self.on_check_due)
        self.book_button.clicked.connect(self.on_book_clicked)
        self.override_button.clicked.connect(self.on_override_clicked)
        self.cancel_button.clicked.connect(self.reject)

    # -- the form --------------------------------------------------------------------------

    def chosen_docents(self) -> tuple[str, ...] | None:
        """The docents ticked, or ``None`` for 自动安排."""
        if self.auto_docent.isChecked():
            return None
        return tuple(u for u, box in self.docent_boxes.items() if box.isChecked())

    def choose_docents(self, usernames: list[str]) -> None:
        """Tick exactly these docents (clears 自动安排), as staff would."""
        self.auto_docent.setChecked(False)
        for username, box in self.docent_boxes.items():
            box.setChecked(username in usernames)

    def form(self) -> ops.BookingForm:
        """The form's values as plain data."""
        return ops.BookingForm(
            date=self.date.date().toPython(),
            start=self.start.time().toPython().replace(second=0, microsecond=0),
            end=self.end.time().toPython().replace(second=0, microsecond=0),
            group=self.group.text().strip(),
            org=self.org.text().strip(),
            visitors=self.visitors.value(),
            route=str(self.route.currentData()),
            docents=self.chosen_docents(),
            level=self.level.currentText(),
            letter=self.letter.text().strip(),
            contact_name=self.contact_name.text().strip(),
            contact_phone=self.contact_phone.text().strip(),
            extended=self.extended.isChecked(),
            notes=self.notes.toPlainText().strip(),
        )

    def phone_ok(self) -> bool:
        """The phone is empty or a mainland mobile number."""
        phone = self.contact_phone.text().strip()
        return not phone or bool(PHONE_RE.match(phone))

    def _complete(self) -> bool:
        return bool(self.group.text().strip() and self.org.text().strip()) and self.phone_ok()

    @Slot(bool)
    def on_auto_docent_toggled(self, auto: bool) -> None:
        for box in self.docent_boxes.values():
            box.setEnabled(not auto)
        self.on_rules_input_changed()

    @Slot(int)
    def on_route_changed(self, index: int) -> None:
        # A route takes its minutes: move the end so the tour is long enough to walk it.
        minutes = self._options.routes[index].minutes if index >= 0 else 0
        earliest = self.start.time().addSecs(minutes * 60)
        if self.end.time() < earliest:
            self.end.setTime(earliest)
        self.on_rules_input_changed()

    @Slot()
    def on_rules_input_changed(self) -> None:
        """Something the rules look at changed: forget the last verdict, check again soon."""
        self._generation += 1
        self._checked = None
        self.checking.setText(self.tr("正在检查冲突…"))
        self.checking.show()
        self._timer.start()
        self.on_form_changed()

    @Slot()
    def on_form_changed(self) -> None:
        self.phone_error.setVisible(not self.phone_ok())
        checked = self._checked
        ready = checked is not None and not self._booking and self._complete()
        self.book_button.setEnabled(bool(ready and checked and not checked.conflicts))
        overridable = bool(checked and checked.conflicts and not checked.blocking)
        for widget in (self.override_label, self.override_reason, self.override_button):
            widget.setVisible(self.may_override and overridable)
        self.override_hint.setVisible(not self.may_override and overridable)
        reason = self.override_reason.text().strip()
        self.override_button.setEnabled(bool(ready and overridable and reason))

    # -- the live check --------------------------------------------------------------------

    @Slot()
    def on_check_due(self) -> None:
        generation = self._generation
        form = self.form()
        if not form.route or form.route == "None":
            return

        def checked(result: ops.Checked) -> None:
            self.on_checked(generation, result)

        self._runner.submit(
            ops.check(self._options.site_code, form),
            guarded(self, checked),
            guarded(self, self.on_check_failed),
            write=False,
        )

    def on_checked(self, generation: int, result: ops.Checked) -> None:
        if generation != self._generation:
            return  # the form changed meanwhile; a newer check is on its way
        self._checked = result
        self.checking.hide()
        lines = ([result.invalid_zh] if result.invalid_zh else []) + [
            c.message_zh for c in result.conflicts
        ]
        self.conflict_box.setText("\n".join(f"• {line}" for line in lines))
        self.conflict_box.setAccessibleName("；".join(lines))
        self.conflict_box.setVisible(bool(lines))
        self.clear_label.setVisible(not lines)
        self.on_form_changed()
        self.conflicts_checked.emit(lines)

    def on_check_failed(self, exc: BaseException) -> None:
        self.checking.setText(user_message(exc, "tour_check"))

    # -- booking ---------------------------------------------------------------------------

    @Slot()
    def on_book_clicked(self) -> None:
        self._submit(None)

    @Slot()
    def on_override_clicked(self) -> None:
        self._submit(self.override_reason.text().strip())

    def _submit(self, reason: str | None) -> None:
        self._booking = True
        self.error.hide()
        self.on_form_changed()
        self._runner.submit(
            ops.book(self._options.site_code, self.form(), self._staff, reason),
            guarded(self, self.on_booked),
            guarded(self, self.on_book_failed),
        )

    def on_booked(self, view: TourView) -> None:
        self._booking = False
        self.tour_booked.emit(view)
        self.accept()

    def on_book_failed(self, exc: BaseException) -> None:
        self._booking = False
        message = user_message(exc, "tour_book")
        self.error.setText(message)
        self.error.setAccessibleName(message)
        self.error.show()
        self.booking_failed.emit(message)
        self.on_rules_input_changed()  # the schedule moved: show what stands now
