"""The hall's aliases and synonyms (issue #11 item 4): ``hall catalog aliases import|export``
in CSV and XLSX, all or nothing with every bad cell named, and search that follows them. On
both backends."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from shared.cli import main
from shared.errors import ValidationError
from shared.models import MatterAlias, SearchSynonym
from shared.services.catalog_aliases import (
    COLUMNS,
    MAX_BYTES,
    AliasImportError,
    export_aliases,
    import_aliases,
    read_rows,
)
from shared.services.catalog_search import CatalogIndex, search_matters

HEADERS = [c.header for c in COLUMNS]
GOOD = [
    ["420703000005", "宝宝报到", "", "https://example.gov.cn/a", "出生登记的俗称"],
    ["", "老年证", "老年人优待证", "", ""],
    ["", "=cmd|' /C calc'!A0", "高龄津贴", "", "a formula-looking word stays text"],
]


def write_csv(path: Path, rows: list[list[str]], headers: list[str] = HEADERS) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=column)
            cell.value = value
            cell.data_type = "s"  # as typed: text, not a formula
    book.save(path)
    return path


def counts(session: Session) -> tuple[int, int]:
    aliases = session.scalar(select(func.count()).select_from(MatterAlias))
    synonyms = session.scalar(select(func.count()).select_from(SearchSynonym))
    return int(aliases or 0), int(synonyms or 0)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_import_export_round_trip(
    seeded_factory: sessionmaker[Session], tmp_path: Path, kind: str
) -> None:
    source = tmp_path / f"in.{kind}"
    (write_csv if kind == "csv" else write_xlsx)(source, GOOD)
    with seeded_factory.begin() as session:
        result = import_aliases(session, source)
    assert (result.aliases_added, result.synonyms_added, result.updated) == (1, 2, 0)
    with seeded_factory.begin() as session:
        again = import_aliases(session, source)
        assert (again.aliases_added, again.synonyms_added, again.unchanged) == (0, 0, 3)
        assert counts(session) == (1, 2)
    out = tmp_path / f"out.{kind}"
    with seeded_factory() as session:
        assert export_aliases(session, out) == 3
    problems: list = []
    rows = read_rows(out, problems)
    assert problems == []
    assert [list(cells.values()) for _n, cells in rows] == [
        ["420703000005", "宝宝报到", "", "https://example.gov.cn/a", "出生登记的俗称"],
        ["", "=cmd|' /C calc'!A0", "高龄津贴", "", "a formula-looking word stays text"],
        ["", "老年证", "老年人优待证", "", ""],
    ]
    if kind == "csv":  # a spreadsheet shows the cell as text, not as a formula
        assert "'=cmd" in out.read_text(encoding="utf-8-sig")
    else:
        from openpyxl import load_workbook

        cell = load_workbook(out).active["B3"]  # type: ignore[index]
        assert cell.data_type == "s" and cell.value == "=cmd|' /C calc'!A0"


def test_search_follows_an_import_made_elsewhere(
    seeded_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    with seeded_factory() as session:
        assert search_matters(session, "宝宝报到") == []
        assert search_matters(session, "老年证", site="huarong") == []
    with seeded_factory.begin() as session:
        import_aliases(session, write_csv(tmp_path / "a.csv", GOOD))
    with seeded_factory() as session:
        hits = search_matters(session, "宝宝报到", limit=3)
        assert hits[0].name == "出生登记（户口）" and hits[0].kind == "alias"
        hits = search_matters(session, "我家老人要办老年证", site="huarong", limit=3)
        assert [h.name for h in hits] == []  # 老年人优待证 is no matter of the demo
    index = CatalogIndex()
    with seeded_factory() as session:
        index.refresh_if_changed(session)
    assert index.search("bbbd", limit=1)[0].name == "出生登记（户口）"  # an alias's initials


def test_a_bad_file_is_refused_whole_naming_row_and_column(
    seeded_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = [
        GOOD[0],
        ["no-such-code", "上户口", "", "", ""],  # 3: unknown matter
        ["420703000005", "上户口", "出生登记", "", ""],  # 4: both kinds at once
        ["", "", "补领", "", ""],  # 5: no 俗称
        ["", "办证", "", "", ""],  # 6: neither kind
        ["", "补办", "補辦", "", ""],  # 7: the same word (folded)
        ["", "tab\there", "x", "", ""],  # 8: a control character
        ["420703000005", "宝宝报到", "", "", ""],  # 9: repeats row 2
        ["", "长" * 101, "长辈", "", ""],  # 10: too long
    ]
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(AliasImportError) as caught, seeded_factory.begin() as session:
        import_aliases(session, path)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {
        (3, "事项编码"),
        (4, "对应词"),
        (5, "俗称"),
        (6, "对应词"),
        (7, "对应词"),
        (8, "俗称"),
        (9, "俗称"),
        (10, "俗称"),
    }
    assert all(p.reason and p.reason_zh for p in caught.value.problems)
    with seeded_factory() as session:
        assert counts(session) == (0, 0)  # nothing written, not even row 2

    headers = write_csv(tmp_path / "h.csv", [GOOD[1]], ["俗称", "俗称", "列X"])
    with pytest.raises(AliasImportError) as caught, seeded_factory.begin() as session:
        import_aliases(session, headers)
    assert {(p.row, p.column) for p in caught.value.problems} == {(1, "俗称"), (1, "列X")}

    huge = tmp_path / "huge.csv"
    huge.write_bytes(b"x" * (MAX_BYTES + 1))
    with pytest.raises(ValidationError, match="limit"), seeded_factory.begin() as session:
        import_aliases(session, huge)


def test_replace_removes_what_the_file_no_longer_holds(
    seeded_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    with seeded_factory.begin() as session:
        import_aliases(session, write_csv(tmp_path / "a.csv", GOOD))
    changed = [["", "老年证", "老年人优待证", "https://example.gov.cn/b", "来源已补"]]
    with seeded_factory.begin() as session:
        result = import_aliases(session, write_csv(tmp_path / "b.csv", changed), replace=True)
        assert (result.updated, result.deleted) == (1, 2)
        assert counts(session) == (0, 1)
        assert session.scalars(select(SearchSynonym.source)).one() == "https://example.gov.cn/b"


def test_cli_import_and_export(
    seeded_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_csv(tmp_path / "good.csv", GOOD)
    assert (
        main(["--db", seeded_db_url, "catalog", "aliases", "import", str(good), "--dry-run"]) == 0
    )
    out, _err = capsys.readouterr()
    assert "dry run, nothing written" in out
    assert main(["--db", seeded_db_url, "--json", "catalog", "aliases", "import", str(good)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["aliases_added"], data["synonyms_added"]) == (1, 2)

    bad = write_csv(tmp_path / "bad.csv", [["no-such-code", "上户口", "", "", ""]])
    assert main(["--db", seeded_db_url, "catalog", "aliases", "import", str(bad)]) == 1
    _out, err = capsys.readouterr()
    assert "bad.csv row 2, 事项编码: no matter with code 'no-such-code'" in err
    assert "nothing imported" in err and not any("\u4e00" <= c <= "\u9fff" for c in err[-60:])

    target = tmp_path / "out.xlsx"
    assert main(["--db", seeded_db_url, "catalog", "aliases", "export", str(target)]) == 0
    assert "exported 3 rows" in capsys.readouterr().out
    shipped = tmp_path / "all.csv"
    argv = ["--db", seeded_db_url, "catalog", "aliases", "export", str(shipped), "--shipped"]
    assert main(argv) == 0
    capsys.readouterr()
    assert len(read_rows(shipped, [])) > 80
    assert main(["--db", seeded_db_url, "catalog", "aliases", "export", "x.txt"]) == 1
    assert "use .xlsx or .csv" in capsys.readouterr().err
