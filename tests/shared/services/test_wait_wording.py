"""One wording for a queue's wait on every surface (issue #19, item 5): the kiosk's tiles and
screens, the desk's queue buttons and the printed slip all call
:func:`shared.services.waits.wait_wording`, so the same queue reads the same everywhere."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiosk.screens.ticket_views import wait_phrase
from reception.modules.ticket_labels import wait_range_text
from shared.rendering.ticket import wait_text
from shared.services.calling import QueueStatus
from shared.services.waits import CALLING_SOON, NO_WINDOW, wait_wording

NOW = datetime(2026, 11, 26, 11, 0, tzinfo=UTC)  # 19:00 in the hall, closed
OPENS = datetime(2026, 11, 27, 0, 30, tzinfo=UTC)  # 08:30 tomorrow


def _desk(
    low: int | None, high: int | None, waiting: int = 0, opens: datetime | None = None
) -> str:
    status = QueueStatus(
        "A", "综合受理", waiting, 0, 0, 0, 1 if low is not None else 0, low, high, opens
    )
    return wait_range_text(status)


@pytest.mark.parametrize(
    ("wait", "short", "full"),
    [
        ((0, 0), "即将叫号", "即将叫号"),
        ((1, 4), "预计 1–4 分钟", "预计等候 1–4 分钟"),
        ((8, 8), "预计 约 8 分钟", "预计等候 约 8 分钟"),
        ((0, 5), "预计 0–5 分钟", "预计等候 0–5 分钟"),
    ],
)
def test_every_surface_words_a_wait_alike(wait: tuple[int, int], short: str, full: str) -> None:
    low, high = wait
    assert wait_wording(low, high, short=True) == short
    assert wait_wording(low, high) == full
    assert wait_phrase(low, high, short=True) == short  # the kiosk's tile
    assert wait_phrase(low, high) == full  # the kiosk's confirmation and number screens
    assert _desk(low, high, waiting=2) == f"等候 2 人 · {short}"  # the desk's queue button
    assert wait_text(wait) == full  # the slip


def test_an_empty_queue_reads_the_same_on_kiosk_desk_and_slip() -> None:
    """Issue #19: the kiosk said 即将叫号 and the desk 无人等候 · 即到即办 for one queue."""
    assert wait_phrase(0, 0, short=True) == wait_phrase(0, 0) == CALLING_SOON
    assert _desk(0, 0) == "等候 0 人 · 即将叫号"
    assert wait_text((0, 0)) == CALLING_SOON
    assert "即到即办" not in _desk(0, 0)


def test_no_window_open_never_says_calling_soon(monkeypatch: pytest.MonkeyPatch) -> None:
    """With nobody at the windows there is no range: every surface says 窗口暂未开放, with the
    hall's next opening when it is closed (the screen says 明天, the paper a date)."""
    assert wait_wording(None, None, short=True) == NO_WINDOW
    assert wait_wording(None, None) == "窗口暂未开放，暂无法估计等候时间"
    assert wait_wording(None, None, next_opening=OPENS, now=NOW) == "窗口暂未开放，明天 08:30 开放"
    dated = wait_wording(None, None, next_opening=OPENS, now=NOW, dated=True)
    assert dated == "窗口暂未开放，11月27日 08:30 开放"
    assert wait_text(None, windows_open=False, next_opening=OPENS) == dated
    assert wait_text((0, 0), windows_open=False) == "窗口暂未开放，暂无法估计等候时间"
    monkeypatch.setattr("reception.modules.ticket_labels.utcnow", lambda: NOW)  # the clock
    assert _desk(None, None, waiting=3, opens=OPENS) == "等候 3 人 · 窗口暂未开放，明天 08:30 开放"
    assert _desk(None, None, waiting=3) == "等候 3 人 · 窗口暂未开放"
    for text in (
        _desk(None, None, 3),
        wait_phrase(None, None),
        wait_text(None, windows_open=False),
    ):
        assert CALLING_SOON not in text and "分钟" not in text
