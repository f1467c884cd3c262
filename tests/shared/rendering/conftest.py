"""A ticket slip with a genuine signed code, shared by the rendering tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.rendering import TicketSlip
from shared.services.ticket_codes import payload_for

SECRET = bytes(range(32, 64))
PAYLOAD = payload_for("huarong", date(2026, 11, 26), "A001", SECRET)


@pytest.fixture
def slip() -> TicketSlip:
    return TicketSlip(
        hall_name="华容区政务服务中心",
        site_code="huarong",
        number="A001",
        queue_name="综合受理",
        people_ahead=3,
        wait_minutes=(5, 10),
        issued_at=datetime(2026, 11, 26, 1, 31, tzinfo=UTC),
        business_date=date(2026, 11, 26),
        matter_name="居民身份证换领",
        materials=(
            {"name": "居民户口簿", "original": 1, "copy": 1},
            {"name": "近期免冠一寸照片", "original": 2, "copy": 0},
        ),
        qr_payload=PAYLOAD,
    )
