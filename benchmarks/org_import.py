"""Organisation workbook import at the demo hall's size (issue #9).

Builds the demo hall once in a temporary SQLite file to take its shape (7 sites, 29
departments, 21 queues, 53 windows), adds what a real hall's IT would also type in — a rating
pad at every district window and the kiosks (35 terminals), weekly hours for the hall and the
24-hour zone, the State Council's 2026 holidays and 调休 days (38 dates), a few settings —
then, for each round, on a fresh empty migrated SQLite file:

- ``template``: write the empty workbook;
- ``fill``: open it with openpyxl, append every row, save (what a script filling it does);
- ``dry run``: read and check everything, write nothing;
- ``import``: read, check, write through the services and commit;
- ``re-import``: the same workbook again (everything unchanged, nothing written).

Prints the median and the spread of each step over the rounds, and the total of
template → fill → import. No budget is set by the spec; the figure goes in issue #9's note.

Usage: python benchmarks/org_import.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy.orm import sessionmaker  # noqa: E402

from shared.db import create_hall_engine, upgrade  # noqa: E402
from shared.demo.seed import seed_demo  # noqa: E402
from shared.services.org.workbook import import_workbook, template  # noqa: E402
from shared.services.org.workbook_export import organisation_rows  # noqa: E402

# 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04): (first, last, name), then 调休 days.
HOLIDAYS_2026 = [
    (date(2026, 1, 1), date(2026, 1, 3), "元旦"),
    (date(2026, 2, 15), date(2026, 2, 23), "春节"),
    (date(2026, 4, 4), date(2026, 4, 6), "清明节"),
    (date(2026, 5, 1), date(2026, 5, 5), "劳动节"),
    (date(2026, 6, 19), date(2026, 6, 21), "端午节"),
    (date(2026, 9, 25), date(2026, 9, 27), "中秋节"),
    (date(2026, 10, 1), date(2026, 10, 7), "国庆节"),
]
WORKDAYS_2026 = [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9)]
WORKDAYS_2026 += [date(2026, 9, 20), date(2026, 10, 10)]


def demo_rows(folder: Path) -> dict[str, list[list[str]]]:
    """The demo hall's organisation as workbook rows, plus hours, holidays and settings."""
    engine = create_hall_engine(f"sqlite:///{folder / 'demo.db'}")
    upgrade(engine)
    with sessionmaker(engine).begin() as session:
        seed_demo(session)
        rows = organisation_rows(session)
    engine.dispose()
    district = [r for r in rows["窗口"] if r[0] == "huarong"]
    rows["终端"] += [
        [f"pad-{w[1]}", "评价器", "huarong", f"{w[1]}号窗口", "none"] for w in district
    ]
    rows["营业时间"] = [
        ["", "大厅", "周一至周五", "08:30", "12:00"],
        ["", "大厅", "周一至周五", "14:30", "17:30"],
        ["", "自助区", "周一至周日", "00:00", "24:00"],
    ]
    calendar = []
    for first, last, name in HOLIDAYS_2026:
        for offset in range((last - first).days + 1):
            day = first + timedelta(days=offset)
            calendar.append([day.isoformat(), "", "休息", name, "", ""])
    calendar += [[d.isoformat(), "", "调休上班", "调休", "", ""] for d in WORKDAYS_2026]
    rows["节假日"] = calendar
    rows["设置"] = [["elderly_age", "", "70", ""], ["priority_overdue_minutes", "", "5", ""]]
    return rows


def fill(path: Path, out: Path, rows: dict[str, list[list[str]]]) -> None:
    """Append every row to the template's sheets and save."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    for title, sheet_rows in rows.items():
        if title == "设置":  # the template lists the keys; fill in their values
            wanted = {r[0]: r[2] for r in sheet_rows}
            for row in book[title].iter_rows(min_row=3):
                row[2].value = wanted.get(str(row[0].value), row[2].value)
            continue
        for row in sheet_rows:
            book[title].append(row)
    book.save(out)


def one_round(folder: Path, index: int, rows: dict[str, list[list[str]]]) -> dict[str, float]:
    """Time each step once on a fresh database; seconds."""
    engine = create_hall_engine(f"sqlite:///{folder / f'hall-{index}.db'}")
    upgrade(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    times: dict[str, float] = {}
    start = time.perf_counter()
    template(folder / f"t-{index}.xlsx")
    times["template"] = time.perf_counter() - start
    start = time.perf_counter()
    fill(folder / f"t-{index}.xlsx", folder / f"f-{index}.xlsx", rows)
    times["fill"] = time.perf_counter() - start
    start = time.perf_counter()
    with factory() as session:
        import_workbook(session, folder / f"f-{index}.xlsx", dry_run=True)
        session.rollback()
    times["dry run"] = time.perf_counter() - start
    start = time.perf_counter()
    with factory.begin() as session:
        report = import_workbook(session, folder / f"f-{index}.xlsx")
    times["import"] = time.perf_counter() - start
    assert report.sheets["窗口"].created == 53, report.sheets["窗口"]
    start = time.perf_counter()
    with factory.begin() as session:
        again = import_workbook(session, folder / f"f-{index}.xlsx")
    times["re-import"] = time.perf_counter() - start
    assert all(s.created == s.updated == 0 for s in again.sheets.values())
    engine.dispose()
    times["template → fill → import"] = times["template"] + times["fill"] + times["import"]
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hall-org-bench-") as tmp:
        folder = Path(tmp)
        rows = demo_rows(folder)
        sizes = ", ".join(f"{title} {len(r)}" for title, r in rows.items())
        print(f"workbook rows: {sizes}")
        rounds = [one_round(folder, i, rows) for i in range(args.rounds)]
    print(f"SQLite, {args.rounds} rounds (median [min–max], ms):")
    for step in rounds[0]:
        values = [r[step] * 1000 for r in rounds]
        print(
            f"  {step:<26} {statistics.median(values):8.0f}   [{min(values):.0f}–{max(values):.0f}]"
        )


if __name__ == "__main__":
    main()
