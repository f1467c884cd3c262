"""Issue #9: a hall that is not Huarong, set up from an empty database with ``hall`` alone.

江北区 (tests/support/other_district.py) is built through ``hall org template`` → openpyxl →
``hall org import`` on both backends; then its catalog, its kiosk's next opening across the
2026 Labour Day holiday and 调休 Saturday, its settings and calendar through the CLI, a
re-import that drops a window, and export → import → export.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from shared.cli import main
from shared.clock import HALL_TZ
from shared.db import create_session_factory
from shared.errors import Conflict
from shared.models import ServiceMatter, Site, Window
from shared.services.home import kiosk_status
from shared.services.hours import hall_state
from shared.services.org import list_queues, list_windows
from shared.services.settings import get_setting
from shared.services.terminals import list_terminals
from tests.support import other_district


class Hall:
    """Runs ``hall`` in-process against one database."""

    def __init__(self, url: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.url, self.capsys = url, capsys

    def run(self, *args: str) -> tuple[int, str, str]:
        code = main(["--db", self.url, *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *args: str) -> Any:
        code, out, err = self.run(*args, "--json")
        assert code == 0, err
        return json.loads(out)


@pytest.fixture
def jiangbei(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Iterator[tuple[Hall, sessionmaker[Session]]]:
    """The 江北区 hall imported from its workbook into an empty database."""
    hall = Hall(db_url, capsys)
    template = tmp_path / "template.xlsx"
    assert hall.ok("org", "template", "--out", str(template)) == {"file": str(template)}
    filled = other_district.fill(template, tmp_path / "jiangbei.xlsx")
    hall.ok("org", "import", str(filled))
    made = create_session_factory(db_url)
    yield hall, made
    made.kw["bind"].dispose()


def _local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=HALL_TZ)


def test_dry_run_writes_nothing_then_import_builds_the_hall(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hall = Hall(db_url, capsys)
    template = tmp_path / "t.xlsx"
    hall.ok("org", "template", "--out", str(template))
    filled = other_district.fill(template, tmp_path / "jiangbei.xlsx")
    dry = hall.ok("org", "import", str(filled), "--dry-run")
    assert dry["dry_run"] is True and dry["sheets"]["窗口"]["created"] == 4
    factory = create_session_factory(db_url)
    try:
        with factory() as session:
            assert session.scalar(select(func.count()).select_from(Site)) == 0

        report = hall.ok("org", "import", str(filled))["sheets"]
        created = {title: sheet["created"] for title, sheet in report.items()}
        assert created == {
            "站点": 2,
            "部门": 3,
            "业务队列": 3,
            "窗口": 4,
            "终端": 3,
            "营业时间": 3,  # all sites' 大厅 and 自助区, jb-hall's own 大厅
            "节假日": 6,
            "设置": 2,
        }
        with factory() as session:
            queues = {(q.site_code, q.prefix): q for q in list_queues(session)}
            assert queues[("jb-hall", "P")].policy == "interleave"
            assert queues[("jb-hall", "P")].interleave_n == 2
            assert set(queues[("jb-town", "A")].departments) == {"jb-rs", "jb-mz"}
            windows = {(w.site_code, w.number): w for w in list_windows(session)}
            assert windows[("jb-hall", 2)].queues == ("A", "P")
            assert windows[("jb-hall", 3)].location == "一楼公安户政区"
            assert windows[("jb-hall", 1)].name == "1号窗口"
            kiosk = {t.code: t for t in list_terminals(session)}["jb-kiosk-1"]
            assert kiosk.kind == "kiosk" and kiosk.printer["host"] == "10.0.0.50"
            assert kiosk.printer["port"] == 9100 and kiosk.printer["check_status"] is True
            hall_site = session.scalars(select(Site).where(Site.code == "jb-hall")).one()
            assert get_setting(session, "hall_hours", hall_site.id)["by_weekday"] == {
                "5": [["09:00", "12:00"]]
            }
            assert get_setting(session, "elderly_age", hall_site.id) == 65
    finally:
        factory.kw["bind"].dispose()

    # The same workbook again changes nothing.
    again = hall.ok("org", "import", str(filled))["sheets"]
    assert all(s["created"] == s["updated"] == 0 for s in again.values()), again


def _catalog(path: Path, rows: list[list[str]]) -> Path:
    headers = ["事项编码", "事项名称", "实施部门", "事项类型", "办理站点", "取号队列"]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*headers, "法定时限", "承诺时限"])
        writer.writerows([[*row, "20", "15"] for row in rows])
    return path


def test_catalog_import_references_the_workbooks_departments_and_sites(
    jiangbei: tuple[Hall, sessionmaker[Session]], tmp_path: Path
) -> None:
    hall, factory = jiangbei
    good = _catalog(
        tmp_path / "good.csv",
        [
            ["JB0001", "居民身份证申领", "jb-ga", "行政确认", "jb-hall", "P"],
            ["JB0002", "最低生活保障申请", "江北区民政局", "行政给付", "jb-hall、jb-town", "A"],
        ],
    )
    assert hall.ok("catalog", "import", str(good))["inserted"] == 2

    # A matter offered where its queue does not exist is refused with its row and column.
    bad = _catalog(
        tmp_path / "bad.csv",
        [
            ["JB0003", "临时居住登记", "jb-ga", "行政确认", "jb-hall", "P"],
            ["JB0004", "户口迁移", "jb-ga", "行政确认", "jb-hall、jb-town", "P"],
        ],
    )
    code, _out, err = hall.run("catalog", "import", str(bad))
    assert code == 1
    assert "row 3: 取号队列: queue 'P' does not exist at site 'jb-town'" in err
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(ServiceMatter)) == 2


def test_the_kiosk_names_the_next_opening_across_the_holiday(
    jiangbei: tuple[Hall, sessionmaker[Session]],
) -> None:
    hall, factory = jiangbei

    def state(site: str, instant: datetime) -> tuple[bool, datetime | None]:
        with factory() as session:
            row = session.scalars(select(Site).where(Site.code == site)).one()
            found = hall_state(session, row, instant)
            status = kiosk_status(session, site, now=instant)
        assert (status.is_open, status.next_opening) == (found.is_open, found.next_opening)
        return found.is_open, found.next_opening or found.closes_at

    # Thursday evening before Labour Day: not Friday 1 May, not Saturday's morning session
    # (2 May is a holiday), but Wednesday 6 May at the hall's own 09:00.
    assert state("jb-hall", _local(2026, 4, 30, 17, 30)) == (False, _local(2026, 5, 6, 9, 0))
    # Monday 4 May, mid-morning, is a holiday in the week.
    assert state("jb-town", _local(2026, 5, 4, 10, 0)) == (False, _local(2026, 5, 6, 8, 30))
    # Friday evening: the 调休 Saturday opens with the usual working-day hours.
    assert state("jb-town", _local(2026, 5, 8, 18, 0)) == (False, _local(2026, 5, 9, 8, 30))
    assert state("jb-town", _local(2026, 5, 9, 9, 0)) == (True, _local(2026, 5, 9, 12, 0))

    # 延时服务 added from the CLI opens the township that evening; removing it closes it again.
    hall.ok(
        "calendar", "add", "2026-05-08", "--kind", "延时服务", "--site", "jb-town",
        "--session", "17:30-19:00", "--name", "延时服务",
    )  # fmt: skip
    assert state("jb-town", _local(2026, 5, 8, 18, 0)) == (True, _local(2026, 5, 8, 19, 0))
    listed = hall.ok(
        "calendar", "list", "--site", "jb-town", "--from", "2026-05-01", "--to", "2026-05-31"
    )
    assert [(e["date"], e["kind"], e["site"]) for e in listed][-2:] == [
        ("2026-05-08", "extended", "jb-town"),
        ("2026-05-09", "workday", None),
    ]
    assert len(listed) == 7
    hall.ok("calendar", "remove", "2026-05-08", "--site", "jb-town")
    assert state("jb-town", _local(2026, 5, 8, 18, 0))[0] is False
    code, _out, err = hall.run("calendar", "add", "2026-05-32", "--kind", "休息")
    assert code == 1 and err.startswith("error: not a date") and "Traceback" not in err


def test_settings_are_set_and_refused_from_the_cli(
    jiangbei: tuple[Hall, sessionmaker[Session]],
) -> None:
    hall, _factory = jiangbei
    listed = {s["key"]: s for s in hall.ok("settings", "list", "--site", "jb-town")}
    assert listed["elderly_age"]["label"] == "老年人优先年龄"
    assert (listed["elderly_age"]["value"], listed["elderly_age"]["source"]) == (65, "hall")
    assert "kiosk_pin_hash" not in listed  # secrets are never listed

    assert hall.ok("settings", "set", "elderly_age", "66", "--site", "jb-town")["value"] == 66
    got = hall.ok("settings", "get", "elderly_age", "--site", "jb-town")
    assert (got["value"], got["source"]) == (66, "site")
    assert hall.ok("settings", "get", "elderly_age", "--site", "jb-hall")["value"] == 65

    for args, reason in [
        (("elderly_age", "200"), "elderly_age: must be between 60 and 100, got 200"),
        (("elderly_age", "六十"), "must be a whole number"),
        (("reception_levels", "一般", "--site", "jb-town"), "reception_levels is hall-wide"),
        (("business_day_cutover", "09:00"), "must start between 00:00 and 06:00"),
        (("no_such_key", "1"), "unknown setting 'no_such_key'"),
    ]:
        code, _out, err = hall.run("settings", "set", *args)
        assert code == 1 and reason in err, err
        assert err.count("\n") == 1 and err.startswith("error: ")

    reset = hall.ok("settings", "reset", "elderly_age", "--site", "jb-town")
    assert (reset["value"], reset["source"]) == (65, "hall")


def test_reimport_deactivates_a_removed_window_and_terminal(
    jiangbei: tuple[Hall, sessionmaker[Session]], tmp_path: Path
) -> None:
    hall, factory = jiangbei
    template = tmp_path / "t2.xlsx"
    hall.ok("org", "template", "--out", str(template))
    smaller = other_district.fill(
        template,
        tmp_path / "smaller.xlsx",
        {
            "窗口": other_district.WINDOWS[:2] + other_district.WINDOWS[3:],
            "终端": other_district.TERMINALS[:2],
        },
    )
    report = hall.ok("org", "import", str(smaller))["sheets"]
    assert report["窗口"]["deactivated_records"] == ["jb-hall/3"]
    assert report["终端"]["deactivated_records"] == ["jb-pad-3"]
    assert report["窗口"]["unchanged"] == 3
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Window)) == 4  # kept, not dropped
        windows = {(w.site_code, w.number): w.active for w in list_windows(session)}
        assert windows[("jb-hall", 3)] is False and windows[("jb-hall", 2)] is True
        assert {t.code: t.active for t in list_terminals(session)}["jb-pad-3"] is False

    # Putting it back in the workbook brings it back.
    full = other_district.fill(template, tmp_path / "full.xlsx")
    back = hall.ok("org", "import", str(full))["sheets"]
    assert back["窗口"]["updated"] == 1 and back["终端"]["updated"] == 1


def test_export_then_import_into_an_empty_database_gives_the_same_workbook(
    jiangbei: tuple[Hall, sessionmaker[Session]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    hall, _factory = jiangbei
    first = tmp_path / "first.xlsx"
    counts = hall.ok("org", "export", "--out", str(first))["rows"]
    assert counts["窗口"] == 4 and counts["节假日"] == 6 and counts["设置"] == 2
    empty = Hall(f"sqlite:///{tmp_path}/empty.db", capsys)
    empty.ok("org", "import", str(first))
    second = tmp_path / "second.xlsx"
    empty.ok("org", "export", "--out", str(second))
    assert other_district.sheet_values(first) == other_district.sheet_values(second)
    exported = other_district.sheet_values(first)
    terminals = {row[0]: row for row in exported["终端"][2:]}
    assert terminals["jb-kiosk-1"] == (
        "jb-kiosk-1",
        "自助机",
        "jb-hall",
        "一楼大厅入口",
        "escpos-network 10.0.0.50:9100",
    )


def test_a_bad_workbook_prints_every_cell_and_writes_nothing(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hall = Hall(db_url, capsys)
    template = tmp_path / "t.xlsx"
    hall.ok("org", "template", "--out", str(template))
    bad = other_district.fill(
        template,
        tmp_path / "bad.xlsx",
        {"窗口": [*other_district.WINDOWS, ["jb-town", "2", "", "", "Z"]]},
    )
    code, out, err = hall.run("org", "import", str(bad))
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "窗口 row 7, 服务队列: unknown queue 'Z' at site jb-town (not in the 业务队列 sheet)",
        "error: bad.xlsx: 1 problem(s); nothing imported",
    ]
    code, out, _err = hall.run("org", "import", str(bad), "--json")
    assert code == 1
    assert json.loads(out)["problems"][0] == {
        "sheet": "窗口",
        "row": 7,
        "column": "服务队列",
        "reason": "unknown queue 'Z' at site jb-town (not in the 业务队列 sheet)",
        "reason_zh": "队列“Z”不在站点 jb-town 的业务队列中。",
    }
    factory = create_session_factory(db_url)
    try:
        with factory() as session:
            assert session.scalar(select(func.count()).select_from(Site)) == 0
    finally:
        factory.kw["bind"].dispose()


def test_the_new_hall_signs_windows_in_issues_calls_and_estimates_honestly(
    jiangbei: tuple[Hall, sessionmaker[Session]],
) -> None:
    """Issue #9 item 7: the workbook-built hall works end to end — clerks added with ``hall
    user``, windows signed in, tickets issued and called, and waits counted only from open
    windows (queue P is served by windows 2 and 3; interleave 2)."""
    from shared.services import calling, window_sessions
    from shared.services.tickets import issue_ticket

    hall, factory = jiangbei
    for clerk in ("jb-clerk2", "jb-clerk3"):
        hall.ok(
            "user",
            "add",
            clerk,
            "--role",
            "window",
            "--site",
            "jb-hall",
            "--password",
            "Jb-2026-pass",
        )
    monday = _local(2026, 5, 11, 10, 0)  # the hall's own hours: 09:00-12:00
    with factory.begin() as session:
        first = issue_ticket(session, site="jb-hall", queue="P", now=monday)
        second = issue_ticket(session, site="jb-hall", queue="P", now=monday)
        elder = issue_ticket(session, site="jb-hall", queue="P", priority="elderly", now=monday)
    assert (first.number, second.number, elder.number) == ("P001", "P002", "P003")
    # Nobody at the windows: no guess, and the hall is open so no opening time either.
    assert second.wait.range is None and second.wait.windows == 0
    assert second.wait.next_opening is None

    with factory.begin() as session:
        clerk3 = window_sessions.staff_id_of(session, "jb-clerk3")
        window_sessions.sign_in(session, site="jb-hall", window=3, staff_id=clerk3, now=monday)
        called = calling.call_next(session, site="jb-hall", window=3, now=monday)
    # interleave 2: up to two normal tickets may go before a waiting priority ticket.
    assert called is not None and called.number == "P001"
    with factory.begin() as session:
        statuses = {s.prefix: s for s in calling.queue_status(session, site="jb-hall", now=monday)}
    assert statuses["P"].waiting == 2 and statuses["P"].windows == 1
    assert statuses["P"].wait_low is not None and statuses["P"].wait_high > 0

    # A paused window stops counting and stops calling.
    with factory.begin() as session:
        window_sessions.pause(
            session, site="jb-hall", window=3, reason="会议", staff_id=clerk3, now=monday
        )
        statuses = {s.prefix: s for s in calling.queue_status(session, site="jb-hall", now=monday)}
    assert statuses["P"].windows == 0 and statuses["P"].wait_low is None
    with pytest.raises(Conflict), factory.begin() as session:
        calling.call_next(session, site="jb-hall", window=3, now=monday)
