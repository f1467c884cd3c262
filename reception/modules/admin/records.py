"""A list of records with 新增 / 编辑 / 停用·启用 buttons, as the 组织机构 and 终端 pages show
them (issue #9).

The section only lays out and reports what was asked; the page decides what each request
does. Records are never deleted in ServiceHall, so the third button toggles between 停用 and
启用 for the selected row. The list is the console's one table (issue #19): columns fitted
to their contents, sortable, a deactivated record greyed, and a record the page marks
urgent selected first.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shared.qt.tables import CellLike, Column, DataTable, Row


def record_key(record: Any) -> Hashable:
    """A record's identity across reloads (its codes, not its changing fields)."""
    return tuple(getattr(record, name, None) for name in ("site_code", "code", "prefix", "number"))


class RecordSection(QWidget):
    """A titled table of records and its buttons.

    Signals:
        add_requested(): 新增 was pressed.
        edit_requested(object): 编辑 was pressed (or a row double-clicked) for this record.
        toggle_requested(object, bool): 停用/启用 was pressed; the record and the new state.
    """

    add_requested = Signal()
    edit_requested = Signal(object)
    toggle_requested = Signal(object, bool)

    def __init__(
        self,
        name: str,
        title: str,
        columns: Sequence[Column],
        is_active: Callable[[Any], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"section_{name}")
        self._is_active = is_active
        self._records: list[Any] = []

        heading = QLabel(title)
        heading.setProperty("role", "title")
        self.count = QLabel()
        self.count.setProperty("role", "muted")
        self.add_button = self._button(f"{name}_add", self.tr("新增"), f"{title}{self.tr('新增')}")
        self.edit_button = self._button(
            f"{name}_edit", self.tr("编辑"), f"{title}{self.tr('编辑')}"
        )
        self.toggle_button = self._button(
            f"{name}_toggle", self.tr("停用"), f"{title}{self.tr('停用或启用')}"
        )
        # Every column fits its contents; the long ones (a name, a location) share the rest.
        self.table = DataTable(
            columns, title, select="urgent_only", empty_text=self.tr("还没有记录。")
        )
        self.table.setObjectName(f"{name}_table")
        self.table.set_loading(True, self.tr("正在读取…"))

        bar = QHBoxLayout()
        bar.addWidget(heading)
        bar.addWidget(self.count)
        bar.addStretch(1)
        bar.addWidget(self.add_button)
        bar.addWidget(self.edit_button)
        bar.addWidget(self.toggle_button)
        self.extra_bar = bar
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

        self.add_button.clicked.connect(self.add_requested)
        self.edit_button.clicked.connect(self.on_edit_clicked)
        self.toggle_button.clicked.connect(self.on_toggle_clicked)
        self.table.itemSelectionChanged.connect(self.on_table_selection_changed)
        self.table.cellDoubleClicked.connect(self.on_table_cell_double_clicked)
        self.on_table_selection_changed()

    def _button(self, name: str, text: str, accessible: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        return button

    def add_button_to_bar(self, button: QPushButton) -> None:
        """Put another action (测试打印, 设置打印机) after the standard ones."""
        self.extra_bar.addWidget(button)

    def set_records(
        self,
        records: Sequence[Any],
        rows: Sequence[Sequence[CellLike]],
        urgency: Callable[[Any], int] | None = None,
    ) -> None:
        """Show ``records``, each as the cells in ``rows``; the record chosen stays selected.

        ``urgency`` ranks records that need attention (a failed test print): the most urgent
        is selected when nothing was chosen.
        """
        self._records = list(records)
        self.table.set_rows(
            [
                Row(
                    record_key(record),
                    values,
                    data=record,
                    urgency=urgency(record) if urgency else 0,
                    tone=None if self._is_active(record) else "muted",
                )
                for record, values in zip(records, rows, strict=True)
            ]
        )
        self.count.setText(self.tr("共 {n} 项").format(n=len(records)))
        self.on_table_selection_changed()

    def load_failed(self) -> None:
        """The load failed: stop showing it as loading."""
        self.table.set_loading(False)

    def records(self) -> list[Any]:
        """The records shown, in row order."""
        return list(self._records)

    def selected_row(self) -> int | None:
        """The selected row (as shown), if any."""
        return self.table.selected_row()

    def selected(self) -> Any:
        """The selected record, if any."""
        return self.table.selected_data()

    def select(self, predicate: Callable[[Any], bool]) -> None:
        """Select the first record ``predicate`` accepts (tests, and after saving)."""
        for row in range(self.table.rowCount()):
            if predicate(self.table.data_at(row)):
                self.table.selectRow(row)
                return

    @Slot()
    def on_table_selection_changed(self) -> None:
        record = self.selected()
        self.edit_button.setEnabled(record is not None)
        self.toggle_button.setEnabled(record is not None)
        active = record is None or self._is_active(record)
        self.toggle_button.setText(self.tr("停用") if active else self.tr("启用"))
        self.toggle_button.setProperty("role", "danger" if active else "")
        style = self.toggle_button.style()
        style.unpolish(self.toggle_button)
        style.polish(self.toggle_button)

    @Slot()
    def on_edit_clicked(self) -> None:
        record = self.selected()
        if record is not None:
            self.edit_requested.emit(record)

    @Slot(int, int)
    def on_table_cell_double_clicked(self, row: int, _column: int) -> None:
        record = self.table.data_at(row)
        if record is not None:
            self.edit_requested.emit(record)

    @Slot()
    def on_toggle_clicked(self) -> None:
        record = self.selected()
        if record is not None:
            self.toggle_requested.emit(record, not self._is_active(record))
