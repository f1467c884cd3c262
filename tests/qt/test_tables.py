"""The console's one table (issue #19 item 2): widths from contents with the main column
taking the rest, right-aligned numbers and times in one format, tones and pictograms from
the page's facts, the most urgent row selected, sorting, loading and empty states."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication, QTableWidgetItem
from pytestqt.qtbot import QtBot

from shared.qt.a11y import check_accessibility
from shared.qt.tables import (
    Cell,
    Column,
    DataTable,
    Row,
    clock_text,
    duration_text,
    number_cell,
    time_cell,
)
from shared.qt.theme import NORMAL, apply_theme, load_fonts

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")

COLUMNS = [
    Column("号码", "code", True),
    Column("业务", "main", True),
    Column("优先", "text", True),
    Column("等候", "number", True),
    Column("取号时间", "time", True),
]
NOW = datetime(2026, 12, 3, 1, 5, tzinfo=UTC)  # 09:05 in the hall (Asia/Shanghai)


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[QApplication]:
    load_fonts(qapp)
    apply_theme(qapp)
    yield qapp
    qapp.setStyleSheet("")


def _table(qtbot: QtBot, width: int = 1000, **options: object) -> DataTable:
    table = DataTable(COLUMNS, "今日号票列表", **options)  # type: ignore[arg-type]
    qtbot.addWidget(table)
    table.resize(width, 400)
    table.show()
    qtbot.waitExposed(table)
    return table


def _rows(urgent: str | None = None, waits: dict[str, int] | None = None) -> list[Row]:
    waits = waits or {"A001": 2, "A002": 10, "B001": 1}
    names = {"A001": "综合受理", "A002": "综合受理", "B001": "不动产登记"}
    return [
        Row(
            number,
            (
                number,
                names[number],
                Cell("老年人", tone="priority", icon="old") if number == "A002" else "",
                number_cell(waits[number]),
                time_cell(NOW - timedelta(minutes=waits[number]), NOW),
            ),
            data={"number": number},
            urgency=2 if number == urgent else 0,
            tone="urgent" if number == urgent else None,
        )
        for number in waits
    ]


def _widths(table: DataTable) -> list[int]:
    return [table.columnWidth(c) for c in range(table.columnCount())]


def test_times_read_in_one_format() -> None:
    assert clock_text(NOW, NOW) == "09:05"
    assert clock_text(NOW - timedelta(days=1), NOW) == "12-02 09:05"
    assert clock_text(None, NOW) == ""
    assert (duration_text(75), duration_text(3900), duration_text(-3)) == (
        "1分15秒",
        "1小时05分",
        "0分00秒",
    )


def test_columns_fit_their_contents_and_the_main_column_takes_the_rest(
    qtbot: QtBot, themed: QApplication
) -> None:
    """Issue #19: one column took half the width while 窗口 touched the scroll bar."""
    table = _table(qtbot)
    table.set_rows(_rows())
    widths = _widths(table)
    assert sum(widths) == table.viewport().width()
    header = table.horizontalHeader()
    for c in (0, 2, 3, 4):
        assert widths[c] >= max(header.sectionSizeHint(c), table.sizeHintForColumn(c))
        assert widths[c] < widths[1]  # only the main column takes the spare room
    # Numbers and times are right-aligned, their titles too.
    for c, aligned in ((0, Qt.AlignmentFlag.AlignLeft), (3, Qt.AlignmentFlag.AlignRight)):
        assert table.item(0, c).textAlignment() & aligned
        assert table.horizontalHeaderItem(c).textAlignment() & aligned
    assert table.item(0, 4).textAlignment() & Qt.AlignmentFlag.AlignRight
    assert table.texts(0)[4] == "09:03"


def test_a_narrow_table_cuts_the_main_column_first_and_never_a_number(
    qtbot: QtBot, themed: QApplication
) -> None:
    wide = _table(qtbot, 1200)
    wide.set_rows(_rows())
    natural = _widths(wide)
    narrow = _table(qtbot, 330)
    narrow.set_rows(_rows())
    widths = _widths(narrow)
    for c in (0, 3, 4):  # a code, a number and a time keep their width
        assert widths[c] == narrow.sizeHintForColumn(c) or widths[c] >= natural[c] - 1
    em = QFont(narrow.font()).pixelSize()
    assert widths[1] >= min(narrow.sizeHintForColumn(1), 8 * em)  # the main column keeps 8 em
    assert narrow.horizontalScrollBar().maximum() > 0  # past that, it scrolls sideways


def test_the_most_urgent_row_is_selected_until_staff_choose_one(
    qtbot: QtBot, themed: QApplication
) -> None:
    table = _table(qtbot)
    table.set_rows(_rows(urgent="B001"))
    assert table.selected_key() == "B001"
    assert table.selected_data() == {"number": "B001"}
    # Nothing urgent: the first row (the newest) is selected.
    table.set_rows(_rows())
    assert table.selected_key() == "A001"
    # A row staff click stays selected across reloads, whatever becomes urgent.
    rect = table.visualRect(table.model().index(1, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert table.selected_key() == "A002"
    table.set_rows(_rows(urgent="B001"))
    assert table.selected_key() == "A002"
    # Once it is gone, the most urgent one is selected again.
    table.set_rows(_rows(urgent="B001", waits={"A001": 2, "B001": 1}))
    assert table.selected_key() == "B001"


@pytest.mark.parametrize(("select", "expected"), [("urgent_only", None), ("none", None)])
def test_tables_that_select_only_urgent_rows_or_none(
    qtbot: QtBot, themed: QApplication, select: str, expected: str | None
) -> None:
    table = _table(qtbot, select=select)
    table.set_rows(_rows())
    assert table.selected_key() == expected
    table.set_rows(_rows(urgent="A002"))
    assert table.selected_key() == ("A002" if select == "urgent_only" else None)


def test_sorting_by_a_column_keeps_each_row_with_its_record(
    qtbot: QtBot, themed: QApplication
) -> None:
    table = _table(qtbot)
    table.set_rows(_rows())
    header = table.horizontalHeader()
    with qtbot.wait_signal(table.sorted_by) as sorted_by:
        qtbot.mouseClick(
            header.viewport(),
            Qt.MouseButton.LeftButton,
            pos=QPoint(header.sectionViewportPosition(3) + 5, 5),  # the title 等候
        )
    assert sorted_by.args == [3, Qt.SortOrder.AscendingOrder]
    # By the number, not its words: 1, 2, 10 (words would give 1, 10, 2).
    assert [table.texts(r)[3] for r in range(3)] == ["1", "2", "10"]
    assert [table.data_at(r)["number"] for r in range(3)] == ["B001", "A001", "A002"]
    table.sort_by(3, Qt.SortOrder.DescendingOrder)
    assert [table.key_at(r) for r in range(3)] == ["A002", "A001", "B001"]
    # A reload keeps the order staff chose.
    table.set_rows(_rows(waits={"A001": 3, "A002": 10, "B001": 20}))
    assert [table.key_at(r) for r in range(3)] == ["B001", "A002", "A001"]


def test_a_column_staff_would_not_sort_ignores_clicks(qtbot: QtBot, themed: QApplication) -> None:
    table = DataTable([Column("编号", "code"), Column("地点", "main")], "列表")
    qtbot.addWidget(table)
    table.set_rows([Row(k, (k, "—")) for k in ("B", "A")])
    with qtbot.assert_not_emitted(table.sorted_by):
        table.on_header_section_clicked(0)
    assert [table.key_at(r) for r in range(2)] == ["B", "A"]


def test_tones_colour_the_words_and_a_pictogram_stands_beside_them(
    qtbot: QtBot, themed: QApplication
) -> None:
    table = _table(qtbot)
    rows = _rows(urgent="B001")
    late = Cell("超时", tone="urgent", spoken="已超时，请尽快接单")
    rows.append(Row("C001", ("C001", "社保医保", late, "", ""), tone="muted"))
    table.set_rows(rows)
    # A priority kind: its colour and its pictogram, beside its words.
    kind = table.item(1, 2)
    assert kind.foreground().color() == QColor(NORMAL.success)
    assert not kind.icon().isNull()
    # An urgent row is tinted; an urgent cell is red, bold, with a warning pictogram, and
    # says what it means to a screen reader.
    assert table.item(2, 1).background().color() == QColor(NORMAL.warning_bg)
    flag = table.item(3, 2)
    assert flag.foreground().color() == QColor(NORMAL.danger)
    assert flag.font().bold() and not flag.icon().isNull()
    assert flag.data(Qt.ItemDataRole.AccessibleTextRole) == "已超时，请尽快接单"
    # A closed record is greyed; plain cells keep the table's own colours.
    assert table.item(3, 1).foreground().color() == QColor(NORMAL.muted)
    assert table.item(0, 1).data(Qt.ItemDataRole.ForegroundRole) is None
    # Every tone reads on every row colour (the check reads cell colours too).
    assert [str(p) for p in check_accessibility(table, NORMAL)] == []


def test_loading_shows_a_skeleton_and_a_spinner_then_the_rows(
    qtbot: QtBot, themed: QApplication
) -> None:
    table = _table(qtbot, empty_text="今日还没有号票。")
    table.set_loading(True, "正在读取今日号票…")
    assert table.loading and table.overlay.is_loading
    assert table.overlay.text == "正在读取今日号票…"
    assert table.overlay.spinner.turning
    assert table.overlay.geometry() == table.viewport().rect()
    table.set_rows([])
    assert not table.loading
    assert table.overlay.isVisible() and not table.overlay.is_loading
    assert table.overlay.text == "今日还没有号票。"
    assert not table.overlay.spinner.turning
    table.set_rows(_rows())
    assert not table.overlay.isVisible()
    # A reload with rows shown keeps them (no skeleton flashing over them).
    table.set_loading(True)
    assert not table.overlay.isVisible()


def test_an_optional_column_hides_while_no_row_fills_it(qtbot: QtBot, themed: QApplication) -> None:
    table = DataTable(
        [Column("编号", "code"), Column("地点", "main"), Column("办理人", optional=True)], "列表"
    )
    qtbot.addWidget(table)
    table.set_rows([Row("A", ("A", "一楼", "—")), Row("B", ("B", "二楼", ""))])
    assert table.isColumnHidden(2)
    table.set_rows([Row("A", ("A", "一楼", "吴芳"))])
    assert not table.isColumnHidden(2)


def test_a_cell_changes_in_place(qtbot: QtBot, themed: QApplication) -> None:
    """The inbox's waiting time ticks: one cell changes, the row and selection stay."""
    table = _table(qtbot)
    table.set_rows(_rows())
    table.set_cell("A002", 3, number_cell(11, tone="urgent"))
    table.set_urgency("A002", 3)
    row = table.row_of("A002")
    assert row is not None
    assert table.texts(row)[3] == "11" and table.urgency_at(row) == 3
    assert table.data_at(row) == {"number": "A002"}
    assert table.item(row, 3).font().bold()
    assert table.default_row() == row
    assert isinstance(table.item(row, 0), QTableWidgetItem)
