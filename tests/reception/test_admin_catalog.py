"""管理 → 事项导入 (issue #9): a catalog file is checked first, every bad row is listed with its
number and reason (in Chinese) and nothing is written; a clean file then imports, all or
nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from reception.modules.admin.catalog_import import CatalogImportPage
from shared.models import AuditEntry, ServiceMatter
from shared.services.catalog_format import EXAMPLE_ROW
from shared.services.catalog_io import write_catalog_file
from shared.services.org import save_department, save_queue, save_site
from tests.reception.admin_support import IT_USER, assert_accessible, click, it_context, shoot
from tests.reception.conftest import OFFSCREEN_NOISE, SIGNAL_TIMEOUT_MS
from tests.reception.desk_support import Console, console_on

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
__all__ = ["console_on"]


def _row(code: str, name: str, department: str = "qs-gaj") -> dict[str, Any]:
    return EXAMPLE_ROW | {
        "code": code,
        "name": name,
        "department": department,
        "sites": ["qs-main"],
        "queue_prefix": "H",
    }


def _open_page(qtbot: QtBot, console: Console) -> CatalogImportPage:
    with console.factory.begin() as session:
        save_site(session, code="qs-main", name="青山区政务服务中心", kind="district")
        save_department(session, code="qs-gaj", name="青山区公安分局")
        save_queue(session, site="qs-main", prefix="H", name="户政业务", departments=["qs-gaj"])
    page = CatalogImportPage(it_context(console))
    qtbot.add_widget(page)
    page.resize(1920, 1080)
    page.show()
    with qtbot.wait_signal(page.catalog_loaded, timeout=SIGNAL_TIMEOUT_MS) as blocker:
        pass  # the answer arrives by signal once the event loop runs
    assert blocker.args == [0]
    return page


def _matters(console: Console) -> int:
    with console.factory() as session:
        return int(session.scalar(select(func.count()).select_from(ServiceMatter)) or 0)


def _check(qtbot: QtBot, page: CatalogImportPage) -> Any:
    with qtbot.wait_signal(page.checked, timeout=SIGNAL_TIMEOUT_MS) as blocker:
        click(qtbot, page.check_button)
    return blocker.args[0]


def test_a_bad_row_is_listed_and_nothing_is_written_then_a_clean_file_imports(
    qtbot: QtBot, console_on: Any, db_url: str, tmp_path: Path
) -> None:
    console = console_on(db_url)
    page = _open_page(qtbot, console)
    assert not page.check_button.isEnabled()
    assert not page.import_button.isEnabled()

    bad = tmp_path / "事项目录.xlsx"
    write_catalog_file(
        bad,
        [
            _row("QS0001", "居民身份证申领"),
            _row("QS0002", "户口迁移", department="不存在的局"),
            _row("QS0003", "户籍证明开具"),
        ],
    )
    page.set_path(bad)
    report = _check(qtbot, page)
    assert not report.clean
    assert page.problems.rowCount() == 1
    assert page.problems.item(0, 0).text() == "事项"  # the sheet
    assert page.problems.item(0, 1).text() == "3"
    assert page.problems.item(0, 2).text() == (
        "实施部门：部门“不存在的局”不存在（事项表第3行用到），请先在组织机构中添加"
    )
    assert page.problems.isVisible()
    assert page.summary.text().startswith(f"{bad.name}：1 行有错误")
    assert not page.import_button.isEnabled()
    assert _matters(console) == 0
    shoot(page, "admin_catalog_bad")
    assert_accessible(qtbot, page)

    clean = tmp_path / "事项目录-修正.csv"
    write_catalog_file(
        clean,
        [
            _row("QS0001", "居民身份证申领"),
            _row("QS0002", "户口迁移"),
            _row("QS0003", "户籍证明开具"),
        ],
    )
    page.set_path(clean)
    assert not page.problems.isVisible()
    report = _check(qtbot, page)
    assert report.clean and report.inserted == 3
    assert page.summary.text() == "检查通过（3 行）：将新增 3，更新 0，未变 0。"
    assert _matters(console) == 0  # the check wrote nothing
    with console.factory() as session:
        assert not session.scalars(
            select(AuditEntry).where(AuditEntry.action == "catalog.imported")
        ).all()

    with (
        qtbot.wait_signal(page.catalog_loaded, timeout=SIGNAL_TIMEOUT_MS) as loaded,
        qtbot.wait_signal(page.imported, timeout=SIGNAL_TIMEOUT_MS) as blocker,
    ):
        click(qtbot, page.import_button)
    assert blocker.args[0].inserted == 3
    assert loaded.args == [3]
    assert page.summary.text() == f"已导入 {clean.name}：新增 3，更新 0，未变 0。"
    assert page.catalog_count.text() == "目录中现有 3 个在用事项"
    assert not page.import_button.isEnabled()  # check again before another import
    assert _matters(console) == 3
    with console.factory() as session:
        actors = session.scalars(
            select(AuditEntry.actor).where(AuditEntry.action == "catalog.imported")
        ).all()
    assert actors == [IT_USER]
    shoot(page, "admin_catalog_done")
    assert_accessible(qtbot, page)


def test_an_unreadable_file_says_why_and_the_template_is_saved(
    qtbot: QtBot, console_on: Any, sqlite_url: str, tmp_path: Path
) -> None:
    console = console_on(sqlite_url)
    page = _open_page(qtbot, console)
    wrong = tmp_path / "目录.txt"
    wrong.write_text("事项编码\n1\n", encoding="utf-8")
    page.set_path(wrong)
    with qtbot.wait_signal(page.failed, timeout=SIGNAL_TIMEOUT_MS) as blocker:
        click(qtbot, page.check_button)
    assert blocker.args[0] == page.summary.text() != ""
    assert "Traceback" not in page.summary.text()
    assert page.summary.text() == "不支持文件“目录.txt”的类型：请用 .xlsx 或 .csv 文件。"
    assert not page.import_button.isEnabled()

    template = tmp_path / "模板.xlsx"
    page.save_template(template)
    qtbot.waitUntil(template.exists, timeout=SIGNAL_TIMEOUT_MS)
    qtbot.waitUntil(lambda: "模板已保存" in page.summary.text(), timeout=SIGNAL_TIMEOUT_MS)


def _problem_rows(page: CatalogImportPage) -> list[tuple[str, str]]:
    table = page.problems
    return [(table.item(r, 1).text(), table.item(r, 2).text()) for r in range(table.rowCount())]


def test_each_bad_row_reads_in_chinese(
    qtbot: QtBot, console_on: Any, sqlite_url: str, tmp_path: Path
) -> None:
    console = console_on(sqlite_url)
    page = _open_page(qtbot, console)
    bad = tmp_path / "事项目录.csv"
    write_catalog_file(
        bad,
        [
            _row("QS0001", "居民身份证申领"),
            _row("QS0001", "户口迁移"),
            _row("QS0003", "户籍证明开具") | {"queue_prefix": "P"},
            _row("QS0004", "户口注销") | {"sites": ["mars"]},
        ],
    )
    page.set_path(bad)
    click(qtbot, page.check_button)
    qtbot.waitUntil(lambda: page.problems.rowCount() == 3, timeout=SIGNAL_TIMEOUT_MS)
    assert _problem_rows(page) == [
        ("3", "事项编码：与第2行重复"),
        ("4", "取号队列：站点 qs-main 没有队列 P"),
        ("5", "办理站点：站点“mars”不存在（第5行用到）"),
    ]
    assert page.summary.text().startswith(f"{bad.name}：3 行有错误")
    assert not page.import_button.isEnabled()

    # A header problem is row 1, in Chinese too.
    headers = tmp_path / "表头.csv"
    headers.write_text("事项编码,备注栏\nQS0001,x\n", encoding="utf-8-sig")
    page.set_path(headers)
    click(qtbot, page.check_button)
    qtbot.waitUntil(lambda: page.problems.rowCount() == 1, timeout=SIGNAL_TIMEOUT_MS)
    assert _problem_rows(page) == [("1", "无法识别的列“备注栏”")]
    assert _matters(console) == 0
