"""The kiosk as a screen reader sees it, over AT-SPI (issue #12, item 2).

Each walk starts the real kiosk on the xcb platform under a private X server and D-Bus
session (``tests/support/atspi_session.sh``) and drives it from outside with the system
``python3`` and pyatspi (``tests/support/atspi_walk.py``), pressing buttons through their
AT-SPI actions as Orca does: 取号 to the ticket number, 办事指南 by letters to a guide, 优先服务
(绿色通道, 请工作人员到这里帮忙, the 预约上门服务 form), 评价, with the hall map after the ticket
and after the guide, in both modes and both
orientations. After every step
it checks what has focus (each screen's heading, or its result), that no showing control is
unnamed or smaller than the mode's touch target, that typed letters and their results are
announced, and that the ticket number is readable from the tree.

The tools are part of the test setup (``scripts/setup.sh test``): a missing one fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.models import PriorityRequest, Ticket
from shared.qt.theme import ELDER, NORMAL

ROOT = Path(__file__).resolve().parents[2]
SESSION = ROOT / "tests" / "support" / "atspi_session.sh"

STEPS = (
    "press:取号",
    "press:A*",
    "press:确认取号",
    "press:看位置图：去哪个窗口办理",
    "press:返回我的号码",
    "press:完成，返回首页",
    "press:办事指南",
    "press:字母 S",
    "press:字母 F",
    "press:字母 Z",
    "press:居民身份证换领",
    "press:看位置图：办理此事项的窗口",
    "press:返回办事指南",
    "press:返回首页",
    "press:办事指南",
    "press:按人生事件查找",
    "press:返回首页",
    "press:优先服务",
    "press:孕妇",
    "press:预约上门服务",
    "press:同意并继续",
    "press:返回首页",
    "press:优先服务",
    "press:老年人",
    "press:绿色通道取号",
    "press:D*",
    "press:确认取号",
    "press:完成，返回首页",
    "press:优先服务",
    "press:残障人士",
    "press:请工作人员到这里帮忙",
    "press:呼叫工作人员",
    "press:完成，返回首页",
    "press:评价",
    "press:返回首页",
)
#: The heading each step lands on (None: a result, checked on its own).
HEADINGS = {
    "press:取号": "取号：请选择您要办理的业务",
    "press:A*": "请确认您要取的号",
    "press:看位置图：去哪个窗口办理": "请到3至8号窗口（一楼综合受理区）",
    "press:完成，返回首页": "华容区政务服务中心",
    "press:办事指南": "办事指南：按拼音首字母查找事项",
    "press:居民身份证换领": "居民身份证换领",
    "press:看位置图：办理此事项的窗口": "请到19至22号窗口（一楼公安户政区）",
    "press:返回办事指南": "居民身份证换领",
    "press:返回首页": "华容区政务服务中心",
    "press:优先服务": "优先服务：请问是谁需要帮助？",
    "press:老年人": "您需要哪种帮助？",
    "press:孕妇": "您需要哪种帮助？",
    "press:预约上门服务": "个人信息告知",
    "press:同意并继续": "请填写上门服务的联系信息",
    "press:残障人士": "您需要哪种帮助？",
    "press:绿色通道取号": "取号：请选择您要办理的业务",
    "press:D*": "请确认您要取的号",
    "press:请工作人员到这里帮忙": "请工作人员到这里帮忙",
    "press:评价": "评价：请选择您要评价的",
}


def walk(url: str, *, elder: bool, size: str) -> list[dict[str, Any]]:
    """Run one walk; its JSON lines."""
    tokens = ELDER if elder else NORMAL
    done = subprocess.run(
        [
            "dbus-run-session",
            "--",
            "bash",
            str(SESSION),
            sys.executable,
            url,
            "1" if elder else "0",
            size,
            str(tokens.min_target),
            *STEPS,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 0 and len(lines) == len(STEPS) + 1, done.stderr[-3000:]
    return lines


# A walk presses 35 buttons and waits for each screen: about a minute, more on a busy machine.
@pytest.mark.timeout(900)
@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
@pytest.mark.parametrize("size", ["1920x1080", "1080x1920"], ids=["landscape", "portrait"])
def test_a_screen_reader_walk_through_every_flow(
    sqlite_factory: sessionmaker[Session], seeded_sqlite_url: str, elder: bool, size: str
) -> None:
    steps = walk(seeded_sqlite_url, elder=elder, size=size)
    with sqlite_factory() as session:
        numbers = list(session.scalars(select(Ticket.number).order_by(Ticket.issued_at)))
        reference = session.scalars(
            select(PriorityRequest.reference).where(PriorityRequest.kind == "assistance")
        ).one()
    assert len(numbers) == 2  # A001, then the green channel's D001

    for line in steps:
        # Nothing a finger or a screen reader cannot use, and focus never lost.
        assert line["unnamed"] == [], line
        assert line["small"] == [], line
        assert line["focused"] is not None, line
        expected = HEADINGS.get(line["step"])
        if expected is not None:
            assert line["focused"]["name"] == expected, line
    assert steps[0]["focused"]["name"] == "华容区政务服务中心"

    ticket = steps[STEPS.index("press:确认取号") + 1]
    said = ticket["focused"]["name"]
    assert said.startswith(f"您的号码 {numbers[0]}，综合受理，前面还有")
    assert "叫号后请到" in said and "号窗口" in said
    back = steps[STEPS.index("press:返回我的号码") + 1]
    assert back["focused"]["name"] == said  # back on the number, never lost
    # Readable from the tree by anyone walking it, not only when focused.
    assert any(label.startswith(f"您的号码 {numbers[0]}") for label in ticket["labels"])

    green = steps[len(STEPS) - STEPS[::-1].index("press:确认取号")]
    assert green["focused"]["name"].startswith(f"您的号码 {numbers[1]}，公安户政，绿色通道")

    typed = steps[STEPS.index("press:字母 S") + 1]
    assert any(text.startswith("已输入 S，找到") for text in typed["announced"]), typed
    assert any(
        text.startswith("已输入 S F Z，找到")
        for text in steps[STEPS.index("press:字母 Z") + 1]["announced"]
    )

    called = steps[STEPS.index("press:呼叫工作人员") + 1]
    assert called["focused"]["name"].startswith(f"已收到您的请求，您的编号 {' '.join(reference)}")
