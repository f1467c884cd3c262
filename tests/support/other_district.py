"""A hall that is not Huarong, as IT would type it into the organisation workbook (issue #9).

江北区 (fictional district): a district hall ``jb-hall`` and a township centre ``jb-town``,
their own department codes and queue prefixes, a Saturday morning at the hall, and the
Labour Day holiday of the State Council's 2026 arrangement (国务院办公厅关于2026年部分节假日
安排的通知, 2025-11-04, as published by Xinhua, e.g. https://politics.gmw.cn/2025-11/04/
content_38391083.htm): "劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）
上班。" — a holiday in the week and a 调休 working Saturday.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

SITES = [
    ["jb-hall", "江北区政务服务中心", "区级中心", "江北区滨江路1号", "023-6100000"],
    ["jb-town", "江北镇便民服务中心", "乡镇便民服务中心", "江北镇正街8号", ""],
]
DEPARTMENTS = [
    ["jb-ga", "江北区公安分局", "公安"],
    ["jb-rs", "江北区人力资源和社会保障局", "人社"],
    ["jb-mz", "江北区民政局", "民政"],
]
QUEUES = [
    ["jb-hall", "A", "综合受理", "各部门综合事项", "strict", "10", "jb-rs、jb-mz"],
    ["jb-hall", "P", "公安户政", "户口、身份证", "interleave 2", "8", "jb-ga"],
    ["jb-town", "A", "便民受理", "", "strict", "12", "jb-rs, jb-mz"],
]
WINDOWS = [
    ["jb-hall", "1", "", "一楼综合受理区", "A"],
    ["jb-hall", "2", "", "一楼综合受理区", "A、P"],
    ["jb-hall", "3", "户政窗口", "一楼公安户政区", "P"],
    ["jb-town", "1", "", "便民服务大厅", "A"],
]
TERMINALS = [
    ["jb-kiosk-1", "自助机", "jb-hall", "一楼大厅入口", "escpos-network 10.0.0.50:9100"],
    ["jb-board-1", "叫号屏", "jb-hall", "一楼大厅", "none"],
    ["jb-pad-3", "rating_pad", "jb-hall", "3号窗口", "none"],
]
HOURS = [
    ["", "大厅", "周一至周五", "08:30", "12:00"],  # every site unless it has its own
    ["", "大厅", "周一至周五", "14:00", "17:30"],
    ["", "自助区", "周一至周日", "00:00", "24:00"],
    ["jb-hall", "大厅", "周一至周五", "09:00", "12:00"],
    ["jb-hall", "大厅", "周一至周五", "13:30", "17:00"],
    ["jb-hall", "大厅", "周六", "09:00", "12:00"],
]
LABOUR_DAY = [date(2026, 5, d) for d in range(1, 6)]
WORKDAY = date(2026, 5, 9)
CALENDAR = [[d.isoformat(), "", "休息", "劳动节", "", ""] for d in LABOUR_DAY] + [
    [WORKDAY.isoformat(), "", "调休上班", "劳动节调休", "", ""]
]
SETTINGS = {"elderly_age": "65", "business_day_cutover": "02:00"}

SHEETS: dict[str, list[list[str]]] = {
    "站点": SITES,
    "部门": DEPARTMENTS,
    "业务队列": QUEUES,
    "窗口": WINDOWS,
    "终端": TERMINALS,
    "营业时间": HOURS,
    "节假日": CALENDAR,
}


def fill(template: Path, out: Path, changes: dict[str, list[list[str]]] | None = None) -> Path:
    """Fill the template with the 江北区 hall (sheets in ``changes`` replace its rows)."""
    from openpyxl import load_workbook

    book = load_workbook(template)
    for title, rows in (SHEETS | (changes or {})).items():
        for row in rows:
            book[title].append(row)
    for row in book["设置"].iter_rows(min_row=3):
        if row[0].value in SETTINGS:
            row[2].value = SETTINGS[str(row[0].value)]
    book.save(out)
    return out


def sheet_values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's rows as tuples of values (to compare two workbooks)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return {
            name: [tuple(row) for row in book[name].iter_rows(values_only=True)]
            for name in book.sheetnames
        }
    finally:
        book.close()
