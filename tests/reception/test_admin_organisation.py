"""管理 → 组织机构 (issue #9): a hall's sites, departments, queues and windows set up from an
empty database in the console alone, on both backends; every check box visibly a box."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QStyle, QStyleOptionButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from reception.modules.admin.org_dialogs import (
    DepartmentDialog,
    QueueDialog,
    SiteDialog,
    WindowDialog,
    set_checked,
)
from reception.modules.admin.organisation import OrganisationPage
from shared.models import AuditEntry, Department, Queue, Site, Window
from shared.qt.a11y import contrast_ratio
from shared.qt.theme import NORMAL
from shared.services.org import DepartmentInfo, SiteInfo, save_department
from tests.reception.admin_support import (
    IT_USER,
    assert_accessible,
    click,
    it_context,
    shoot,
    type_into,
)
from tests.reception.conftest import OFFSCREEN_NOISE, SIGNAL_TIMEOUT_MS
from tests.reception.desk_support import Console, console_on

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
__all__ = ["console_on"]


def _open_page(qtbot: QtBot, console: Console) -> OrganisationPage:
    context = it_context(console)
    page = OrganisationPage(context)
    qtbot.add_widget(page)
    page.resize(1920, 1080)
    page.show()
    with qtbot.wait_signal(page.organisation_loaded, timeout=SIGNAL_TIMEOUT_MS):
        pass  # the answer arrives by signal once the event loop runs
    return page


def _save(qtbot: QtBot, page: OrganisationPage, dialog: Any) -> Any:
    with qtbot.wait_signal(page.record_saved, timeout=SIGNAL_TIMEOUT_MS) as blocker:
        click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=SIGNAL_TIMEOUT_MS)
    return blocker.args[0]


def _refused(qtbot: QtBot, page: OrganisationPage, dialog: Any) -> str:
    with qtbot.wait_signal(page.save_failed, timeout=SIGNAL_TIMEOUT_MS) as blocker:
        click(qtbot, dialog.save_button)
    message = str(blocker.args[0])
    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert dialog.error.text() == message
    return message


def _count(console: Console, model: Any) -> int:
    with console.factory() as session:
        return len(session.scalars(select(model)).all())


def _wait_rows(qtbot: QtBot, section: Any, count: int) -> None:
    qtbot.waitUntil(lambda: section.table.rowCount() == count, timeout=SIGNAL_TIMEOUT_MS)


def test_a_hall_is_set_up_from_an_empty_database(
    qtbot: QtBot, console_on: Any, db_url: str
) -> None:
    console = console_on(db_url)
    page = _open_page(qtbot, console)
    assert page.sites.table.rowCount() == 0

    click(qtbot, page.sites.add_button)
    site = page.dialog
    assert isinstance(site, SiteDialog)
    type_into(qtbot, site.code, "qs-main")
    type_into(qtbot, site.name, "青山区政务服务中心")
    site.kind.setCurrentIndex(site.kind.findData("district"))
    type_into(qtbot, site.address, "青山区和平大道 100 号")
    _save(qtbot, page, site)
    _wait_rows(qtbot, page.sites, 1)
    assert page.sites.table.item(0, 1).text() == "青山区政务服务中心"
    assert page.sites.table.item(0, 2).text() == "区级中心"

    click(qtbot, page.departments.add_button)
    dept = page.dialog
    assert isinstance(dept, DepartmentDialog)
    type_into(qtbot, dept.code, "qs-gaj")
    type_into(qtbot, dept.name, "青山区公安分局")
    _save(qtbot, page, dept)
    _wait_rows(qtbot, page.departments, 1)

    # A bad prefix is refused with the service's reason; nothing is written.
    click(qtbot, page.queues.add_button)
    queue = page.dialog
    assert isinstance(queue, QueueDialog)
    assert queue.site.currentData() == "qs-main"
    type_into(qtbot, queue.prefix, "A1")
    type_into(qtbot, queue.name, "户政业务")
    queue.policy.setCurrentIndex(queue.policy.findData("interleave"))
    queue.interleave.setValue(2)
    queue.minutes.setValue(12)
    set_checked(queue.departments, ["qs-gaj"])
    assert "字头" in _refused(qtbot, page, queue)
    assert _count(console, Queue) == 0
    type_into(qtbot, queue.prefix, "H")
    saved = _save(qtbot, page, queue)
    assert saved.prefix == "H"
    _wait_rows(qtbot, page.queues, 1)
    assert page.queues.table.item(0, 3).text() == "优先号穿插（每 2 个普通号）"
    assert page.queues.table.item(0, 5).text() == "青山区公安分局"

    # A window serving no queue is refused; then it serves H.
    click(qtbot, page.windows.add_button)
    window = page.dialog
    assert isinstance(window, WindowDialog)
    window.number.setValue(3)
    type_into(qtbot, window.location, "一楼公安户政区")
    assert list(window.queues.boxes) == ["H"]
    assert _refused(qtbot, page, window) == "窗口 3 至少要服务一个队列。"
    assert _count(console, Window) == 0
    box = window.queues.boxes["H"]
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(12, box.height() // 2))
    assert window.queues.boxes["H"].isChecked()
    _save(qtbot, page, window)
    _wait_rows(qtbot, page.windows, 1)
    shoot(page, "admin_organisation")
    assert_accessible(qtbot, page)

    with console.factory() as session:
        the_site = session.scalars(select(Site)).one()
        assert (the_site.code, the_site.kind, the_site.active) == ("qs-main", "district", True)
        the_queue = session.scalars(select(Queue)).one()
        assert (the_queue.prefix, the_queue.policy, the_queue.interleave_n) == (
            "H",
            "interleave",
            2,
        )
        assert the_queue.default_service_minutes == 12
        assert [d.code for d in the_queue.departments] == ["qs-gaj"]
        the_window = session.scalars(select(Window)).one()
        assert (the_window.number, the_window.name, the_window.location) == (
            3,
            "3号窗口",
            "一楼公安户政区",
        )
        assert [q.prefix for q in the_window.queues] == ["H"]
        actors = set(
            session.scalars(
                select(AuditEntry.actor).where(AuditEntry.action.like("organisation.%"))
            )
        )
        assert actors == {IT_USER}

    # 停用 keeps the window, inactive; 启用 brings it back.
    page.windows.select(lambda w: w.number == 3)
    assert page.windows.toggle_button.text() == "停用"
    with qtbot.wait_signal(page.record_saved, timeout=SIGNAL_TIMEOUT_MS):
        click(qtbot, page.windows.toggle_button)
    qtbot.waitUntil(
        lambda: page.windows.table.item(0, 5).text() == "已停用", timeout=SIGNAL_TIMEOUT_MS
    )
    with console.factory() as session:
        assert session.scalars(select(Window.active)).one() is False
    page.windows.select(lambda w: w.number == 3)
    assert page.windows.toggle_button.text() == "启用"


def test_edits_and_changes_from_elsewhere_show(
    qtbot: QtBot, console_on: Any, sqlite_url: str
) -> None:
    console = console_on(sqlite_url)
    page = _open_page(qtbot, console)
    with (
        qtbot.wait_signal(page.organisation_loaded, timeout=SIGNAL_TIMEOUT_MS),
        console.factory.begin() as session,
    ):
        save_department(session, code="mzj", name="区民政局")
    _wait_rows(qtbot, page.departments, 1)

    page.departments.select(lambda d: d.code == "mzj")
    click(qtbot, page.departments.edit_button)
    dialog = page.dialog
    assert isinstance(dialog, DepartmentDialog)
    assert dialog.code.isReadOnly()
    type_into(qtbot, dialog.short_name, "民政")
    _save(qtbot, page, dialog)
    qtbot.waitUntil(
        lambda: page.departments.table.item(0, 2).text() == "民政", timeout=SIGNAL_TIMEOUT_MS
    )
    with console.factory() as session:
        assert session.scalars(select(Department.short_name)).one() == "民政"


def _box_contrast(dialog: QWidget, box: QCheckBox) -> float:
    """The strongest contrast, against the page, of the pixels across a check box's indicator."""
    option = QStyleOptionButton()
    box.initStyleOption(option)
    rect = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    assert rect.width() >= 16, rect  # the themed, touch-sized indicator
    image = dialog.grab().toImage()
    origin = box.mapTo(dialog, rect.topLeft())
    middle = origin.y() + rect.height() // 2
    page = image.pixelColor(origin.x() - 3, middle)  # just left of the box: the page itself
    assert contrast_ratio(page, QColor(NORMAL.bg)) < 1.1, page.name()
    return max(
        contrast_ratio(image.pixelColor(x, middle), page)
        for x in range(origin.x(), origin.x() + rect.width())
    )


def test_every_check_box_draws_its_box(qtbot: QtBot) -> None:
    """Issue #9: the theme's plain check-box indicator had no border, so an unticked box was
    invisible (the dialogs borrowed the tours' role). Every box now shows a frame of at least
    3:1 against the page (WCAG 1.4.11), ticked or not, with no role of its own."""
    site = SiteInfo("qs-main", "青山区政务服务中心", "district", "", "", True)
    departments = [DepartmentInfo(f"d{i}", f"部门{i}", f"部{i}", True) for i in range(3)]
    dialog = QueueDialog([site], departments)
    plain = QCheckBox("非办理时间强制取号", dialog)
    dialog.layout().addWidget(plain)
    qtbot.add_widget(dialog)
    dialog.show()
    qtbot.wait_exposed(dialog)
    set_checked(dialog.departments, ["d1"])
    boxes = [*dialog.departments.boxes.values(), plain]
    assert all(not box.property("role") for box in boxes)
    for box in boxes:
        assert _box_contrast(dialog, box) >= 3.0, (box.text(), box.isChecked())
