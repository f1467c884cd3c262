"""The 组织机构 page's dialogs (issue #9): a site, a department, a queue, a window.

Each dialog only collects values into the service's plain dataclass; the services decide
what is valid. Pressing 保存 emits ``save_requested(record)`` and keeps the dialog open: the
page runs the save in the background, then closes the dialog (:meth:`RecordDialog.saved`) or
shows the service's Chinese reason in it (:meth:`RecordDialog.show_error`), so nothing typed
is lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from reception.modules.admin.widgets import message_label, show_message
from shared.services.org import (
    POLICY_ZH,
    SITE_KIND_ZH,
    DepartmentInfo,
    QueueInfo,
    SiteInfo,
    WindowInfo,
)


def line(name: str, accessible: str, text: str = "", limit: int = 100) -> QLineEdit:
    """A named, labelled text field."""
    field = QLineEdit(text)
    field.setObjectName(name)
    field.setAccessibleName(accessible)
    field.setMaxLength(limit)
    return field


class CheckList(QScrollArea):
    """Checkable choices as real check boxes (touch-sized, named for screen readers)."""

    def __init__(self, name: str, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setWidgetResizable(True)
        self.setMinimumHeight(180)
        self.boxes: dict[str, QCheckBox] = {}
        self._inner = QWidget()
        self._layout = QVBoxLayout(self._inner)
        self._layout.setContentsMargins(8, 4, 8, 4)
        self._layout.setSpacing(0)
        self._layout.addStretch(1)
        self.setWidget(self._inner)


def checklist(name: str, accessible: str) -> CheckList:
    """A list of checkable choices (departments served, queues served)."""
    return CheckList(name, accessible)


def fill_checklist(
    box: CheckList, choices: Iterable[tuple[str, str]], checked: Iterable[str]
) -> None:
    """Offer ``(key, text)`` choices, ticking the keys in ``checked``."""
    ticked = set(checked)
    for old in box.boxes.values():
        old.deleteLater()
    box.boxes = {}
    for key, text in choices:
        check = QCheckBox(text)
        check.setObjectName(f"{box.objectName()}_{key}")
        check.setAccessibleName(text)
        check.setChecked(key in ticked)
        box._layout.insertWidget(box._layout.count() - 1, check)
        box.boxes[key] = check


def checked_keys(box: CheckList) -> tuple[str, ...]:
    """The keys ticked in a checklist, in list order."""
    return tuple(key for key, check in box.boxes.items() if check.isChecked())


def set_checked(box: CheckList, keys: Iterable[str]) -> None:
    """Tick exactly ``keys`` (tests, as a click on each box would)."""
    wanted = set(keys)
    for key, check in box.boxes.items():
        check.setChecked(key in wanted)


class RecordDialog(QDialog):
    """A form with 保存 / 返回 and a line for the service's answer.

    Signals:
        save_requested(object): 保存 was pressed; the record as typed.
    """

    save_requested = Signal(object)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setMinimumWidth(620)
        self.form = QFormLayout()
        self.form.setSpacing(12)
        self.error = message_label(f"{name}_error")
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setObjectName("dialog_ok")
        self.save_button.setProperty("role", "primary")
        self.save_button.setAccessibleName(self.tr("保存"))
        cancel = QPushButton(self.tr("返回"))
        cancel.setObjectName("dialog_cancel")
        cancel.setAccessibleName(self.tr("返回，不保存"))
        buttons = QDialogButtonBox()
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.setSpacing(12)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.save_button.clicked.connect(self.on_save_clicked)
        buttons.rejected.connect(self.reject)

    def value(self) -> object:
        """The record as typed (each dialog builds its own)."""
        raise NotImplementedError

    @Slot()
    def on_save_clicked(self) -> None:
        self.error.hide()
        self.save_button.setEnabled(False)
        self.save_requested.emit(self.value())

    def saved(self) -> None:
        """The page saved the record: close."""
        self.accept()

    def show_error(self, message: str) -> None:
        """The service refused the record: say why, keep what was typed."""
        self.save_button.setEnabled(True)
        show_message(self.error, message)


class SiteDialog(RecordDialog):
    """新增 or 编辑 a site (the code is fixed once created)."""

    def __init__(self, site: SiteInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__("site_dialog", parent)
        self.setWindowTitle(self.tr("新增站点") if site is None else self.tr("编辑站点"))
        self._active = site.active if site else True
        self.code = line("site_code", self.tr("站点编码"), site.code if site else "", 40)
        self.code.setReadOnly(site is not None)
        self.name = line("site_name", self.tr("站点名称"), site.name if site else "")
        self.kind = QComboBox()
        self.kind.setObjectName("site_kind")
        self.kind.setAccessibleName(self.tr("站点类型"))
        for kind, text in SITE_KIND_ZH.items():
            self.kind.addItem(text, kind)
        if site is not None:
            self.kind.setCurrentIndex(max(self.kind.findData(site.kind), 0))
        self.address = line("site_address", self.tr("地址"), site.address if site else "", 200)
        self.phone = line("site_phone", self.tr("电话"), site.phone if site else "", 40)
        self.form.addRow(self.tr("站点编码(&C)"), self.code)
        self.form.addRow(self.tr("站点名称(&N)"), self.name)
        self.form.addRow(self.tr("类型(&K)"), self.kind)
        self.form.addRow(self.tr("地址(&A)"), self.address)
        self.form.addRow(self.tr("电话(&P)"), self.phone)

    def value(self) -> SiteInfo:
        return SiteInfo(
            self.code.text().strip(),
            self.name.text().strip(),
            str(self.kind.currentData()),
            self.address.text().strip(),
            self.phone.text().strip(),
            self._active,
        )


class DepartmentDialog(RecordDialog):
    """新增 or 编辑 a department."""

    def __init__(self, dept: DepartmentInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__("department_dialog", parent)
        self.setWindowTitle(self.tr("新增部门") if dept is None else self.tr("编辑部门"))
        self._active = dept.active if dept else True
        self.code = line("department_code", self.tr("部门编码"), dept.code if dept else "", 40)
        self.code.setReadOnly(dept is not None)
        self.name = line("department_name", self.tr("部门名称"), dept.name if dept else "")
        self.short_name = line(
            "department_short", self.tr("简称"), dept.short_name if dept else "", 40
        )
        self.form.addRow(self.tr("部门编码(&C)"), self.code)
        self.form.addRow(self.tr("部门名称(&N)"), self.name)
        self.form.addRow(self.tr("简称(&S)"), self.short_name)

    def value(self) -> DepartmentInfo:
        return DepartmentInfo(
            self.code.text().strip(),
            self.name.text().strip(),
            self.short_name.text().strip(),
            self._active,
        )


def _site_combo(
    name: str, accessible: str, sites: Sequence[SiteInfo], current: str | None
) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    for site in sites:
        if site.active or site.code == current:
            combo.addItem(f"{site.name}（{site.code}）", site.code)
    if current is not None:
        combo.setCurrentIndex(max(combo.findData(current), 0))
        combo.setEnabled(False)
    return combo


class QueueDialog(RecordDialog):
    """新增 or 编辑 a queue: prefix, name, description, calling policy, minutes, departments."""

    def __init__(
        self,
        sites: Sequence[SiteInfo],
        departments: Sequence[DepartmentInfo],
        queue: QueueInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("queue_dialog", parent)
        self.setWindowTitle(self.tr("新增队列") if queue is None else self.tr("编辑队列"))
        self._active = queue.active if queue else True
        self.site = _site_combo(
            "queue_site", self.tr("所属站点"), sites, queue.site_code if queue else None
        )
        self.prefix = line("queue_prefix", self.tr("号码字头"), queue.prefix if queue else "", 4)
        self.prefix.setReadOnly(queue is not None)
        self.prefix.setPlaceholderText(self.tr("一到两个大写字母，如 A"))
        self.name = line("queue_name", self.tr("队列名称"), queue.name if queue else "", 60)
        self.description = line(
            "queue_description", self.tr("说明"), queue.description if queue else "", 200
        )
        self.policy = QComboBox()
        self.policy.setObjectName("queue_policy")
        self.policy.setAccessibleName(self.tr("叫号规则"))
        for policy, text in POLICY_ZH.items():
            self.policy.addItem(text, policy)
        self.interleave = QSpinBox()
        self.interleave.setObjectName("queue_interleave")
        self.interleave.setAccessibleName(self.tr("穿插间隔"))
        self.interleave.lineEdit().setAccessibleName(
            self.tr("穿插间隔")
        )  # its text field, read aloud too
        self.interleave.setRange(1, 20)
        self.interleave.setSuffix(self.tr(" 个普通号后叫一个优先号"))
        self.minutes = QSpinBox()
        self.minutes.setObjectName("queue_minutes")
        self.minutes.setAccessibleName(self.tr("默认办理时长（分钟）"))
        self.minutes.lineEdit().setAccessibleName(
            self.tr("默认办理时长（分钟）")
        )  # its text field, read aloud too
        self.minutes.setRange(1, 240)
        self.minutes.setSuffix(self.tr(" 分钟"))
        self.departments = checklist("queue_departments", self.tr("服务部门"))
        fill_checklist(
            self.departments,
            [
                (d.code, d.name)
                for d in departments
                if d.active or (queue and d.code in queue.departments)
            ],
            queue.departments if queue else (),
        )
        if queue is not None:
            self.policy.setCurrentIndex(max(self.policy.findData(queue.policy), 0))
            self.interleave.setValue(queue.interleave_n or 3)
            self.minutes.setValue(queue.default_service_minutes)
        else:
            self.interleave.setValue(3)
            self.minutes.setValue(8)
        self.form.addRow(self.tr("站点(&S)"), self.site)
        self.form.addRow(self.tr("号码字头(&P)"), self.prefix)
        self.form.addRow(self.tr("队列名称(&N)"), self.name)
        self.form.addRow(self.tr("说明(&D)"), self.description)
        self.form.addRow(self.tr("叫号规则(&R)"), self.policy)
        self.form.addRow(self.tr("穿插间隔(&I)"), self.interleave)
        self.form.addRow(self.tr("默认办理时长(&M)"), self.minutes)
        self.form.addRow(self.tr("服务部门"), self.departments)
        self.policy.currentIndexChanged.connect(self.on_policy_current_index_changed)
        self.on_policy_current_index_changed()

    @Slot()
    def on_policy_current_index_changed(self) -> None:
        self.interleave.setEnabled(self.policy.currentData() == "interleave")

    def value(self) -> QueueInfo:
        return QueueInfo(
            str(self.site.currentData() or ""),
            self.prefix.text().strip(),
            self.name.text().strip(),
            self.description.text().strip(),
            str(self.policy.currentData()),
            self.interleave.value(),
            self.minutes.value(),
            checked_keys(self.departments),
            self._active,
        )


class WindowDialog(RecordDialog):
    """新增 or 编辑 a window: number, name, the location a citizen is told, queues served."""

    def __init__(
        self,
        sites: Sequence[SiteInfo],
        queues: Sequence[QueueInfo],
        window: WindowInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("window_dialog", parent)
        self.setWindowTitle(self.tr("新增窗口") if window is None else self.tr("编辑窗口"))
        self._active = window.active if window else True
        self._queues = list(queues)
        self._served = window.queues if window else ()
        self.site = _site_combo(
            "window_site", self.tr("所属站点"), sites, window.site_code if window else None
        )
        self.number = QSpinBox()
        self.number.setObjectName("window_number")
        self.number.setAccessibleName(self.tr("窗口号"))
        self.number.lineEdit().setAccessibleName(
            self.tr("窗口号")
        )  # its text field, read aloud too
        self.number.setRange(1, 999)
        self.number.setValue(window.number if window else 1)
        self.number.setEnabled(window is None)
        self.name = line("window_name", self.tr("窗口名称"), window.name if window else "", 60)
        self.name.setPlaceholderText(self.tr("不填则为“N号窗口”"))
        self.location = line(
            "window_location", self.tr("窗口位置"), window.location if window else ""
        )
        self.location.setPlaceholderText(self.tr("告诉群众的位置，如 一楼公安户政区"))
        self.queues = checklist("window_queues", self.tr("服务队列"))
        self.form.addRow(self.tr("站点(&S)"), self.site)
        self.form.addRow(self.tr("窗口号(&U)"), self.number)
        self.form.addRow(self.tr("窗口名称(&N)"), self.name)
        self.form.addRow(self.tr("位置(&L)"), self.location)
        self.form.addRow(self.tr("服务队列"), self.queues)
        self.site.currentIndexChanged.connect(self.on_site_current_index_changed)
        self.on_site_current_index_changed()

    @Slot()
    def on_site_current_index_changed(self) -> None:
        site = self.site.currentData()
        choices = [
            (q.prefix, f"{q.prefix} {q.name}")
            for q in self._queues
            if q.site_code == site and (q.active or q.prefix in self._served)
        ]
        fill_checklist(self.queues, choices, self._served)

    def value(self) -> WindowInfo:
        return WindowInfo(
            str(self.site.currentData() or ""),
            self.number.value(),
            self.name.text().strip(),
            self.location.text().strip(),
            checked_keys(self.queues),
            self._active,
        )
