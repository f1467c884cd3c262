"""``hall catalog`` as IT uses it (issue #4): real processes, JSON out, one-line errors."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest


def hall(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shared.cli", *args],
        capture_output=True,
        text=True,
        timeout=180,
    )


def ok(*args: str) -> object:
    result = hall(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_template_import_search_show_export(seeded_db_url: str, tmp_path: Path) -> None:
    db = ("--db", seeded_db_url)
    template = tmp_path / "template.xlsx"
    assert ok("catalog", "template", "--out", str(template)) == {
        "file": str(template),
        "columns": 19,
    }
    imported = ok(*db, "catalog", "import", str(template))
    assert imported["ok"] is True and imported["inserted_codes"] == ["4207039990001"]  # type: ignore[index]

    hits = ok(*db, "catalog", "search", "sfz", "--site", "huarong", "--limit", "3")
    assert isinstance(hits, list) and len(hits) == 3
    assert hits[0]["name"] == "居民身份证申领" and hits[0]["match"] == "initials"
    assert {"code", "name", "department", "queue"} <= set(hits[0])

    guide = ok(*db, "catalog", "show", "4207039990001")
    assert guide["name"] == "居民身份证申领（示例）"  # type: ignore[index]
    assert guide["materials"][0] == {"name": "居民身份证", "original": 1, "copy": 1}  # type: ignore[index]
    assert guide["legal_limit"] == "20个工作日" and guide["queue"] == "D"  # type: ignore[index]

    exported = tmp_path / "catalog.csv"
    assert ok(*db, "catalog", "export", str(exported))["matters"] == 1649 + 5 * 256 + 1  # type: ignore[index]
    with exported.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["事项编码", "事项名称", "实施部门"] and len(rows) == 2931
    again = ok(*db, "catalog", "import", str(exported))
    assert again["unchanged"] == 2930 and again["inserted"] == again["updated"] == 0  # type: ignore[index]


def test_a_bad_file_lists_each_row_and_imports_nothing(
    seeded_sqlite_url: str, tmp_path: Path
) -> None:
    db = ("--db", seeded_sqlite_url)
    template = tmp_path / "t.csv"
    assert hall("catalog", "template", "--out", str(template)).returncode == 0
    with template.open(encoding="utf-8-sig", newline="") as handle:
        header, row = list(csv.reader(handle))
    bad_dept = list(row)
    bad_dept[0], bad_dept[2] = "X-2", "不存在局"
    bad_limit = list(row)
    bad_limit[0], bad_limit[11] = "X-3", "十天"
    path = tmp_path / "bad.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, row, bad_dept, bad_limit])

    text = hall(*db, "catalog", "import", str(path))
    assert text.returncode == 1 and text.stdout == ""
    assert text.stderr.splitlines() == [
        "row 3: unknown department '不存在局'",
        "row 4: bad legal time limit '十天': write 即办 or a number of working days",
        "error: bad.csv: 2 bad row(s), 2 problem(s); nothing imported",
    ]
    as_json = hall(*db, "catalog", "import", str(path), "--json")
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)
    assert report["ok"] is False and [e["row"] for e in report["errors"]] == [3, 4]
    # Nothing was imported: the good row 2 is not there either.
    missing = hall(*db, "catalog", "show", "4207039990001")
    assert missing.returncode == 1 and missing.stderr == "error: no such matter: 4207039990001\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("catalog", "import", "nope.csv"), "error: no such file: nope.csv"),
        (("catalog", "export", "out.txt"), "error: unsupported file type 'out.txt'"),
        (("catalog", "search", "sfz", "--site", "mars"), "error: no such site: mars"),
        (("catalog", "search", "sfz", "--limit", "0"), "error: --limit must be at least 1"),
    ],
)
def test_errors_are_one_line(
    seeded_sqlite_url: str, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "shared.cli", "--db", seeded_sqlite_url, *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(message) and len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_search_text_output_and_no_matches(seeded_sqlite_url: str) -> None:
    found = hall("--db", seeded_sqlite_url, "catalog", "search", "身份z", "--limit", "2")
    assert found.returncode == 0
    assert found.stdout.splitlines()[0].startswith("420703000001  居民身份证申领  [区公安分局")
    empty = hall("--db", seeded_sqlite_url, "catalog", "search", "qqqzzz", "--json")
    assert empty.returncode == 0 and json.loads(empty.stdout) == []
