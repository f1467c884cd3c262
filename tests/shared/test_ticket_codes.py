"""Signed ticket codes (issue #3 item 4): genuine codes verify, every alteration is refused."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.errors import ValidationError
from shared.models import Setting
from shared.services.settings import get_setting
from shared.services.ticket_codes import (
    SECRET_KEY,
    installation_secret,
    payload_for,
    ticket_payload,
    ticket_slip,
    verify_payload,
)
from shared.services.tickets import issue_ticket

SECRET = bytes(range(32))
DAY = date(2026, 11, 26)
# A Thursday, 10:00 in the hall: open.
OPEN = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def good() -> str:
    return payload_for("huarong", DAY, "A001", SECRET)


def test_payload_is_short_ascii_and_names_the_ticket() -> None:
    payload = good()
    assert payload.isascii() and len(payload) <= 48
    assert payload.startswith("SH1:huarong:20261126:A001:")
    code = verify_payload(payload, SECRET)
    assert (code.site, code.business_date, code.number) == ("huarong", DAY, "A001")


def test_payload_is_deterministic_and_numbers_beyond_999_work() -> None:
    assert good() == good()
    big = payload_for("town-a", DAY, "B1000", SECRET)
    assert verify_payload(big, SECRET).number == "B1000"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (":huarong:", ":xincheng:"),
        (":20261126:", ":20261127:"),
        (":A001:", ":A002:"),
        (":A001:", ":B001:"),
        ("SH1:", "SH2:"),
    ],
)
def test_each_altered_field_is_refused(old: str, new: str) -> None:
    forged = good().replace(old, new)
    assert forged != good()
    with pytest.raises(ValidationError) as caught:
        verify_payload(forged, SECRET)
    assert str(caught.value) == "invalid ticket code"
    assert caught.value.message_zh == "号票二维码无效。"


def test_an_altered_signature_is_refused() -> None:
    payload = good()
    last = payload[-1]
    forged = payload[:-1] + ("A" if last != "A" else "B")
    with pytest.raises(ValidationError):
        verify_payload(forged, SECRET)
    with pytest.raises(ValidationError):
        verify_payload(payload[:-10] + payload[-10:].lower(), SECRET)


def test_a_code_signed_with_another_secret_is_refused() -> None:
    other = payload_for("huarong", DAY, "A001", bytes(32))
    with pytest.raises(ValidationError):
        verify_payload(other, SECRET)


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "SH1",
        "SH1:huarong:20261126:A001",
        "SH1:huarong:20261126:A001:",
        "hello world",
        "SH1:huarong:20261126:A001:ABCDEFGHIJ:extra",
        "SH1:华容:20261126:A001:ABCDEFGHIJ",
        "SH1:huarong:2026-11-26:A001:ABCDEFGHIJ",
        "\x00" * 40,
    ],
)
def test_garbage_is_refused(garbage: str) -> None:
    with pytest.raises(ValidationError):
        verify_payload(garbage, SECRET)


def test_every_truncation_is_refused() -> None:
    payload = good()
    for length in range(len(payload)):
        with pytest.raises(ValidationError):
            verify_payload(payload[:length], SECRET)


def test_a_scanner_newline_is_tolerated() -> None:
    assert verify_payload(good() + "\n", SECRET).number == "A001"


def test_secret_is_created_once_and_stored(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        assert get_setting(session, SECRET_KEY) is None
        first = installation_secret(session)
    assert len(first) == 32
    with factory.begin() as session:
        assert installation_secret(session) == first
        assert isinstance(get_setting(session, SECRET_KEY), str)
        rows = session.scalars(select(Setting).where(Setting.key == SECRET_KEY)).all()
        assert len(rows) == 1


def test_terminals_starting_at_once_agree_on_one_secret(factory: sessionmaker[Session]) -> None:
    barrier = threading.Barrier(4)
    secrets: list[bytes] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            barrier.wait()
            with factory.begin() as session:
                secrets.append(installation_secret(session))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert len(secrets) == 4 and len(set(secrets)) == 1
    with factory() as session:
        assert len(session.scalars(select(Setting).where(Setting.key == SECRET_KEY)).all()) == 1


def test_an_issued_tickets_code_verifies_and_is_stable(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory.begin() as session:
        view = issue_ticket(session, site="huarong", queue="A", channel="desk", now=OPEN)
        secret = installation_secret(session)
        payload = ticket_payload(view, secret)
        slip = ticket_slip(session, view)
    assert slip.qr_payload == payload
    assert slip.number == view.number and slip.hall_name == view.site_name
    code = verify_payload(payload, secret)
    assert (code.site, code.business_date, code.number) == ("huarong", DAY, view.number)
    with seeded_factory.begin() as session:
        assert ticket_payload(view, installation_secret(session)) == payload
