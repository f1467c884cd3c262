"""The one table every console list uses (issue #19): columns fitted to their contents with
the main text column taking the spare width, numbers and times right-aligned in one format,
kind and urgency shown by colour *and* a pictogram beside the words, the most urgent row
selected, and sorting where staff would sort.

A page describes its columns once (:class:`Column`) and hands the table plain rows
(:class:`Row` of :class:`Cell`) built from its services' view data; the table decides nothing
about the hall. Which row is urgent, which ticket is a priority one, which request is overdue
is said by the row's ``urgency`` and the cells' ``tone``, which the page copies from the read
model (``DeskTicket.urgency``, ``RequestView.urgency(now)`` …).

Colours come from the one stylesheet (:mod:`shared.qt.theme` sets the ``qproperty-…Color``
properties of :class:`DataTable`); pictograms are the Tabler drawings of
:mod:`shared.qt.icons`, in the tone's colour, at the table's font size. While the first load
runs the table shows a skeleton and a spinner in its own viewport (:mod:`shared.qt.loading`),
and when a load finds nothing it says so: a table is never a blank box.

It is a :class:`QTableWidget`, so ``item()``, ``rowCount()`` and ``selectRow()`` work as
before; the row's plain record is kept on the first cell and read back with
:meth:`DataTable.selected_data`, whatever order the rows are sorted in.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, Literal

from PySide6.QtCore import Property, QEvent, QSize, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QFont, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from shared.qt.icons import font_px, render_pictogram
from shared.qt.loading import LoadingPanel
from shared.qt.table_cells import (
    BOLD_TONES,
    KIND_PICTOGRAMS,
    MAIN_MIN_EM,
    NOTHING,
    TEXT_MIN_EM,
    TONE_PICTOGRAMS,
    Cell,
    CellLike,
    Column,
    ColumnKind,
    Row,
    Tone,
    clock_text,
    duration_cell,
    duration_text,
    number_cell,
    sort_key,
    time_cell,
)
from shared.qt.theme import NORMAL

__all__ = [
    "KIND_PICTOGRAMS",
    "Cell",
    "CellLike",
    "Column",
    "ColumnKind",
    "DataTable",
    "Row",
    "Tone",
    "clock_text",
    "duration_cell",
    "duration_text",
    "number_cell",
    "time_cell",
]

Selection = Literal["most_urgent", "urgent_only", "none"]

#: The row's plain record (on the first cell).
DATA_ROLE = Qt.ItemDataRole.UserRole
#: What a cell sorts by (a tuple; empty cells last).
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
#: The row's key (on the first cell), for keeping the selection across reloads.
KEY_ROLE = Qt.ItemDataRole.UserRole + 2
#: The row's urgency (on the first cell).
URGENCY_ROLE = Qt.ItemDataRole.UserRole + 3
_TONE_ROLE = Qt.ItemDataRole.UserRole + 4
_ICON_ROLE = Qt.ItemDataRole.UserRole + 5
_ROW_TONE_ROLE = Qt.ItemDataRole.UserRole + 6

#: Rows (beyond those on screen) whose contents size the columns.
ROWS_MEASURED = 100


class _Item(QTableWidgetItem):
    """A cell that sorts by its sort key, not its words."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if mine is None or theirs is None:
            return super().__lt__(other)
        try:
            return bool(mine < theirs)
        except TypeError:
            return str(mine) < str(theirs)


def _give_way(widths: dict[int, int], floors: dict[int, int], group: list[int], spare: int) -> int:
    """Narrow the ``group``'s columns towards their floors, in proportion to what each can
    give, until ``spare`` (negative: missing room) is made up; returns what is still missing."""
    slack = {c: widths[c] - floors[c] for c in group if widths[c] > floors[c]}
    total = sum(slack.values())
    if spare >= 0 or total <= 0:
        return spare
    take = min(-spare, total)
    for c, room in slack.items():
        cut = take * room // total
        widths[c] -= cut
        spare += cut
    return spare


def _colour_property(tone: str) -> Any:
    def get(self: DataTable) -> QColor:
        return QColor(self._colours[tone])

    def put(self: DataTable, value: QColor) -> None:
        self._colours[tone] = QColor(value)
        self._looks_stale = True

    return Property(QColor, get, put)


class DataTable(QTableWidget):
    """A read-only table of rows staff read at a glance (see the module).

    Args:
        columns: the columns, in order; at least one is ``main``.
        name: the table's accessible name (its header is named after it).
        select: which row is selected when staff have not chosen one: the most urgent
            (ties: the first shown), only an urgent one, or none.
        empty_text: what an empty table says once loaded (``今日暂无号票``).

    Signals:
        sorted_by(int, object): staff sorted by this column, in this ``Qt.SortOrder``.
    """

    sorted_by = Signal(int, object)

    urgentColor = _colour_property("urgent")
    urgentFill = _colour_property("urgent_fill")
    warningColor = _colour_property("warning")
    priorityColor = _colour_property("priority")
    activeColor = _colour_property("active")
    mutedColor = _colour_property("muted")
    textColor = _colour_property("text")

    def __init__(
        self,
        columns: Sequence[Column],
        name: str,
        *,
        select: Selection = "most_urgent",
        empty_text: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(0, len(columns), parent)
        assert any(c.kind == "main" for c in columns), "a table needs a main column"
        self.columns = tuple(columns)
        self._select = select
        self._empty_text = empty_text
        self._chosen: Hashable | None = None
        self._quiet = 0
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._loading = False
        self._looks_stale = True
        t = NORMAL
        self._colours: dict[str, QColor] = {
            "urgent": QColor(t.danger),
            "urgent_fill": QColor(t.warning_bg),
            "warning": QColor(t.warning_text),
            "priority": QColor(t.success),
            "active": QColor(t.primary),
            "muted": QColor(t.muted),
            "text": QColor(t.text),
        }
        self.setAccessibleName(name)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setShowGrid(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(t.min_target - 4)
        header = self.horizontalHeader()
        header.setAccessibleName(f"{name}的列标题")
        header.setMinimumHeight(t.min_target)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(t.min_target)
        for index, column in enumerate(self.columns):
            title = QTableWidgetItem(column.title)
            title.setTextAlignment(column.alignment)
            if column.sortable:
                title.setToolTip(f"点击按“{column.title}”排序")
            self.setHorizontalHeaderItem(index, title)
            # Widths are fitted here (:meth:`fit_columns`), not by Qt's modes: Stretch gave
            # one column all the spare room and let the others be squeezed.
            header.setSectionResizeMode(index, QHeaderView.ResizeMode.Fixed)
        header.setSectionsClickable(any(c.sortable for c in self.columns))
        # Contents widths are measured on the rows shown and this many more: enough for a
        # day's list, cheap enough to fit again every second while a waiting time ticks.
        header.setResizeContentsPrecision(ROWS_MEASURED)
        header.setSortIndicatorShown(False)
        self.overlay = LoadingPanel(self.viewport())
        self.overlay.hide()

        header.sectionClicked.connect(self.on_header_section_clicked)
        self.itemSelectionChanged.connect(self.on_own_selection_changed)

    # -- filling ---------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Show ``rows`` (in the services' order, or sorted as staff chose).

        The row staff chose stays selected while it is listed; otherwise the default of
        ``select`` applies. No selection signal is emitted: the page updates its buttons
        itself afterwards, as it does after any reload.
        """
        self.ensurePolished()
        self._quiet += 1
        self.blockSignals(True)
        try:
            self.clearSelection()
            self.setRowCount(len(rows))
            for r, row in enumerate(rows):
                for c in range(len(self.columns)):
                    value = row.cells[c] if c < len(row.cells) else None
                    item = self._make_item(c, value, row)
                    if c == 0:
                        item.setData(DATA_ROLE, row.data)
                        item.setData(KEY_ROLE, row.key)
                        item.setData(URGENCY_ROLE, row.urgency)
                    self.setItem(r, c, item)
            if self._sort is not None:
                self.sortItems(*self._sort)
            for c, column in enumerate(self.columns):
                if column.optional:
                    said = any(
                        (item := self.item(r, c)) is not None and item.text() not in NOTHING
                        for r in range(self.rowCount())
                    )
                    self.setColumnHidden(c, not said)
            keys = [self.key_at(r) for r in range(self.rowCount())]
            if self._chosen is not None and self._chosen in keys:
                self.selectRow(keys.index(self._chosen))
            else:
                self._chosen = None
                default = self.default_row()
                if default is not None:
                    self.selectRow(default)
                    self.scrollTo(self.model().index(default, 0))  # the urgent row, in view
        finally:
            self.blockSignals(False)
            self._quiet -= 1
        self._loading = False
        self._update_overlay()
        self.fit_columns()

    def set_cell(self, key: Hashable, column: int, value: CellLike) -> None:
        """Change one cell of the row ``key`` (a ticking waiting time, an overdue flag)."""
        row = self.row_of(key)
        if row is None:
            return
        first = self.item(row, 0)
        record = Row(
            key,
            (),
            urgency=int(first.data(URGENCY_ROLE) or 0),
            tone=first.data(_ROW_TONE_ROLE),
        )
        item = self._make_item(column, value, record)
        if column == 0:
            for role in (DATA_ROLE, KEY_ROLE, URGENCY_ROLE):
                item.setData(role, first.data(role))
        self._quiet += 1
        try:
            self.setItem(row, column, item)
        finally:
            self._quiet -= 1

    def set_urgency(self, key: Hashable, urgency: int) -> None:
        """Change the urgency of the row ``key`` (a request just became overdue)."""
        row = self.row_of(key)
        if row is not None:
            self.item(row, 0).setData(URGENCY_ROLE, urgency)

    def _make_item(self, column: int, value: CellLike, row: Row) -> _Item:
        cell = value if isinstance(value, Cell) else Cell("" if value is None else str(value))
        spec = self.columns[column]
        item = _Item(cell.text)
        item.setTextAlignment(spec.alignment)
        item.setData(SORT_ROLE, sort_key(cell.text if cell.sort is None else cell.sort))
        item.setData(_TONE_ROLE, cell.tone)
        # No icon named: the tone's own; an empty name: none (the words beside say it).
        icon = TONE_PICTOGRAMS.get(cell.tone or "") if cell.icon is None else cell.icon
        item.setData(_ICON_ROLE, icon or None)
        item.setData(_ROW_TONE_ROLE, row.tone)
        if cell.spoken:
            item.setData(Qt.ItemDataRole.AccessibleTextRole, cell.spoken)
        tip = cell.tip or (cell.text if spec.kind == "main" else None)
        if tip:
            item.setToolTip(tip)
        self._look(item)
        return item

    # -- looks -----------------------------------------------------------------------------

    def _look(self, item: QTableWidgetItem) -> None:
        """Colour, weight and pictogram of one cell from its tone (and its row's)."""
        tone = item.data(_TONE_ROLE)
        row_tone = item.data(_ROW_TONE_ROLE)
        # A muted row greys every cell; an urgent row is tinted, its words keep their tones.
        colour_tone = tone or ("muted" if row_tone == "muted" else None)
        colour = self._colours.get(colour_tone) if colour_tone else None
        if colour is not None:
            item.setForeground(QBrush(colour))
        else:
            item.setData(Qt.ItemDataRole.ForegroundRole, None)
        if row_tone == "urgent":
            item.setBackground(QBrush(self._colours["urgent_fill"]))
        else:
            item.setData(Qt.ItemDataRole.BackgroundRole, None)
        px = font_px(self)
        if tone in BOLD_TONES:
            font = QFont(self.font())
            font.setPixelSize(px)
            font.setBold(True)
            item.setFont(font)
        else:
            item.setData(Qt.ItemDataRole.FontRole, None)
        name = item.data(_ICON_ROLE)
        if name:
            shade = colour if colour is not None else self._colours["text"]
            pixmap = render_pictogram(name, px, shade, self.devicePixelRatioF())
            icon = QIcon()
            # The same drawing when selected: the style's tint would lose the tone.
            for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected, QIcon.Mode.Active):
                icon.addPixmap(pixmap, mode)
            item.setIcon(icon)
            self.setIconSize(QSize(px, px))
        else:
            item.setIcon(QIcon())

    def _restyle(self) -> None:
        self._looks_stale = False
        self._quiet += 1
        try:
            for r in range(self.rowCount()):
                for c in range(self.columnCount()):
                    item = self.item(r, c)
                    if item is not None:
                        self._look(item)
        finally:
            self._quiet -= 1

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.Polish and self._looks_stale:
            self._restyle()
        return handled

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._restyle()

    def viewportEvent(self, event: QEvent) -> bool:
        handled = super().viewportEvent(event)
        # The viewport narrows when the vertical scroll bar appears: fit again, then.
        if event.type() == QEvent.Type.Resize:
            self.overlay.setGeometry(self.viewport().rect())
            self.fit_columns()
        return handled

    def fit_columns(self) -> None:
        """Give each column its contents' width; share what is left among the main columns,
        or, when there is too little, take it from them first and then from text columns."""
        header = self.horizontalHeader()
        shown = [c for c in range(self.columnCount()) if not self.isColumnHidden(c)]
        if not shown:
            return
        wants = {c: max(header.sectionSizeHint(c), self.sizeHintForColumn(c)) for c in shown}
        em = font_px(self)
        floors = {c: header.sectionSizeHint(c) for c in shown}
        mains = [c for c in shown if self.columns[c].kind == "main"]
        texts = [c for c in shown if self.columns[c].kind == "text"]
        for group, least in ((mains, MAIN_MIN_EM), (texts, TEXT_MIN_EM)):
            for c in group:
                floors[c] = max(floors[c], min(wants[c], em * least))
        widths = dict(wants)
        spare = self.viewport().width() - sum(widths.values())
        if spare >= 0:
            for i, c in enumerate(mains):
                widths[c] += spare // len(mains) + (1 if i < spare % len(mains) else 0)
        else:
            for group in (mains, texts):
                spare = _give_way(widths, floors, group, spare)
        for c in shown:
            if header.sectionSize(c) != widths[c]:
                header.resizeSection(c, widths[c])

    def tone_colour(self, tone: str) -> QColor:
        """The colour the stylesheet gave a tone (``urgent``, ``priority`` …)."""
        return QColor(self._colours[tone])

    # -- loading and empty -----------------------------------------------------------------

    def set_loading(self, loading: bool, text: str = "正在读取…") -> None:
        """Show a skeleton and a spinner while the first load runs (rows already shown stay
        shown during a reload: no flicker)."""
        self._loading = loading
        self._loading_text = text
        self._update_overlay()

    @property
    def loading(self) -> bool:
        """True while a load runs and no rows are shown yet."""
        return self._loading and self.rowCount() == 0

    def _update_overlay(self) -> None:
        if self.rowCount() > 0:
            self.overlay.hide()
            return
        if self._loading:
            self.overlay.show_loading(getattr(self, "_loading_text", "正在读取…"))
        elif self._empty_text:
            self.overlay.show_message(self._empty_text)
        else:
            self.overlay.hide()
            return
        self.overlay.setGeometry(self.viewport().rect())
        self.overlay.raise_()

    def set_empty_text(self, text: str) -> None:
        """What an empty table says once loaded."""
        self._empty_text = text
        self._update_overlay()

    # -- reading ---------------------------------------------------------------------------

    def key_at(self, row: int) -> Hashable | None:
        """The key of the row shown at ``row``."""
        item = self.item(row, 0)
        return item.data(KEY_ROLE) if item is not None else None

    def data_at(self, row: int) -> Any:
        """The plain record of the row shown at ``row``."""
        item = self.item(row, 0)
        return item.data(DATA_ROLE) if item is not None else None

    def urgency_at(self, row: int) -> int:
        """The urgency of the row shown at ``row``."""
        item = self.item(row, 0)
        return int(item.data(URGENCY_ROLE) or 0) if item is not None else 0

    def row_of(self, key: Hashable) -> int | None:
        """Where the row ``key`` is shown now (None: not listed)."""
        for row in range(self.rowCount()):
            if self.key_at(row) == key:
                return row
        return None

    def texts(self, row: int) -> list[str]:
        """The words of the row shown at ``row``, column by column."""
        return [
            item.text() if (item := self.item(row, c)) is not None else ""
            for c in range(self.columnCount())
        ]

    def selected_row(self) -> int | None:
        """The row selected, if any."""
        model = self.selectionModel()
        rows = model.selectedRows() if model is not None else []
        return rows[0].row() if rows else None

    def selected_key(self) -> Hashable | None:
        """The key of the selected row, if any."""
        row = self.selected_row()
        return self.key_at(row) if row is not None else None

    def selected_data(self) -> Any:
        """The plain record of the selected row, if any."""
        row = self.selected_row()
        return self.data_at(row) if row is not None else None

    def select_key(self, key: Hashable) -> None:
        """Select the row ``key`` as staff would (it stays selected across reloads).

        Raises:
            KeyError: no such row is listed.
        """
        row = self.row_of(key)
        if row is None:
            raise KeyError(key)
        self.selectRow(row)

    def default_row(self) -> int | None:
        """The row the table selects when staff have not chosen one (see ``select``)."""
        if self._select == "none" or self.rowCount() == 0:
            return None
        best = max(range(self.rowCount()), key=lambda r: (self.urgency_at(r), -r))
        if self._select == "urgent_only" and self.urgency_at(best) <= 0:
            return None
        return best

    # -- staff's own choices ---------------------------------------------------------------

    @Slot()
    def on_own_selection_changed(self) -> None:
        if self._quiet == 0:
            self._chosen = self.selected_key()

    @Slot(int)
    def on_header_section_clicked(self, column: int) -> None:
        if not self.columns[column].sortable:
            return
        ascending = Qt.SortOrder.AscendingOrder
        again = self._sort is not None and self._sort == (column, ascending)
        order = Qt.SortOrder.DescendingOrder if again else ascending
        self.sort_by(column, order)

    def sort_by(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column`` (kept across reloads), as a click on its title does."""
        self._sort = (column, order)
        header = self.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSortIndicator(column, order)
        self._quiet += 1
        try:
            self.sortItems(column, order)
        finally:
            self._quiet -= 1
        self.sorted_by.emit(column, order)
