"""Catalog import and export (issues #4 and #11): the workbook (事项, 材料, 流程, 一件事) and the
single-sheet CSV; the template's examples are refused; every kind of bad cell is refused with
its sheet, row and column header in English and Chinese, and nothing is written; limits
refuse a huge file or a zip bomb before reading it; formula-like text is exported safely;
export → import gives the same catalog."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from shared.changes import latest_revision
from shared.errors import NotFound, ValidationError
from shared.models import AuditEntry, Change, ServiceMatter, Ticket, matter_sites
from shared.models.catalog import MATTER_TYPES, MatterBundle, MatterBundleItem, bundle_sites
from shared.rendering.ticket import render_ticket_pdf, slip_from_view
from shared.services.catalog import get_guide, index_for, search_matters
from shared.services.catalog_demand import DemandTally
from shared.services.catalog_files import MAX_FILE_BYTES, MAX_ROWS
from shared.services.catalog_format import (
    BUNDLE_COLUMNS,
    COLUMNS,
    EXAMPLE_BUNDLE,
    EXAMPLE_ROW,
    MATERIAL_COLUMNS,
    MATTER_COLUMNS,
    STEP_COLUMNS,
    format_row,
)
from shared.services.catalog_io import (
    CatalogImportError,
    RowProblem,
    catalog_rows,
    export_catalog,
    import_catalog,
    write_catalog_file,
    write_template,
)
from shared.services.tickets import issue_ticket
from tests.support.pdf import pdf_text

HEADERS = [c.header for c in COLUMNS]
CHINESE = re.compile(r"[\u4e00-\u9fff]")
#: The template's example as a real matter of the demo hall (its code no longer 示例).
REAL = EXAMPLE_ROW | {"code": "4207039990001", "name": "居民身份证换领（新）"}


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
    """The real row's cells, with some cells replaced (by column key)."""
    cells = dict(zip([c.key for c in COLUMNS], format_row(REAL), strict=True))
    cells.update(changes)
    return [cells[c.key] for c in COLUMNS]


def workbook(path: Path, sheets: dict[str, tuple[Any, list[dict[str, str]]]]) -> Path:
    """A workbook as IT fills it: each sheet's header row, then rows by column key."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, (columns, rows) in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append([c.header for c in columns])
        for row in rows:
            sheet.append([row.get(c.key, "") for c in columns])
    book.save(path)
    return path


def matter_count(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(ServiceMatter)) or 0)


def revision_of(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return latest_revision(session)


def snapshot(factory: sessionmaker[Session]) -> dict[str, dict[str, Any]]:
    with factory() as session:
        return {row["code"]: row for row in catalog_rows(session)}


def refused(factory: sessionmaker[Session], path: Path) -> list[RowProblem]:
    """Import ``path``; it must be refused whole, with nothing written."""
    before = matter_count(factory), revision_of(factory)
    with pytest.raises(CatalogImportError) as caught, factory.begin() as session:
        import_catalog(session, path)
    assert "nothing imported" in str(caught.value)
    assert (matter_count(factory), revision_of(factory)) == before
    assert_chinese(caught.value.problems)
    return caught.value.problems


# ---------------------------------------------------------------- the template


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_templates_examples_are_never_imported(
    sqlite_factory: sessionmaker[Session], tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"template{suffix}"
    write_template(path)
    problems = refused(sqlite_factory, path)
    assert problems[0].row == 2 and problems[0].column == "事项编码"
    assert "示例-0001" in problems[0].message and "example" in problems[0].message
    assert problems[0].message_zh == (
        "事项编码：“示例-0001”是模板中的示例行，请删除该行或改为真实内容后再导入"
    )
    if suffix == ".xlsx":
        # Its materials, steps and 一件事 are examples too, each refused on its own sheet.
        assert {p.sheet for p in problems} == {"事项", "材料", "流程", "一件事"}
        assert all("示例" in p.message_zh for p in problems)
        book = load_workbook(path, read_only=True)
        try:
            assert book.sheetnames == ["事项", "材料", "流程", "一件事", "填写说明"]
        finally:
            book.close()


def test_the_template_filled_in_imports_everything_it_says(
    seeded_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    path = tmp_path / "filled.xlsx"
    write_catalog_file(
        path,
        [REAL],
        [EXAMPLE_BUNDLE | {"code": "YJS-01", "matters": ["4207039990001", "420703000005"]}],
    )
    before = matter_count(seeded_factory)
    with seeded_factory.begin() as session:
        result = import_catalog(session, path, actor="it")
    assert (result.inserted, result.updated, result.bundles_inserted) == (
        ["4207039990001"],
        [],
        ["YJS-01"],
    )
    assert matter_count(seeded_factory) == before + 1
    with seeded_factory() as session:
        guide = get_guide(session, "4207039990001")
        bundle = get_guide(session, "YJS-01")
        last = session.scalars(select(Change).order_by(Change.revision.desc())).first()
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "catalog.imported")
        ).one()
    assert guide.department == "区公安分局" and guide.queue_prefix == "D"
    assert [c for c, _ in guide.sites] == ["huarong"] and not guide.code_derived
    assert [dict(g) for g in guide.materials] == EXAMPLE_ROW["materials"]
    assert guide.steps == tuple(EXAMPLE_ROW["steps"])
    assert (guide.legal_limit_text, guide.legal_limit_days) == ("60日", None)
    assert guide.promised_limit_text == "绿色通道邮寄7个工作日内，普通15个工作日内"
    assert guide.promised_limit_days is None  # two numbers: none is made up
    assert (guide.visits_text, guide.visits) == ("最多跑一次", 1)
    assert guide.online == (
        {"name": "湖北政务服务网", "url": "https://zwfw.hubei.gov.cn/"},
        {"name": "微信公众号“鄂州公安”", "url": None},
    )
    assert (guide.fully_online, guide.cross_region) == (False, True)
    assert (guide.handling_type, guide.complaint_phone) == ("承诺件", "12345")
    assert guide.bundles == (("YJS-01", "新生儿出生一件事（示例）"),)
    assert bundle.is_bundle and [m.code for m in bundle.members] == [
        "4207039990001",
        "420703000005",
    ]
    assert last is not None and (last.kind, last.action) == ("catalog", "imported")
    assert entry.actor == "it" and entry.detail["inserted"] == 1

    # The same file again changes nothing and records no change.
    revision = revision_of(seeded_factory)
    with seeded_factory.begin() as session:
        again = import_catalog(session, path)
    assert again.unchanged == ["4207039990001"] and again.bundles_unchanged == ["YJS-01"]
    assert revision_of(seeded_factory) == revision


# ---------------------------------------------------------------- the workbook's sheets


def test_materials_and_steps_one_row_each_with_groups_and_semicolons(
    sqlite_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    matter = {"name": "出生登记", "department": "gaj", "sites": "huarong", "queue_prefix": "D"}
    path = workbook(
        tmp_path / "book.xlsx",
        {
            "事项": (
                MATTER_COLUMNS,
                [matter | {"code": "T-1", "index_no": "IDX/2024-1", "fee": "不收费。"}],
            ),
            "材料": (
                MATERIAL_COLUMNS,
                [
                    {"matter": "T-1", "name": "《出生医学证明》", "quantity": "原件1份"},
                    {"matter": "T-1", "name": "父母身份证; 户口簿", "note": "注意: a;b"},
                    {"matter": "IDX/2024-1", "group": "以下其中一项", "name": "结婚证"},
                    {"matter": "IDX/2024-1", "group": "以下其中一项", "name": "离婚证"},
                    {
                        "matter": "出生登记",
                        "group": "委托办理",
                        "rule": "视情况提供",
                        "name": "委托书",
                        "quantity": "一式三份",
                        "form": "原件",
                        "required": "否",
                        "blank_form": "委托书样表.docx",
                    },
                ],
            ),
            "流程": (
                STEP_COLUMNS,
                [
                    {"matter": "T-1", "order": "2", "step": "审核; 办结"},
                    {"matter": "T-1", "order": "1", "step": "申请"},
                ],
            ),
        },
    )
    with sqlite_factory.begin() as session:
        assert import_catalog(session, path).inserted == ["T-1"]
    with sqlite_factory() as session:
        guide = get_guide(session, "T-1")
    assert guide.steps == ("申请", "审核; 办结")
    groups = [dict(g) for g in guide.materials]
    assert [(g["title"], g["rule"], len(g["items"])) for g in groups] == [
        (None, "all", 2),
        ("以下其中一项", "any", 2),
        ("委托办理", "as_applicable", 1),
    ]
    first, second = groups[0]["items"]
    assert first == {
        "name": "《出生医学证明》",
        "quantity": "原件1份",
        "count": 1,
        "form": None,
        "required": None,
        "note": None,
        "blank_form": None,
    }
    assert second["name"] == "父母身份证; 户口簿" and second["note"] == "注意: a;b"
    assert second["quantity"] is None and second["count"] is None  # nothing published
    assert groups[2]["items"][0] == {
        "name": "委托书",
        "quantity": "一式三份",
        "count": 3,
        "form": "原件",
        "required": False,
        "note": None,
        "blank_form": "委托书样表.docx",
    }
    assert guide.fee == "不收费。" and guide.visits_text is None and guide.hours is None


def test_csv_cells_separate_by_line_breaks_only(
    sqlite_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    materials = "\n".join(
        [
            "居民身份证(原件1,复印件1)",  # the old template's counts still read
            "户口簿; 户主页和本人页（原件1份）",
            "注：首页加盖公章",
            "【户籍证明（以下其中一项）】",
            "村（居）委会证明",
            "派出所证明（原件）〔非必需〕〔空白表格：证明样表.docx〕",
            "注：第一行",
            "注：第二行",
        ]
    )
    path = write_csv(
        tmp_path / "lines.csv",
        [example(materials=materials, steps="申请; 受理\n审核\n办结")],
    )
    with sqlite_factory.begin() as session:
        import_catalog(session, path)
    with sqlite_factory() as session:
        guide = get_guide(session, "4207039990001")
    assert guide.steps == ("申请; 受理", "审核", "办结")
    plain, alternatives = guide.materials
    assert [(i["name"], i["quantity"], i["note"]) for i in plain["items"]] == [
        ("居民身份证", "原件1份，复印件1份", None),
        ("户口簿; 户主页和本人页", "原件1份", "首页加盖公章"),
    ]
    assert (alternatives["title"], alternatives["rule"]) == ("户籍证明（以下其中一项）", "any")
    village, police = alternatives["items"]
    assert (village["name"], village["quantity"]) == ("村（居）委会证明", None)
    assert police == {
        "name": "派出所证明",
        "quantity": "原件",
        "count": None,
        "form": None,
        "required": False,
        "note": "第一行\n第二行",
        "blank_form": "证明样表.docx",
    }


def test_a_matter_with_no_published_code_gets_a_stable_derived_one(
    sqlite_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = [
        {"name": "残疾人证办理", "department": "cl", "sites": "huarong", "index_no": "X/2020-1"},
        {"name": "高龄津贴申领（乡镇）", "department": "mzj", "sites": "huarong"},
    ]
    path = workbook(
        tmp_path / "nocode.xlsx",
        {
            "事项": (MATTER_COLUMNS, rows),
            "材料": (MATERIAL_COLUMNS, [{"matter": "X/2020-1", "name": "身份证"}]),
        },
    )
    with sqlite_factory.begin() as session:
        first = import_catalog(session, path)
    assert len(first.inserted) == 2 and first.derived_codes == first.inserted
    assert all(code.startswith("SYS-") for code in first.inserted)
    with sqlite_factory() as session:
        guides = [get_guide(session, code) for code in first.inserted]
    assert [g.code_derived for g in guides] == [True, True]
    assert guides[0].code.startswith("SYS-IDX-") and guides[1].code.startswith("SYS-ND-")
    assert guides[0].materials[0]["items"][0]["name"] == "身份证"
    # Importing again finds the same matters (the codes are stable), and export keeps the mark.
    with sqlite_factory.begin() as session:
        again = import_catalog(session, path)
    assert sorted(again.unchanged) == sorted(first.inserted) and not again.inserted
    exported = snapshot(sqlite_factory)
    assert all(exported[code]["code_derived"] for code in first.inserted)

    # Two rows that are the same matter are named, not merged.
    twice = workbook(tmp_path / "twice.xlsx", {"事项": (MATTER_COLUMNS, [rows[1], rows[1]])})
    (problem,) = refused(sqlite_factory, twice)
    assert (problem.sheet, problem.row, problem.column) == ("事项", 3, "事项编码")
    assert problem.message_zh == "事项编码：与第2行重复（索引号相同，或名称和部门相同）"


def birth_bundle(path: Path) -> Path:
    """新生儿出生一件事 across three departments (公安, 卫健, 医保), no combined list."""
    return workbook(
        path,
        {
            "事项": (MATTER_COLUMNS, []),
            "一件事": (
                BUNDLE_COLUMNS,
                [
                    {
                        "code": "YJS-BIRTH",
                        "name": "新生儿出生一件事",
                        "matter": "420703000005",
                        "department": "wjj",
                        "sites": "huarong",
                        "queue_prefix": "A",
                        "visits": "最多跑一次",
                    },
                    {"code": "YJS-BIRTH", "name": "新生儿出生一件事", "matter": "420703000039"},
                    {"code": "YJS-BIRTH", "name": "新生儿出生一件事", "matter": "420703000017"},
                ],
            ),
        },
    )


def test_bundles_show_one_combined_guide(
    seeded_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    with seeded_factory.begin() as session:
        result = import_catalog(session, birth_bundle(tmp_path / "bundle.xlsx"))
    assert result.bundles_inserted == ["YJS-BIRTH"] and not result.inserted
    with seeded_factory() as session:
        guide = get_guide(session, "YJS-BIRTH")
        member = get_guide(session, "420703000005")
    assert guide.is_bundle and guide.visits_text == "最多跑一次" and guide.queue_prefix == "A"
    assert [m.code for m in guide.members] == ["420703000005", "420703000039", "420703000017"]
    assert len({m.department for m in guide.members}) == 3  # across departments
    # No combined list was published: each matter's own list, under its name.
    titles = [g["title"] for g in guide.materials]
    assert titles == [m.name for m in guide.members]
    assert member.bundles == (("YJS-BIRTH", "新生儿出生一件事"),)
    with seeded_factory() as session:
        assert session.scalar(select(func.count()).select_from(MatterBundleItem)) == 3


def test_a_bundle_is_found_by_search_and_its_ticket_lists_its_materials(
    seeded_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    with seeded_factory.begin() as session:
        import_catalog(session, birth_bundle(tmp_path / "bundle.xlsx"))
    with seeded_factory() as session:
        # By its own name, like a matter; marked as a bundle for the screens.
        (first, *_) = search_matters(session, "新生儿出生一件事", site="huarong")
        assert (first.code, first.bundle, first.kind) == ("YJS-BIRTH", True, "prefix")
        assert first.department == "区卫生健康局"  # the lead department, as published
        assert search_matters(session, "xsecsyjs", site="huarong")[0].code == "YJS-BIRTH"
        # By a member's name: the matter itself first, the bundle that contains it below.
        found = search_matters(session, "出生医学证明", site="huarong")
        codes = [hit.code for hit in found]
        assert codes[0] == "420703000039" and "YJS-BIRTH" in codes
        assert found[codes.index("YJS-BIRTH")].kind == "detail"
        # Where only one matter will do (a home visit), and in browsing, no bundle.
        no_bundles = search_matters(session, "新生儿出生一件事", site="huarong", bundles=False)
        assert all(not hit.bundle for hit in no_bundles)
        index = index_for(session)
        assert all(not h.bundle for h in index.browse(site="huarong", life_event="出生"))
        assert all(not h.bundle for h in index.browse(site="huarong", department="gaj"))
        # Elsewhere it is not offered.
        assert "YJS-BIRTH" not in [h.code for h in search_matters(session, "出生", site="xzk")]

    # Its ticket carries the bundle: the slip's checklist is the bundle's, member by member.
    with seeded_factory.begin() as session:
        view = issue_ticket(
            session,
            site="huarong",
            queue="A",
            matter="YJS-BIRTH",
            channel="desk",
            override_hours=True,
        )
    assert (view.matter_code, view.matter_name) == ("YJS-BIRTH", "新生儿出生一件事")
    with seeded_factory() as session:
        guide = get_guide(session, "YJS-BIRTH")
        ticket = session.get_one(Ticket, view.id)
        assert ticket.bundle_id is not None and ticket.matter_id is None
        assert view.materials == guide.materials and len(view.materials) >= 3
        # Asked for: the bundle's demand counts its tickets.
        bundle_id = session.scalar(select(MatterBundle.id).where(MatterBundle.code == "YJS-BIRTH"))
        assert DemandTally().counts(session, view.issued_at).get(bundle_id) == 1
    printed = pdf_text(render_ticket_pdf(slip_from_view(view)), tmp_path)
    assert "办理事项：新生儿出生一件事" in printed and "请备齐以下材料" in printed
    for member in guide.members:  # each matter's own list, under its name
        assert member.name in printed
    with seeded_factory.begin() as session, pytest.raises(NotFound):
        issue_ticket(
            session,
            site="huarong",
            queue="A",
            matter="YJS-NONE",
            channel="desk",
            override_hours=True,
        )


# ---------------------------------------------------------------- refusals


BAD_CELLS = [
    (
        {"department": "不存在局"},
        "实施部门",
        "unknown department '不存在局'",
        "部门“不存在局”不存在",
    ),
    ({"sites": "huarong、mars"}, "办理站点", "unknown site 'mars'", "站点“mars”不存在"),
    ({"name": ""}, "事项名称", "事项名称: missing", "事项名称：未填写"),
    ({"department": ""}, "实施部门", "实施部门: missing", "实施部门：未填写"),
    ({"sites": ""}, "办理站点", "办理站点: missing", "办理站点：未填写"),
    ({"code": "42 07"}, "事项编码", "bad code '42 07'", "编码“42 07”有误"),
    ({"matter_type": "行政乱来"}, "事项类型", "unknown matter type", "事项类型“行政乱来”有误"),
    (
        {"legal_limit": "10个工作日", "promised_limit": "15个工作日"},
        "承诺时限",
        "15 working days is more than the legal 10",
        "承诺的 15 个工作日超过了法定的 10 个工作日",
    ),
    ({"online": "网上办理 https://"}, "网上办理", "bad address", "网址有误"),
    ({"source_url": "zwfw.hubei.gov.cn"}, "来源网址", "bad address", "网址“zwfw.hubei.gov.cn”有误"),
    ({"fully_online": "也许"}, "全程网办", "is not yes or no", "不是 是/否"),
    ({"queue_prefix": "9"}, "取号队列", "bad queue '9'", "应为队列字母"),
    (
        {"queue_prefix": "G", "sites": "wuhan-new-city"},
        "取号队列",
        "queue 'G' does not exist at site 'wuhan-new-city'",
        "站点 wuhan-new-city 没有队列 G",
    ),
    (  # issue #9: every site of the matter needs the queue, not just one of them
        {"queue_prefix": "D", "sites": "huarong、wuhan-new-city"},
        "取号队列",
        "queue 'D' does not exist at site 'wuhan-new-city'",
        "站点 wuhan-new-city 没有队列 D",
    ),
    ({"active": "也许"}, "状态", "write 在用 or 停用", "应为 在用 或 停用"),
    ({"phone": "call me"}, "咨询电话", "is not a phone number", "“call me”不是电话号码"),
    ({"name": "名" * 201}, "事项名称", "too long", "太长（最多 200 个字）"),
    ({"name": "居民\x07身份证"}, "事项名称", "control characters U+0007", "控制字符（U+0007）"),
    ({"fee": "20元\x00"}, "收费标准", "control characters U+0000", "控制字符"),
    (
        {"materials": "居民身份证(原件1,复印件1)；户口簿(原件1)"},
        "申请材料",
        "separated by ';' (the old format)",
        "材料之间用了分号（旧格式）",
    ),
]


@pytest.mark.parametrize(
    ("changes", "header", "reason", "reason_zh"), BAD_CELLS, ids=[r for *_, r, _z in BAD_CELLS]
)
def test_each_kind_of_bad_cell_names_its_row_and_column(
    sqlite_factory: sessionmaker[Session],
    tmp_path: Path,
    changes: dict[str, str],
    header: str,
    reason: str,
    reason_zh: str,
) -> None:
    good = example()
    other = example(code="4207039990002", name="另一个事项")
    # Row 2 is good, row 3 blank (still counted), row 4 bad, row 5 good.
    bad = example(**({"code": "4207039990003", "name": "第三个事项"} | changes))
    path = write_csv(tmp_path / "bad.csv", [good, [""] * len(HEADERS), bad, other])
    problems = refused(sqlite_factory, path)
    assert all(p.row == 4 for p in problems), problems
    assert any(
        str(p).startswith("row 4: ") and reason in p.message and header in p.message
        for p in problems
    ), [str(p) for p in problems]
    assert any(p.column == header and reason_zh in p.message_zh for p in problems), [
        p.message_zh for p in problems
    ]
    assert all(p.message_zh.startswith(f"{p.column}：") for p in problems if p.column)


def test_problems_on_other_sheets_name_the_sheet(
    sqlite_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    matter = {"code": "T-9", "name": "事项", "department": "gaj", "sites": "huarong"}
    path = workbook(
        tmp_path / "sheets.xlsx",
        {
            "事项": (MATTER_COLUMNS, [matter | {"queue_prefix": "D"}]),
            "材料": (
                MATERIAL_COLUMNS,
                [
                    {"matter": "T-9", "name": "身份证", "count": "两份"},
                    {"matter": "T-404", "name": "户口簿"},
                    {"matter": "T-9", "name": "照片", "rule": "随便"},
                    {"matter": "T-9", "name": "", "quantity": "1张"},
                ],
            ),
            "流程": (STEP_COLUMNS, [{"matter": "示例-0001", "step": "申请"}]),
        },
    )
    problems = refused(sqlite_factory, path)
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        ("材料", 2, "份数"),
        ("材料", 3, "事项编码"),
        ("材料", 4, "分组规则"),
        ("材料", 5, "材料名称"),
        ("流程", 2, "事项编码"),
    ]
    assert str(problems[1]) == (
        "sheet 材料, row 3: 事项编码: no matter 'T-404' in sheet 事项 or in the catalog"
    )
    assert problems[1].message_zh == "事项编码：事项表和现有目录中都没有“T-404”"
    assert "示例" in problems[4].message_zh


def test_an_unknown_department_is_named_once_with_all_its_rows(
    seeded_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = [
        example(),
        example(code="A-2", department="公安局"),
        example(code="A-3", department="民政所"),
        example(code="A-4", department="公安局", sites="nowhere"),
        example(code="A-5", matter_type="行政乱来"),
    ]
    problems = refused(seeded_factory, write_csv(tmp_path / "mixed.csv", rows))
    assert [str(p) for p in problems] == [
        "row 3: 实施部门: unknown department '公安局' (used on row 3, row 5); add it in the "
        "organisation first",
        "row 4: 实施部门: unknown department '民政所' (used on row 4); add it in the "
        "organisation first",
        "row 5: 办理站点: unknown site 'nowhere' (used on row 5)",
        "row 6: 事项类型: unknown matter type '行政乱来': one of " + ", ".join(MATTER_TYPES),
    ]
    assert problems[0].message_zh == (
        "实施部门：部门“公安局”不存在（第3行、第5行用到），请先在组织机构中添加"
    )


def test_duplicate_codes_name_both_rows(
    sqlite_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "dup.csv", [example(), example(name="重复")])
    (problem,) = refused(sqlite_factory, path)
    assert str(problem) == "row 3: 事项编码: '4207039990001' is also on row 2"
    assert problem.message_zh == "事项编码：与第2行重复"


def test_header_problems_are_row_one(sqlite_factory: sessionmaker[Session], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", [["x", "y"]], headers=["事项名称", "备注栏"])
    problems = refused(sqlite_factory, path)
    assert [(str(p), p.message_zh) for p in problems] == [
        ("row 1: unknown column '备注栏'", "无法识别的列“备注栏”")
    ]
    twice = write_csv(
        tmp_path / "t.csv",
        [["4207039990009", "a", "b"]],
        headers=["事项编码", "事项名称", "事项名称"],
    )
    assert [(str(p), p.message_zh) for p in refused(sqlite_factory, twice)] == [
        ("row 1: column '事项名称' appears twice", "“事项名称”列出现了两次")
    ]
    no_key = write_csv(tmp_path / "k.csv", [["gaj"]], headers=["实施部门"])
    assert [p.message_zh for p in refused(sqlite_factory, no_key)] == ["缺少“事项名称”列"]
    new_without_columns = write_csv(
        tmp_path / "n.csv", [["4207039990009", "新事项"]], headers=["事项编码", "事项名称"]
    )
    (problem,) = refused(sqlite_factory, new_without_columns)
    assert str(problem) == "row 2: a new matter needs the columns 实施部门, 办理站点"
    assert problem.message_zh == "新事项缺少以下列：实施部门、办理站点"


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


# ---------------------------------------------------------------- limits


def test_a_huge_file_is_refused_before_it_is_read(
    sqlite_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    for name in ("huge.csv", "huge.xlsx"):
        path = tmp_path / name
        with path.open("wb") as handle:
            handle.truncate(100 * 1024 * 1024)  # 100 MB (sparse: the disk is not filled)
        started = time.perf_counter()
        with (
            pytest.raises(ValidationError) as caught,
            sqlite_factory.begin() as session,
        ):
            import_catalog(session, path)
        assert time.perf_counter() - started < 2
        limit = MAX_FILE_BYTES // 1024 // 1024
        assert f"more than the {limit} MB" in str(caught.value)
        assert caught.value.message_zh == (
            f"文件“{name}”有 100 MB，超过了 {limit} MB 的上限，请拆分成几个文件分别导入。"
        )


def test_too_many_rows_are_refused(sqlite_factory: sessionmaker[Session], tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("事项名称\n" + "x\n" * (MAX_ROWS + 1))
    with pytest.raises(ValidationError) as caught, sqlite_factory.begin() as session:
        import_catalog(session, path)
    assert f"more than {MAX_ROWS} rows" in str(caught.value)
    assert "超过 50000 行" in caught.value.message_zh


def _zip_bomb(path: Path) -> Path:
    """A valid-looking workbook whose sheet unpacks to 1 GB of spaces (about 1 MB packed)."""
    template = path.with_name("small.xlsx")
    write_template(template)
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, tail = data.split(b"<sheetData>", 1)
                with bomb.open(info.filename, "w", force_zip64=True) as part:
                    part.write(head + b"<sheetData>")
                    chunk = b" " * (1024 * 1024)
                    for _ in range(1024):
                        part.write(chunk)
                    part.write(tail)
            else:
                bomb.writestr(info, data)
    return path


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(
    seeded_sqlite_url: str, tmp_path: Path
) -> None:
    bomb = _zip_bomb(tmp_path / "bomb.xlsx")
    assert bomb.stat().st_size < 5 * 1024 * 1024
    started = time.perf_counter()
    # The import's own peak memory: the child reports VmHWM of its own address space at exit
    # (ru_maxrss would also count the test process it was forked from).
    peak_file = tmp_path / "peak.txt"
    report_peak = (
        "import atexit, runpy, sys\n"
        "def peak():\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmHWM:'):\n"
        f"            open({str(peak_file)!r}, 'w').write(line.split()[1])\n"
        "atexit.register(peak)\n"
        "sys.argv = ['hall', *sys.argv[1:]]\n"
        "runpy.run_module('shared.cli', run_name='__main__')\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            report_peak,
            "--db",
            seeded_sqlite_url,
            "catalog",
            "import",
            str(bomb),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    elapsed = time.perf_counter() - started
    stderr = result.stderr
    assert result.returncode == 1 and "Traceback" not in stderr
    assert "would unpack to 1024 MB" in stderr and "refused" in stderr
    assert len(stderr.splitlines()) == 1
    assert elapsed < 30
    peak_kb = int(peak_file.read_text())
    assert peak_kb < 400 * 1024  # never unpacked: well under 400 MB


# ---------------------------------------------------------------- export


def test_formula_like_text_is_exported_safely_and_reads_back(
    sqlite_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    risky = {
        "name": '=HYPERLINK("http://evil","点我")',
        "conditions": "+1 本区户籍",
        "fee": "-20元",
        "hours": "@SUM(A1)",
    }
    source = write_csv(tmp_path / "in.csv", [example(**risky)])
    with sqlite_factory.begin() as session:
        import_catalog(session, source)
    with sqlite_factory() as session:
        csv_out, xlsx_out = tmp_path / "out.csv", tmp_path / "out.xlsx"
        export_catalog(session, csv_out)
        export_catalog(session, xlsx_out)
    with csv_out.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row[0]: row for row in csv.reader(handle)}
    row = dict(zip(HEADERS, rows["4207039990001"], strict=True))
    for key, text in risky.items():
        header = next(c.header for c in COLUMNS if c.key == key)
        assert row[header] == "'" + text  # Excel shows it as text, never runs it
    book = load_workbook(xlsx_out)
    sheet = book["事项"]
    headers = [c.value for c in sheet[1]]
    cells = {
        h: sheet.cell(
            row=next(
                r
                for r in range(2, sheet.max_row + 1)
                if sheet.cell(row=r, column=1).value == "4207039990001"
            ),
            column=i + 1,
        )
        for i, h in enumerate(headers)
    }
    name_cell = cells["事项名称 *"]
    assert name_cell.value == risky["name"] and name_cell.data_type == "s" and name_cell.quotePrefix
    # Both read back as the same text.
    for path in (csv_out, xlsx_out):
        with sqlite_factory.begin() as session:
            assert import_catalog(session, path).updated == []
        with sqlite_factory() as session:
            guide = get_guide(session, "4207039990001")
        assert (guide.name, guide.conditions, guide.fee, guide.hours) == tuple(risky.values())


def wipe_catalog(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        session.execute(delete(MatterBundleItem))
        session.execute(delete(bundle_sites))
        session.execute(delete(MatterBundle))
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
    book = load_workbook(tmp_path / "catalog.xlsx", read_only=True)
    try:
        assert book.sheetnames == ["事项", "材料", "流程", "一件事", "填写说明"]
        first = next(book["事项"].iter_rows(min_row=2, max_row=2, values_only=True))
        assert first[0] == "420703000001"  # a text cell: the code keeps its digits
    finally:
        book.close()


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


def test_gb18030_csv_as_excel_saves_it(
    sqlite_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    path = tmp_path / "gbk.csv"
    with path.open("w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerow(example())
    with sqlite_factory.begin() as session:
        assert import_catalog(session, path).inserted == ["4207039990001"]
