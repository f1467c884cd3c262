"""Catalog import and export (issue #4): the template imports, every kind of bad row is refused
with its row number and nothing is written, and export → import gives the same catalog.

Every problem also carries a Chinese reason for the console (``message_zh``), asserted next to
the English one the CLI prints."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from shared.changes import latest_revision
from shared.errors import ValidationError
from shared.models import AuditEntry, Change, ServiceMatter, matter_sites
from shared.services.catalog import get_guide
from shared.services.catalog_format import COLUMNS, EXAMPLE_ROW, format_row
from shared.services.catalog_io import (
    CatalogImportError,
    RowProblem,
    catalog_rows,
    export_catalog,
    import_catalog,
    write_template,
)

HEADERS = [c.header for c in COLUMNS]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def assert_chinese(problems: list[RowProblem]) -> None:
    """Each problem has a Chinese reason of its own, not the English one again."""
    for problem in problems:
        assert CHINESE.search(problem.message_zh), problem
        assert problem.message_zh != problem.message, problem


def write_csv(path: Path, rows: list[list[str]], headers: list[str] = HEADERS) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def example(**changes: Any) -> list[str]:
    """The template's example row as cells, with some cells replaced (by column key)."""
    cells = dict(zip([c.key for c in COLUMNS], format_row(EXAMPLE_ROW), strict=True))
    cells.update(changes)
    return [cells[c.key] for c in COLUMNS]


def matter_count(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(ServiceMatter)) or 0)


def snapshot(factory: sessionmaker[Session]) -> dict[str, dict[str, Any]]:
    with factory() as session:
        return {row["code"]: row for row in catalog_rows(session)}


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_template_imports_as_a_new_matter(
    seeded_factory: sessionmaker[Session], tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"template{suffix}"
    write_template(path)
    before = matter_count(seeded_factory)
    with seeded_factory.begin() as session:
        result = import_catalog(session, path, actor="it")
    assert (result.inserted, result.updated) == ([EXAMPLE_ROW["code"]], [])
    assert matter_count(seeded_factory) == before + 1
    with seeded_factory() as session:
        guide = get_guide(session, str(EXAMPLE_ROW["code"]))
        last = session.scalars(select(Change).order_by(Change.revision.desc())).first()
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "catalog.imported")
        ).one()
    assert guide.department == "区公安分局" and guide.queue_prefix == "D"
    assert [c for c, _ in guide.sites] == ["huarong"]
    assert guide.materials[0] == {"name": "居民身份证", "original": 1, "copy": 1}
    assert guide.legal_limit_text == "20个工作日" and guide.promised_limit_days == 15
    assert guide.life_events == ("出生", "上学") and guide.audience == ("个人",)
    assert last is not None and (last.kind, last.action) == ("catalog", "imported")
    assert entry.actor == "it" and entry.detail["inserted"] == 1

    # The same file again changes nothing and records no change.
    revision = latest_revision_of(seeded_factory)
    with seeded_factory.begin() as session:
        again = import_catalog(session, path)
    assert again.unchanged == [EXAMPLE_ROW["code"]] and not again.inserted
    assert latest_revision_of(seeded_factory) == revision


def latest_revision_of(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return latest_revision(session)


def test_import_updates_existing_codes_and_keeps_the_rest(
    sqlite_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "update.csv",
        [["420703000001", "居民身份证申领（新）", "gaj", "行政确认"]],
        headers=["事项编码*", "事项名称", "实施部门", "事项类型"],
    )
    before = snapshot(sqlite_factory)
    with sqlite_factory.begin() as session:
        result = import_catalog(session, path)
    assert result.updated == ["420703000001"] and not result.inserted
    after = snapshot(sqlite_factory)
    assert after["420703000001"]["name"] == "居民身份证申领（新）"
    # Columns not in the file keep their values; other matters are untouched.
    assert after["420703000001"]["materials"] == before["420703000001"]["materials"]
    assert {k: v for k, v in after.items() if k != "420703000001"} == {
        k: v for k, v in before.items() if k != "420703000001"
    }


BAD_ROWS = [
    ({"department": "不存在局"}, "unknown department '不存在局'", "部门“不存在局”不存在"),
    ({"sites": "huarong、mars"}, "unknown site 'mars'", "站点“mars”不存在"),
    ({"name": ""}, "missing name", "事项名称未填写"),
    ({"code": ""}, "missing code", "事项编码未填写"),
    ({"department": ""}, "missing department", "实施部门未填写"),
    ({"sites": ""}, "missing sites", "办理站点未填写"),
    ({"code": "42 07"}, "bad code", "事项编码“42 07”有误：只能用字母、数字和 . _ -"),
    ({"matter_type": "行政乱来"}, "bad type '行政乱来'", "事项类型“行政乱来”有误：应为"),
    ({"legal_limit_days": "十天"}, "bad legal time limit '十天'", "法定时限“十天”有误"),
    ({"promised_limit_days": "-3"}, "bad promised time limit '-3'", "承诺时限“-3”有误"),
    ({"legal_limit_days": "1000"}, "more than 999 working days", "不能超过 999 个工作日"),
    ({"legal_limit_days": ""}, "missing legal time limit", "法定时限未填写"),
    (
        {"legal_limit_days": "即办"},
        "promised time limit exceeds the legal one",
        "承诺时限超过了法定时限",
    ),
    (
        {"materials": "居民身份证(原件x)"},
        "bad materials '居民身份证(原件x)'",
        "申请材料“居民身份证(原件x)”有误：份数请写成 (原件N,复印件N)",
    ),
    ({"materials": "居民身份证(原件1"}, "unbalanced brackets", "括号不成对"),
    ({"materials": "(原件1)"}, "has no name", "申请材料“(原件1)”有误：缺少材料名称"),
    ({"materials": "照片(原件0,复印件0)"}, "at least one original or copy", "至少要有一份"),
    ({"materials": "户口簿；户口簿"}, "'户口簿' is listed twice", "申请材料“户口簿”重复填写"),
    ({"online_url": "zwfw.hubei.gov.cn"}, "bad online URL", "网上办理地址“zwfw.hubei.gov.cn”有误"),
    ({"online_url": "ftp://x.cn/a"}, "bad online URL", "网上办理地址“ftp://x.cn/a”有误"),
    ({"visits": "多次"}, "bad number of visits", "到现场次数“多次”有误：应为 0 到 9 的整数"),
    ({"audience": "游客"}, "bad audience '游客'", "服务对象“游客”有误"),
    (
        {"queue_prefix": "G", "sites": "wuhan-new-city"},
        "queue 'G' does not exist at site 'wuhan-new-city'",
        "站点 wuhan-new-city 没有队列 G",
    ),
    (  # issue #9: every site of the matter needs the queue, not just one of them
        {"queue_prefix": "D", "sites": "huarong、wuhan-new-city"},
        "queue 'D' does not exist at site 'wuhan-new-city'",
        "站点 wuhan-new-city 没有队列 D",
    ),
    ({"queue_prefix": "9"}, "bad queue '9'", "取号队列“9”有误"),
    ({"active": "也许"}, "bad state '也许'", "状态“也许”有误：应为 在用 或 停用"),
    ({"phone": "call me"}, "bad phone number", "咨询电话“call me”有误"),
    ({"name": "名" * 201}, "name too long", "事项名称太长（最多 200 个字）"),
]


@pytest.mark.parametrize(
    ("changes", "reason", "reason_zh"), BAD_ROWS, ids=[r for _c, r, _z in BAD_ROWS]
)
def test_each_kind_of_bad_row_is_refused_with_its_row_and_reason(
    sqlite_factory: sessionmaker[Session],
    tmp_path: Path,
    changes: dict[str, str],
    reason: str,
    reason_zh: str,
) -> None:
    good = example()
    other = example(code="4207039990002", name="另一个示例事项")
    # Row 2 is good, row 3 blank (still counted), row 4 bad, row 5 good.
    bad = example(**({"code": "4207039990003"} | changes))
    path = write_csv(tmp_path / "bad.csv", [good, [""] * len(HEADERS), bad, other])
    before = matter_count(sqlite_factory), latest_revision_of(sqlite_factory)
    with pytest.raises(CatalogImportError) as caught, sqlite_factory.begin() as session:
        import_catalog(session, path)
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith("row 4: ") and reason in m for m in messages), messages
    assert all(p.row == 4 for p in caught.value.problems), messages
    assert "nothing imported" in str(caught.value)
    assert (matter_count(sqlite_factory), latest_revision_of(sqlite_factory)) == before
    # The console's reason, in Chinese, for the same problem.
    reasons_zh = [p.message_zh for p in caught.value.problems]
    assert any(reason_zh in m for m in reasons_zh), reasons_zh
    assert_chinese(caught.value.problems)
    assert caught.value.message_zh == "文件“bad.csv”中有 1 行有误，未导入任何事项。"


def test_duplicate_codes_name_both_rows(
    sqlite_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "dup.csv", [example(), example(name="重复")])
    with pytest.raises(CatalogImportError) as caught, sqlite_factory.begin() as session:
        import_catalog(session, path)
    assert [str(p) for p in caught.value.problems] == [
        "row 3: duplicate code '4207039990001' (also on row 2)"
    ]
    assert [p.message_zh for p in caught.value.problems] == ["第3行与第2行的事项编码重复"]


def test_header_problems_are_row_one(sqlite_factory: sessionmaker[Session], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", [["x", "y"]], headers=["事项名称", "备注栏"])
    with pytest.raises(CatalogImportError) as caught, sqlite_factory.begin() as session:
        import_catalog(session, path)
    assert [str(p) for p in caught.value.problems] == [
        "row 1: unknown column '备注栏'",
        "row 1: no 事项编码 (code) column",
    ]
    assert [p.message_zh for p in caught.value.problems] == [
        "无法识别的列“备注栏”",
        "缺少“事项编码”列",
    ]
    assert caught.value.message_zh == "文件“h.csv”中有 1 行有误，未导入任何事项。"
    twice = write_csv(
        tmp_path / "t.csv",
        [["4207039990009", "a", "b"]],
        headers=["事项编码", "事项名称", "事项名称"],
    )
    with pytest.raises(CatalogImportError) as caught, sqlite_factory.begin() as session:
        import_catalog(session, twice)
    assert [(str(p), p.message_zh) for p in caught.value.problems] == [
        ("row 1: column '事项名称' appears twice", "“事项名称”列出现了两次")
    ]
    new_without_columns = write_csv(
        tmp_path / "n.csv", [["4207039990009", "新事项"]], headers=["事项编码", "事项名称"]
    )
    with pytest.raises(CatalogImportError) as caught, sqlite_factory.begin() as session:
        import_catalog(session, new_without_columns)
    assert "row 2: new matter needs the columns 实施部门" in str(caught.value.problems[0])
    assert caught.value.problems[0].message_zh == (
        "新事项缺少以下列：实施部门、事项类型、办理站点、法定时限、承诺时限"
    )


def test_many_bad_rows_on_both_backends_import_nothing(
    seeded_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = [
        example(),
        example(code="A-2", department="gaj", legal_limit_days="15天", promised_limit_days="3"),
        example(code="A-3", department="公安局"),
        example(code="A-4", sites="nowhere", materials="照片(复印件2)；申请表"),
        example(code="A-5", matter_type=""),
    ]
    path = write_csv(tmp_path / "mixed.csv", rows)
    before, revision = matter_count(seeded_factory), latest_revision_of(seeded_factory)
    with pytest.raises(CatalogImportError) as caught, seeded_factory.begin() as session:
        import_catalog(session, path)
    assert [str(p) for p in caught.value.problems] == [
        "row 4: unknown department '公安局'",
        "row 5: unknown site 'nowhere'",
        "row 6: missing matter type",
    ]
    assert [(p.row, p.message_zh) for p in caught.value.problems] == [
        (4, "部门“公安局”不存在"),
        (5, "站点“nowhere”不存在"),
        (6, "事项类型未填写"),
    ]
    assert caught.value.message_zh == "文件“mixed.csv”中有 3 行有误，未导入任何事项。"
    assert matter_count(seeded_factory) == before
    assert latest_revision_of(seeded_factory) == revision


def test_unreadable_files(sqlite_factory: sessionmaker[Session], tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "x.txt").write_text("hi")
    write_csv(tmp_path / "headers-only.csv", [])
    (tmp_path / "broken.xlsx").write_text("not a workbook")  # a damaged or renamed file
    for name, message, message_zh in [
        ("empty.csv", "is empty", "文件“empty.csv”是空的：第一行应为表头。"),
        ("x.txt", "unsupported file type", "不支持文件“x.txt”的类型：请用 .xlsx 或 .csv 文件。"),
        ("headers-only.csv", "no rows to import", "文件“headers-only.csv”中没有要导入的事项。"),
        (
            "broken.xlsx",
            "cannot read broken.xlsx",
            "无法读取文件“broken.xlsx”：请确认它是完好的 Excel（.xlsx）或 CSV 文件。",
        ),
    ]:
        with (
            pytest.raises(ValidationError, match=message) as caught,
            sqlite_factory.begin() as session,
        ):
            import_catalog(session, tmp_path / name)
        assert caught.value.message_zh == message_zh


def test_gb18030_csv_as_excel_saves_it(
    sqlite_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    path = tmp_path / "gbk.csv"
    with path.open("w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerow(example())
    with sqlite_factory.begin() as session:
        assert import_catalog(session, path).inserted == [EXAMPLE_ROW["code"]]


def wipe_catalog(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        session.execute(delete(matter_sites))
        session.execute(delete(ServiceMatter))


def round_trip(factory: sessionmaker[Session], path: Path) -> None:
    before = snapshot(factory)
    with factory() as session:
        assert export_catalog(session, path) == len(before) == 1649 + 5 * 256
    wipe_catalog(factory)
    assert matter_count(factory) == 0
    with factory.begin() as session:
        result = import_catalog(session, path)
    assert len(result.inserted) == len(before)
    assert snapshot(factory) == before


def test_csv_round_trip_gives_the_same_catalog(
    seeded_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    with seeded_factory.begin() as session:  # an inactive matter survives the trip too
        matter = session.scalars(select(ServiceMatter).order_by(ServiceMatter.code)).first()
        assert matter is not None
        matter.active = False
    round_trip(seeded_factory, tmp_path / "catalog.csv")
    assert (tmp_path / "catalog.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_xlsx_round_trip_gives_the_same_catalog(
    sqlite_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    round_trip(sqlite_factory, tmp_path / "catalog.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "catalog.xlsx", read_only=True)
    try:
        assert book.sheetnames == ["事项目录", "填写说明"]
        first = next(book.worksheets[0].iter_rows(min_row=2, max_row=2, values_only=True))
        assert first[0] == "420703000001"  # a text cell: the code keeps its digits
    finally:
        book.close()
