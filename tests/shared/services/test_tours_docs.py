"""The tour slip read back (text and QR), check-in by its code, forged codes, and the ledger
(issue #6)."""

from __future__ import annotations

import base64
import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from pyzbar.pyzbar import decode
from sqlalchemy.orm import Session, sessionmaker

from shared.errors import Conflict, ValidationError
from shared.rendering.ledger import HEADERS, render_ledger_pdf, render_ledger_xlsx
from shared.rendering.tour_slip import render_tour_slip_pdf
from shared.services import tours
from shared.services.settings import set_setting
from shared.services.ticket_codes import SECRET_KEY, installation_secret, payload_for, sign
from shared.services.tours_docs import (
    check_in,
    ledger_rows,
    tour_payload,
    tour_slip,
    verify_tour_code,
)
from tests.shared.services.test_tours import NINE, THURSDAY, book
from tests.support.pdf import pdf_text

ON_THE_DAY = NINE - dt.timedelta(minutes=20)


def qr_payloads(data: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "slip.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(path), str(tmp_path / "page")], check=True)
    found = []
    for page in sorted(tmp_path.glob("page*.png")):
        found += [symbol.data.decode("ascii") for symbol in decode(Image.open(page))]
        zbar = subprocess.run(
            ["zbarimg", "--quiet", "--raw", str(page)], capture_output=True, text=True
        )
        assert zbar.stdout.strip() in found
    return found


def test_slip_text_and_qr_read_back_and_check_the_group_in(
    seeded_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    with seeded_factory.begin() as session:
        view = book(
            session,
            route="both",
            end="10:30",
            level="重要",
            letter="鄂华政函〔2026〕12号",
            docents=["docent1", "docent2"],
            visitors=25,
        )
        slip = tour_slip(session, view.short_id)
    data = render_tour_slip_pdf(slip)
    text = pdf_text(data, tmp_path)
    for expected in (
        "参观接待确认单",
        "团组：省政务办调研组",
        "单位：湖北省政务服务办",
        "日期：2026-11-26（星期四）",
        "时间：09:00–10:30",
        "路线：大厅 + 指挥中心",
        "政务服务大厅 09:00-09:40",
        "数字乡村指挥中心 09:40-10:20",
        "讲解员：王丽、李娜",
        "接待等级：重要",
        "公函：鄂华政函〔2026〕12号",
        "预计人数：25 人",
        f"编号 {view.short_id}",
    ):
        assert expected in text, expected
    [payload] = qr_payloads(data, tmp_path)
    assert payload == slip.qr_payload and payload.startswith(f"SHT1:{view.id.hex[:12]}:20261126:")
    with seeded_factory.begin() as session:
        assert verify_tour_code(session, payload).id == view.id
        arrived = check_in(session, payload, actor="guide1", now=ON_THE_DAY)
        again = check_in(session, payload, actor="guide1", now=ON_THE_DAY + dt.timedelta(minutes=1))
    assert arrived.arrived_at == ON_THE_DAY == again.arrived_at  # a double scan changes nothing
    assert arrived.state_zh == "已签到"


def test_forged_altered_and_foreign_codes_are_refused(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory.begin() as session:
        view = book(session)
        payload = tour_slip(session, view.id).qr_payload
        secret = installation_secret(session)
    assert payload is not None
    body, _, sig = payload.rpartition(":")
    other_secret = base64.b64decode(base64.b64encode(b"x" * 32))
    forged_body = f"SHT1:{'0' * 12}:20261126"
    candidates = [
        f"{body}:{'A' if sig[0] != 'A' else 'B'}{sig[1:]}",  # one character of the signature
        payload.replace("20261126", "20261127"),  # another day, same signature
        f"{body[:-1]}7:{sig}",
        f"{forged_body}:{sign(forged_body, other_secret)}",  # signed with another key
        f"{body}:{sign(body, other_secret)}",
        payload_for("huarong", THURSDAY, "A001", secret),  # a genuine ticket code
        payload.replace("SHT1", "SHT2"),
        payload + "X",
        payload.lower(),
        "",
        "扫码",
    ]
    for code in candidates:
        with pytest.raises(ValidationError, match="invalid tour code"), seeded_factory.begin() as s:
            check_in(s, code, now=ON_THE_DAY)
    with seeded_factory() as session:
        assert tours.find_tour(session, view.id).arrived_at is None


def test_a_genuine_code_checks_in_only_a_live_tour_on_its_day(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory.begin() as session:
        view = book(session)
        payload = tour_slip(session, view.id).qr_payload or ""
    with (
        pytest.raises(Conflict, match="booked for 2026-11-26, not today"),
        seeded_factory.begin() as session,
    ):
        check_in(session, payload, now=ON_THE_DAY - dt.timedelta(days=1))
    with seeded_factory.begin() as session:
        tours.cancel(session, view.id)
    with pytest.raises(Conflict, match="it is cancelled"), seeded_factory.begin() as session:
        check_in(session, payload, now=ON_THE_DAY)


def test_a_slip_printed_before_the_tour_moved_is_stale(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory.begin() as session:
        view = book(session)
        secret = installation_secret(session)
    # A slip for another day, signed with the real key: the code itself is genuine.
    stale = tour_payload(view.id, THURSDAY - dt.timedelta(days=1), secret)
    with pytest.raises(ValidationError, match="out of date"), seeded_factory.begin() as session:
        check_in(session, stale, now=ON_THE_DAY)


def test_a_new_installation_secret_invalidates_old_slips(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory.begin() as session:
        view = book(session)
        payload = tour_slip(session, view.id).qr_payload or ""
        set_setting(session, SECRET_KEY, base64.b64encode(b"k" * 32).decode())
    with pytest.raises(ValidationError), seeded_factory.begin() as session:
        verify_tour_code(session, payload)


def test_ledger_xlsx_and_pdf_read_back(
    seeded_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    friday = THURSDAY + dt.timedelta(days=1)
    with seeded_factory.begin() as session:
        done = book(session, letter="鄂华政函〔2026〕12号", level="重要")
        tours.confirm(session, done.id)
        tours.start(session, done.id, now=NINE + dt.timedelta(minutes=5))
        tours.finish(
            session,
            done.id,
            actual_visitors=12,
            feedback=4,
            notes="关注一网通办",
            follow_ups="补寄资料",
            now=NINE + dt.timedelta(minutes=58),
        )
        cancelled = book(session, group="取消组", date=friday, docents=["docent2"])
        tours.cancel(session, cancelled.id)
        book(session, group="区外", date=friday + dt.timedelta(days=7))  # outside the period
        rows = ledger_rows(session, date_from=THURSDAY, date_to=friday, site="huarong")
    assert [r.group for r in rows] == ["省政务办调研组", "取消组"]
    book_bytes = render_ledger_xlsx(rows, THURSDAY, friday, "华容区政务服务中心")
    sheet = load_workbook(io.BytesIO(book_bytes)).active
    assert sheet is not None
    assert sheet.title == "接待台账"
    assert sheet["A1"].value == "华容区政务服务中心接待台账（2026-11-26 至 2026-11-27）"
    assert tuple(c.value for c in sheet[2]) == HEADERS
    assert [c.value for c in sheet[3]] == [
        "2026-11-26",
        "09:00–10:00\n实际 09:05–09:58",
        "省政务办调研组",
        "湖北省政务服务办",
        "重要",
        "鄂华政函〔2026〕12号",
        "政务服务大厅",
        "王丽",
        10,
        12,
        "已完成",
        "4 满意",
        "关注一网通办\n待办：补寄资料",
    ]
    assert [sheet.cell(4, n).value for n in (1, 3, 10, 11)] == [
        "2026-11-27",
        "取消组",
        None,
        "已取消",
    ]
    assert sheet.cell(6, 1).value == "共 2 批，预计 20 人；已接待 1 批，实到 12 人"
    pdf = render_ledger_pdf(rows, THURSDAY, friday, "华容区政务服务中心")
    text = pdf_text(pdf, tmp_path)
    for expected in (
        *HEADERS,
        "接待台账",
        "省政务办调研组",
        "取消组",
        "已取消",
        "4 满意",
        "第1页",
    ):
        assert expected in text, expected
    path = tmp_path / "doc.pdf"
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "WenQuanYiMicroHei" in fonts and "Helvetica" not in fonts
    width, height = map(
        float,
        subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True)
        .stdout.split("Page size:")[1]
        .split("pts")[0]
        .split(" x "),
    )
    assert width > height  # landscape


def test_a_long_ledger_repeats_its_header_on_every_page(tmp_path: Path) -> None:
    from shared.rendering.ledger import LedgerRow

    rows = [
        LedgerRow(
            "2026-11-26",
            "09:00–10:00",
            f"团组{n}",
            "单位",
            "一般",
            "",
            "政务服务大厅",
            "王丽",
            10,
            None,
            "已确认",
            "",
            "备注" * 20,
        )
        for n in range(60)
    ]
    text = pdf_text(render_ledger_pdf(rows, THURSDAY, THURSDAY), tmp_path)
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) > 1
    assert all("接待等级" in page for page in pages if page.strip())
    assert "团组59" in text
