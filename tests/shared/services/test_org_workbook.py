"""Issue #9: a bad organisation workbook is refused whole, every bad cell named, nothing written.

Each case takes the 江北区 workbook (tests/support/other_district.py), breaks it the way people
do, imports it into an empty database on both backends and checks the problems (sheet, row as
Excel shows it, column header, reason) and that no row was written anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from shared.errors import ValidationError, WorkbookError
from shared.models import (
    AuditEntry,
    CalendarDay,
    Change,
    Department,
    Queue,
    Setting,
    Site,
    Terminal,
    Window,
)
from shared.services.org import import_workbook, list_windows, template
from shared.services.org.workbook_format import parse_printer, printer_text
from tests.support import other_district

TABLES = (Site, Department, Queue, Window, Terminal, Setting, CalendarDay, AuditEntry, Change)
Book = Any  # an openpyxl Workbook


def counts(factory: sessionmaker[Session]) -> dict[str, int]:
    with factory() as session:
        return {
            t.__tablename__: int(session.scalar(select(func.count()).select_from(t)) or 0)
            for t in TABLES
        }


def _drop_sheet(book: Book) -> None:
    del book["窗口"]


def _drop_column(book: Book) -> None:
    book["站点"].delete_cols(3)  # 类型


def _set(title: str, row: int, column: int, value: object) -> Callable[[Book], None]:
    def change(book: Book) -> None:
        book[title].cell(row=row, column=column).value = value

    return change


def _append(title: str, *rows: list[str]) -> Callable[[Book], None]:
    def change(book: Book) -> None:
        for row in rows:
            book[title].append(row)

    return change


def _both(*changes: Callable[[Book], None]) -> Callable[[Book], None]:
    def change(book: Book) -> None:
        for one in changes:
            one(book)

    return change


def _setting(key: str, value: str) -> Callable[[Book], None]:
    def change(book: Book) -> None:
        for row in book["设置"].iter_rows(min_row=3):
            if row[0].value == key:
                row[2].value = value

    return change


# (change, [(sheet, row, column, part of the reason)])
BAD: dict[str, tuple[Callable[[Book], None], list[tuple[str, int, str, str]]]] = {
    "missing sheet": (_drop_sheet, [("窗口", 0, "", "the sheet is missing")]),
    "missing column": (_drop_column, [("站点", 1, "类型", "the column is missing")]),
    "duplicate codes": (
        _append("站点", ["jb-hall", "重复", "分中心", "", ""]),
        [("站点", 5, "编码", "duplicate site code jb-hall (also on row 3)")],
    ),
    "duplicate prefix and window number": (
        _both(
            _append("业务队列", ["jb-town", "A", "又一个", "", "strict", "5", ""]),
            _append("窗口", ["jb-hall", "2", "", "", "A"]),
        ),
        [
            ("业务队列", 6, "字头", "duplicate queue jb-town/A (also on row 5)"),
            ("窗口", 7, "窗口号", "duplicate window jb-hall/2 (also on row 4)"),
        ],
    ),
    "window serving an unknown queue": (
        _set("窗口", 6, 5, "A、Q"),
        [("窗口", 6, "服务队列", "unknown queue 'Q' at site jb-town")],
    ),
    "unknown site and department": (
        _append("业务队列", ["jb-moon", "B", "月球", "", "strict", "5", "jb-xx"]),
        [
            ("业务队列", 6, "站点", "unknown site 'jb-moon'"),
            ("业务队列", 6, "服务部门", "unknown department 'jb-xx'"),
        ],
    ),
    "bad time": (
        _set("营业时间", 3, 4, "8:70"),
        [("营业时间", 3, "开始", "not a time of day (HH:MM): '8:70'")],
    ),
    "session ending before it starts": (
        _append("营业时间", ["jb-town", "大厅", "周六", "12:00", "09:00"]),
        [("营业时间", 9, "结束", "the session 12:00-09:00 ends before it starts")],
    ),
    "overlapping sessions": (
        _append("营业时间", ["jb-hall", "大厅", "周三", "11:30", "14:00"]),
        [
            (
                "营业时间",
                9,
                "开始",
                "jb-hall 大厅 周三: the session 11:30-14:00 overlaps 09:00-12:00",
            ),
            ("营业时间", 9, "开始", "the session 11:30-14:00 overlaps 13:30-17:00 (row 7)"),
        ],
    ),
    "bad setting value": (
        _setting("elderly_age", "200"),
        [("设置", 6, "值", "elderly_age: must be between 60 and 100, got 200")],
    ),
    "bad dates and kinds": (
        _append(
            "节假日",
            ["2026-02-30", "", "休息", "", "", ""],
            ["2026-06-19", "", "放风", "端午节", "", ""],
            ["2026-06-20", "", "延时服务", "", "", ""],
        ),
        [
            ("节假日", 9, "日期", "not a date (YYYY-MM-DD): '2026-02-30'"),
            ("节假日", 10, "类型", "unknown day kind '放风'"),
            ("节假日", 11, "开始", "an extended-hours day needs its extra sessions"),
        ],
    ),
    "bad terminal kind and printer": (
        _append(
            "终端",
            ["jb-k2", "ATM", "jb-hall", "", "none"],
            ["jb-k3", "自助机", "jb-hall", "", "escpos-network 10.0.0.9:prot"],
        ),
        [
            ("终端", 6, "类型", "unknown terminal kind 'ATM'"),
            ("终端", 7, "打印机", "'port' must be a whole number"),
        ],
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_each_bad_workbook_is_refused_whole_with_its_cells_named(
    factory: sessionmaker[Session], tmp_path: Path, case: str
) -> None:
    from openpyxl import load_workbook

    template(tmp_path / "t.xlsx")
    path = other_district.fill(tmp_path / "t.xlsx", tmp_path / "good.xlsx")
    book = load_workbook(path)
    change, expected = BAD[case]
    change(book)
    book.save(tmp_path / "bad.xlsx")
    before = counts(factory)
    with pytest.raises(WorkbookError) as caught, factory.begin() as session:
        import_workbook(session, tmp_path / "bad.xlsx")
    found = [(p.sheet, p.row, p.column, p.reason) for p in caught.value.problems]
    assert len(found) == len(expected), found
    for (sheet, row, column, reason), got in zip(expected, found, strict=True):
        assert got[:3] == (sheet, row, column) and reason in got[3], found
    assert all(p.reason_zh for p in caught.value.problems)
    assert counts(factory) == before and before["sites"] == 0


def test_every_problem_of_a_workbook_comes_at_once(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    template(tmp_path / "t.xlsx")
    path = other_district.fill(tmp_path / "t.xlsx", tmp_path / "good.xlsx")
    book = load_workbook(path)
    for case in ("duplicate codes", "window serving an unknown queue", "bad setting value"):
        BAD[case][0](book)
    book.save(path)
    with pytest.raises(WorkbookError) as caught, factory.begin() as session:
        import_workbook(session, path)
    assert [str(p) for p in caught.value.problems] == [
        "站点 row 5, 编码: duplicate site code jb-hall (also on row 3)",
        "窗口 row 6, 服务队列: unknown queue 'Q' at site jb-town (not in the 业务队列 sheet)",
        "设置 row 6, 值: elderly_age: must be between 60 and 100, got 200",
    ]
    assert "nothing imported" in str(caught.value)


def test_cells_excel_typed_are_read_as_shown(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    """Excel turns 08:30 into a time and 3 into a number; the help row may be deleted."""
    from openpyxl import load_workbook

    template(tmp_path / "t.xlsx")
    path = other_district.fill(tmp_path / "t.xlsx", tmp_path / "typed.xlsx")
    book = load_workbook(path)
    book["营业时间"]["D3"].value = time(8, 30)
    book["窗口"]["B5"].value = 3
    book["站点"].delete_rows(2)  # no help row: data starts on row 2
    book.save(path)
    with factory.begin() as session:
        report = import_workbook(session, path)
        assert report.sheets["窗口"].created == 4
        assert 3 in [w.number for w in list_windows(session, "jb-hall")]


def test_dry_run_reports_and_writes_nothing(factory: sessionmaker[Session], tmp_path: Path) -> None:
    template(tmp_path / "t.xlsx")
    path = other_district.fill(tmp_path / "t.xlsx", tmp_path / "good.xlsx")
    with factory.begin() as session:
        report = import_workbook(session, path, dry_run=True)
    assert report.sheets["站点"].created == 2 and report.dry_run
    assert counts(factory)["sites"] == 0 and counts(factory)["settings"] == 0


def test_a_file_that_is_not_a_workbook(factory: sessionmaker[Session], tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_text("not a zip")
    with pytest.raises(ValidationError, match=r"cannot read x\.xlsx"), factory.begin() as session:
        import_workbook(session, tmp_path / "x.xlsx")


@pytest.mark.parametrize(
    ("text", "config"),
    [
        ("none", {"kind": "none"}),
        ("", {"kind": "none"}),
        (
            "escpos-network 10.0.0.50:9100",
            {"kind": "escpos-network", "host": "10.0.0.50", "port": 9100},
        ),
        ("escpos-network printer.local", {"kind": "escpos-network", "host": "printer.local"}),
        (
            "escpos-usb 0x0416:0x5011 width_dots=384 native_qr=false",
            {
                "kind": "escpos-usb",
                "vendor": "0x0416",
                "product": "0x5011",
                "width_dots": 384,
                "native_qr": False,
            },
        ),
        (
            "escpos-serial /dev/ttyUSB0@19200 check_status=false timeout=2.5",
            {
                "kind": "escpos-serial",
                "device": "/dev/ttyUSB0",
                "baud": 19200,
                "check_status": False,
                "timeout": 2.5,
            },
        ),
        ("escpos-network 10.0.0.9:9100, no status check", {"check_status": False}),
        (
            "pdf-folder /var/lib/hall/tickets",
            {"kind": "pdf-folder", "path": "/var/lib/hall/tickets"},
        ),
        ("system 前台 打印机", {"kind": "system", "name": "前台 打印机"}),
    ],
)
def test_printer_cells_read_and_write_back(text: str, config: dict[str, Any]) -> None:
    parsed = parse_printer(text)
    assert config.items() <= parsed.items()
    assert parse_printer(printer_text(parsed)) == parsed


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("escpos-network", "write 'escpos-network ADDRESS"),
        ("escpos-network 10.0.0.1:9100 prot=9100", "unknown key 'prot'"),
        ("escpos-network 10.0.0.1 check_status=maybe", "'check_status' must be true or false"),
        ("laser 10.0.0.1", "unknown printer kind 'laser'"),
        ("pdf-folder tickets", "absolute folder path"),
    ],
)
def test_bad_printer_cells_are_refused(text: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(reason)):
        parse_printer(text)


def test_the_template_has_every_sheet_with_headers_help_and_setting_labels(tmp_path: Path) -> None:
    template(tmp_path / "t.xlsx")
    values = other_district.sheet_values(tmp_path / "t.xlsx")
    assert list(values) == [
        "站点",
        "部门",
        "业务队列",
        "窗口",
        "终端",
        "营业时间",
        "节假日",
        "设置",
    ]
    assert values["窗口"][0] == ("站点", "窗口号", "名称", "告知群众的位置", "服务队列")
    assert all(len(rows) >= 2 and all(rows[1]) for rows in values.values())  # the help row
    settings = {row[0]: row[1] for row in values["设置"][2:]}
    assert settings["elderly_age"] == "老年人优先年龄"
    assert "kiosk_pin_hash" not in settings and "hall_hours" not in settings


def test_the_demo_hall_exports_and_imports_into_an_empty_database(
    seeded_sqlite_url: str, sqlite_url: str, tmp_path: Path
) -> None:
    """The demo is an example, not a requirement: its workbook rebuilds it anywhere."""
    from shared.db import create_session_factory
    from shared.services.org import export

    demo, empty = create_session_factory(seeded_sqlite_url), create_session_factory(sqlite_url)
    try:
        with demo() as session:
            rows = export(session, tmp_path / "demo.xlsx")
        assert (rows["站点"], rows["部门"], rows["业务队列"], rows["窗口"]) == (7, 29, 21, 53)
        with empty.begin() as session:
            report = import_workbook(session, tmp_path / "demo.xlsx")
        assert report.sheets["窗口"].created == 53
        with empty() as session:
            export(session, tmp_path / "again.xlsx")
        assert other_district.sheet_values(tmp_path / "demo.xlsx") == other_district.sheet_values(
            tmp_path / "again.xlsx"
        )
    finally:
        for made in (demo, empty):
            made.kw["bind"].dispose()
