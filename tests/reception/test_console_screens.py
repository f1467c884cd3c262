"""Issue #19 item 7: the staff screens at 1920×1080 and at 1366×768 (a common government PC).

Each of 取号台, 叫号, 优先服务 and every 管理 page is shown in the console at both sizes with
the demo hall's data, and must lay out without two widgets of one layout drawn over each
other (叫号 and 取号台 did at 1366×768), with every code, number and time in a table shown
whole, and pass the accessibility check. With ``HALL_SHOTS`` naming a folder the screens
are saved there as PNGs, to be looked at.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QLayout, QSizePolicy, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from reception.modules.admin import AdminPage
from shared.clock import utcnow
from shared.db import create_session_factory, engine_of
from shared.demo.org_data import DEMO_PASSWORD
from shared.models import Ticket
from shared.qt.a11y import check_accessibility
from shared.qt.tables import DataTable
from shared.qt.theme import NORMAL
from shared.services import priority
from shared.services.settings import set_setting
from shared.services.tickets import issue_ticket, mark_printed
from tests.reception.conftest import OFFSCREEN_NOISE, SIGNAL_TIMEOUT_MS, ShellMaker, log_in
from tests.reception.desk_support import ALWAYS_OPEN
from tests.support.windows import open_windows

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

SIZES = [(1920, 1080), (1366, 768)]
MODULES = ("ticket_desk", "calling", "priority")


def _hall_at_work(url: str) -> None:
    """A morning at the demo hall: windows open, tickets of every kind, one slip jammed,
    requests waiting (one overdue)."""
    factory = create_session_factory(url)
    try:
        with factory.begin() as session:
            set_setting(session, "hall_hours", ALWAYS_OPEN)
        open_windows(factory, [1, 2, 9])
        with factory.begin() as session:
            for queue, kind in [("A", None), ("A", "elderly"), ("B", None), ("C", "disabled")]:
                issue_ticket(session, site="huarong", queue=queue, priority=kind)
            jammed = session.scalars(select(Ticket).where(Ticket.number == "B001")).one()
            mark_printed(session, jammed.id, False)
            for minutes, visitor in ((9, "elderly"), (1, "disabled")):
                priority.create_request(
                    session,
                    site="huarong",
                    kind="assistance",
                    visitor=visitor,
                    terminal="kiosk-01",
                    now=utcnow() - timedelta(minutes=minutes),
                )
    finally:
        engine_of(factory).dispose()


def _in_layout(layout: QLayout, widget: QWidget) -> bool:
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item.widget() is widget:
            return True
        inner = item.layout()
        if inner is not None and _in_layout(inner, widget):
            return True
    return False


def overlapping(root: QWidget) -> list[str]:
    """Pairs of shown widgets placed by one layout whose rectangles cross (an overlay laid
    over a panel on purpose is not in a layout, and is not judged)."""
    found = []
    for parent in [root, *root.findChildren(QWidget)]:
        layout = parent.layout()
        if layout is None or not parent.isVisible():
            continue
        placed = [
            w
            for w in parent.findChildren(QWidget)
            if w.parentWidget() is parent and w.isVisible() and _in_layout(layout, w)
        ]
        for i, a in enumerate(placed):
            for b in placed[i + 1 :]:
                common = a.geometry().intersected(b.geometry())
                if common.width() > 1 and common.height() > 1:
                    found.append(f"{_name(a)} × {_name(b)} in {_name(parent)}")
    return found


def _least(widget: QWidget) -> tuple[int, int]:
    """The size below which a layout squeezes ``widget`` (Qt's own rule: a set minimum, else
    its minimum hint where it may shrink, else its size hint; nothing when it is ignored)."""
    policy, least = widget.sizePolicy(), widget.minimumSize()
    hint, smallest = widget.sizeHint(), widget.minimumSizeHint()
    sizes = []
    for set_, kind, wanted, floor in (
        (least.width(), policy.horizontalPolicy(), hint.width(), smallest.width()),
        (least.height(), policy.verticalPolicy(), hint.height(), smallest.height()),
    ):
        if set_ > 0:
            sizes.append(set_)
        elif kind == QSizePolicy.Policy.Ignored:
            sizes.append(0)
        elif kind.value & QSizePolicy.PolicyFlag.ShrinkFlag.value:
            sizes.append(max(floor, 0))
        else:
            sizes.append(max(wanted, 0))
    return sizes[0], sizes[1]


def squeezed(root: QWidget) -> list[str]:
    """Shown widgets a layout made smaller than they can be (their contents cut off: the
    hours page's time boxes at 1366×768 were drawn 22 pixels high)."""
    found = []
    for parent in [root, *root.findChildren(QWidget)]:
        layout = parent.layout()
        if layout is None or not parent.isVisible():
            continue
        for w in parent.findChildren(QWidget):
            if w.parentWidget() is parent and w.isVisible() and _in_layout(layout, w):
                width, height = _least(w)
                if w.width() + 1 < width or w.height() + 1 < height:
                    found.append(f"{_name(w)} {w.width()}×{w.height()} < {width}×{height}")
    return found


def _name(widget: QWidget) -> str:
    return widget.objectName() or type(widget).__name__


def cut_codes(root: QWidget) -> list[str]:
    """Codes, numbers and times shown narrower than their contents in any table."""
    found = []
    for table in root.findChildren(DataTable):
        if not table.isVisible():
            continue
        for c, column in enumerate(table.columns):
            shown = column.kind in ("code", "number", "time") and not table.isColumnHidden(c)
            if shown and table.columnWidth(c) < table.sizeHintForColumn(c):
                found.append(f"{table.accessibleName()}: {column.title}")
    return found


def _wait_loaded(qtbot: QtBot, page: QWidget) -> None:
    tables = page.findChildren(DataTable)
    qtbot.waitUntil(lambda: not any(t.loading for t in tables), timeout=SIGNAL_TIMEOUT_MS)


def _look(qtbot: QtBot, shell: QWidget, page: QWidget, name: str) -> None:
    qtbot.wait(100)  # let posted layout requests and column fits run
    QApplication.sendPostedEvents()
    assert overlapping(page) == [], name
    assert squeezed(page) == [], name
    assert cut_codes(page) == [], name
    assert [str(p) for p in check_accessibility(page, NORMAL) if p.kind != "focus_ring"] == [], name
    folder = os.environ.get("HALL_SHOTS")
    if folder:
        shell.grab().save(str(Path(folder) / f"{name}.png"))


@pytest.mark.parametrize("size", SIZES, ids=["1920x1080", "1366x768"])
def test_staff_screens_lay_out_at_both_sizes(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str, size: tuple[int, int]
) -> None:
    _hall_at_work(seeded_sqlite_url)
    shell = open_shell(seeded_sqlite_url)
    shell.resize(*size)
    log_in(qtbot, shell, "admin", DEMO_PASSWORD)
    console = shell.console
    assert console is not None
    qtbot.waitUntil(lambda: shell.size().width() == size[0], timeout=SIGNAL_TIMEOUT_MS)
    assert (shell.width(), shell.height()) == size  # nothing forces the window larger
    tag = f"{size[0]}x{size[1]}"
    for key in MODULES:
        console.select_module(key)
        page = console.module(key)
        _wait_loaded(qtbot, page)
        _look(qtbot, shell, page, f"{key}_{tag}")
    console.select_module("admin")
    host = console.module("admin")
    assert isinstance(host, AdminPage)
    for key in host.page_keys():
        host.select_page(key)
        page = host.page(key)
        _wait_loaded(qtbot, page)
        _look(qtbot, shell, page, f"admin_{key}_{tag}")
        if key == "hours":  # its second sub-page: the holiday calendar
            page.sections.setCurrentIndex(1)  # type: ignore[attr-defined]
            _look(qtbot, shell, page, f"admin_hours_calendar_{tag}")


def test_the_overlap_check_catches_widgets_drawn_over_each_other(qtbot: QtBot) -> None:
    """What 叫号 looked like at 1366×768: a row of buttons over the button above it."""
    from PySide6.QtWidgets import QPushButton, QVBoxLayout

    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    first, second = QPushButton("叫下一位"), QPushButton("重呼")
    for button in (first, second):
        button.setMinimumHeight(200)
        layout.addWidget(button)
    root.resize(300, 200)  # half the height the layout needs
    root.show()
    qtbot.waitExposed(root)
    if first.geometry().intersects(second.geometry()):
        assert overlapping(root) != []
    else:  # the platform kept the window large enough: nothing to catch
        first.setGeometry(QRect(0, 0, 300, 150))
        second.setGeometry(QRect(0, 100, 300, 150))
        assert overlapping(root) == ["QPushButton × QPushButton in QWidget"]
