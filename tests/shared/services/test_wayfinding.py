"""Where to go (issue #12): the windows serving a queue, as the hall's signs say them."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from shared.services.settings import site_by_code
from shared.services.wayfinding import ASK_AT_DESK, HallWindow, hall_windows, numbers_text, way_to


@pytest.mark.parametrize(
    ("numbers", "said"),
    [
        ([19, 20, 21, 22], "19至22号窗口"),
        ([19, 20], "19、20号窗口"),
        ([3], "3号窗口"),
        ([1, 2, 3, 5, 7, 8], "1至3、5、7、8号窗口"),
        ([22, 19, 21, 20, 20], "19至22号窗口"),
    ],
)
def test_numbers_in_a_row_are_a_range(numbers: list[int], said: str) -> None:
    assert numbers_text(numbers) == said


def window(number: int, queues: str, location: str = "", mapped: bool = True) -> HallWindow:
    xy = 0.5 if mapped else None
    return HallWindow(number, f"{number}号窗口", location, xy, xy, frozenset(queues))


def test_dedicated_windows_come_before_the_general_ones() -> None:
    windows = [
        window(1, "ABCD", "一楼综合区"),
        window(2, "ABCD", "一楼综合区"),
        window(19, "D", "一楼公安户政区"),
        window(20, "D", "一楼公安户政区", mapped=False),
    ]
    way = way_to(windows, "D")
    assert way.where == "19、20号窗口（一楼公安户政区）"
    assert way.numbers == (19, 20)
    assert [w.number for w in way.serving] == [19]  # 20 has no place on the map
    # A queue only the general windows serve is sent there.
    assert way_to(windows, "A").where == "1、2号窗口（一楼综合区）"
    # No window serves it: never a made-up place.
    assert way_to(windows, "Z").where == ASK_AT_DESK and way_to(windows, "Z").numbers == ()


def test_the_demo_hall_from_its_database(seeded_factory: sessionmaker[Session]) -> None:
    with seeded_factory() as session:
        windows = hall_windows(session, site_by_code(session, "huarong").id)
    assert way_to(windows, "D").where == "19至22号窗口（一楼公安户政区）"
