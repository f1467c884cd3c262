"""``hall catalog`` as IT uses it (issues #4, #11): real processes, JSON out, one-line errors;
the guide slip as a PDF read back, its QR decoded."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from pyzbar.pyzbar import decode

from shared.services.catalog_format import COLUMNS, EXAMPLE_ROW
from shared.services.catalog_io import write_catalog_file


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


def _filled(path: Path) -> Path:
    """The template as IT fills it: the example's code replaced by a real one."""
    write_catalog_file(path, [EXAMPLE_ROW | {"code": "4207039990001"}])
    return path


def test_template_import_search_show_export(seeded_db_url: str, tmp_path: Path) -> None:
    db = ("--db", seeded_db_url)
    template = tmp_path / "template.xlsx"
    assert ok("catalog", "template", "--out", str(template)) == {
        "file": str(template),
        "columns": len(COLUMNS),
    }
    # The template's examples are refused: nothing is imported by accident.
    refused = hall(*db, "catalog", "import", str(template))
    assert refused.returncode == 1
    assert "sheet 事项, row 2: 事项编码: '示例-0001' is the template's example row" in (
        refused.stderr
    )
    imported = ok(*db, "catalog", "import", str(_filled(tmp_path / "filled.xlsx")))
    assert imported["ok"] is True and imported["inserted_codes"] == ["4207039990001"]  # type: ignore[index]

    hits = ok(*db, "catalog", "search", "sfz", "--site", "huarong", "--limit", "3")
    assert isinstance(hits, list) and len(hits) == 3
    assert hits[0]["name"] == "居民身份证申领" and hits[0]["match"] == "initials"
    assert {"code", "name", "department", "queue"} <= set(hits[0])

    guide = ok(*db, "catalog", "show", "4207039990001")
    assert guide["name"] == "居民身份证换领（示例）"  # type: ignore[index]
    assert guide["materials"] == EXAMPLE_ROW["materials"]  # type: ignore[index]
    assert guide["legal_limit"] == "60日" and guide["legal_limit_days"] is None  # type: ignore[index]
    assert guide["visits"] == "最多跑一次" and guide["queue"] == "D"  # type: ignore[index]
    shown = hall(*db, "catalog", "show", "420703000001")
    assert shown.returncode == 0 and "收费标准:\n  " in shown.stdout
    assert "办理时间:\n  请咨询窗口" in shown.stdout  # nothing published, nothing invented

    exported = tmp_path / "catalog.csv"
    assert ok(*db, "catalog", "export", str(exported))["matters"] == 1649 + 5 * 256 + 1  # type: ignore[index]
    with exported.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["事项编码", "事项名称", "实施部门"] and len(rows) == 2931
    again = ok(*db, "catalog", "import", str(exported))
    assert again["unchanged"] == 2930 and again["inserted"] == again["updated"] == 0  # type: ignore[index]


def test_a_bad_file_lists_each_problem_and_imports_nothing(
    seeded_sqlite_url: str, tmp_path: Path
) -> None:
    db = ("--db", seeded_sqlite_url)
    path = tmp_path / "t.csv"
    write_catalog_file(
        path,
        [
            EXAMPLE_ROW | {"code": "X-1"},
            EXAMPLE_ROW | {"code": "X-2", "department": "不存在局"},
            EXAMPLE_ROW | {"code": "X-3", "source_url": "zwfw.hubei.gov.cn"},
        ],
    )
    text = hall(*db, "catalog", "import", str(path))
    assert text.returncode == 1 and text.stdout == ""
    assert text.stderr.splitlines() == [
        "row 3: 实施部门: unknown department '不存在局' (used on row 3); add it in the "
        "organisation first",
        "row 4: 来源网址: bad address 'zwfw.hubei.gov.cn': write an http:// or https:// address",
        "error: t.csv: 2 bad row(s), 2 problem(s); nothing imported",
    ]
    as_json = hall(*db, "catalog", "import", str(path), "--json")
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)
    assert report["ok"] is False and [e["row"] for e in report["errors"]] == [3, 4]
    assert [e["column"] for e in report["errors"]] == ["实施部门", "来源网址"]
    # Nothing was imported: the good row 2 is not there either.
    missing = hall(*db, "catalog", "show", "X-1")
    assert missing.returncode == 1 and missing.stderr == "error: no such matter: X-1\n"


def _pdf_text_and_codes(pdf: Path, tmp_path: Path) -> tuple[str, list[str]]:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(tmp_path / "slip")],
        check=True,
    )
    codes = [s.data.decode("ascii") for s in decode(Image.open(tmp_path / "slip.png"))]
    return "".join(text.split()), codes


def test_slip_pdf_opens_the_published_guide_or_says_what_its_code_is(
    seeded_sqlite_url: str, tmp_path: Path
) -> None:
    db = ("--db", seeded_sqlite_url)
    url = "https://zwfw.hubei.gov.cn/guide/4145482937"
    ok(*db, "catalog", "import", str(_filled(tmp_path / "filled.xlsx")))
    write_catalog_file(
        tmp_path / "url.csv",
        [EXAMPLE_ROW | {"code": "4207039990001", "source_url": url}],
    )
    ok(*db, "catalog", "import", str(tmp_path / "url.csv"))

    out = tmp_path / "published.pdf"
    made = ok(*db, "catalog", "slip", "4207039990001", "--out", str(out))
    assert made["qr"] == url and made["site"] == "huarong"  # type: ignore[index]
    text, codes = _pdf_text_and_codes(out, tmp_path)
    assert codes == [url]
    assert "居民身份证换领（示例）" in text and "扫码查看网上办事指南" in text
    assert "办理地点：区政务服务中心一楼公安户政窗口" in text
    assert "本中心窗口：19至22号窗口（一楼公安户政区）" in text

    # A demo matter has no published online guide: the caption says what the code is.
    bare = tmp_path / "bare.pdf"
    result = hall(*db, "catalog", "slip", "420703000001", "--out", str(bare))
    assert result.returncode == 0 and "the matter's code only" in result.stdout
    text, codes = _pdf_text_and_codes(bare, tmp_path)
    assert codes == ["MATTER:420703000001"]
    assert "本事项暂无网上办事指南；此码仅为事项编码420703000001，不是网址" in text
    assert "扫码查看网上办事指南" not in text

    wrong = hall(*db, "catalog", "slip", "NOPE", "--out", str(tmp_path / "x.pdf"))
    assert wrong.returncode == 1 and wrong.stderr == "error: no such matter: NOPE\n"
    typed = hall(*db, "catalog", "slip", "420703000001", "--out", str(tmp_path / "x.png"))
    assert typed.returncode == 1 and "written as .pdf" in typed.stderr


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
