"""A list of records with 新增 / 编辑 / 停用·启用 buttons, as the 组织机构 and 终端 pages show
them (issue #9).

The section only lays out and reports what was asked; the page decides what each request
does. Records are never deleted in ServiceHall, so the third button toggles between 停用 and
启用 for the selected row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reception.views.tables import read_only_table


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
        headers: Sequence[str],
        is_active: Callable[[Any], bool],
        stretch: int | Sequence[int] = 1,
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
        self.table = read_only_table(headers, title)
        self.table.setObjectName(f"{name}_table")
        # Every column fits its contents; the long ones (a name, a location) share the rest.
        header = self.table.horizontalHeader()
        for column in [stretch] if isinstance(stretch, int) else stretch:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)

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

    def set_records(self, records: Sequence[Any], rows: Sequence[Sequence[Any]]) -> None:
        """Show ``records``, each as the texts in ``rows``; keeps the selection by index."""
        selected = self.selected_row()
        self._records = list(records)
        self.table.setRowCount(len(rows))
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                item.setToolTip(str(value))  # a cell cut short still reads in full
                self.table.setItem(row, column, item)
        self.count.setText(self.tr("共 {n} 项").format(n=len(records)))
        if selected is not None and selected < len(self._records):
            self.table.selectRow(selected)
        self.on_table_selection_changed()

    def records(self) -> list[Any]:
        """The records shown, in row order."""
        return list(self._records)

    def selected_row(self) -> int | None:
        """The selected row, if any."""
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def selected(self) -> Any:
        """The selected record, if any."""
        row = self.selected_row()
        return self._records[row] if row is not None and row < len(self._records) else None

    def select(self, predicate: Callable[[Any], bool]) -> None:
        """Select the first record ``predicate`` accepts (tests, and after saving)."""
        for row, record in enumerate(self._records):
            if predicate(record):
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
        if row < len(self._records):
            self.edit_requested.emit(self._records[row])

    @Slot()
    def on_toggle_clicked(self) -> None:
        record = self.selected()
        if record is not None:
            self.toggle_requested.emit(record, not self._is_active(record))
