"""The PNG preview and the PDF (issue #3 item 4): the same layout, and a QR that really scans."""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image
from pyzbar.pyzbar import decode
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.models import ServiceMatter
from shared.rendering import TicketSlip, render_ticket_pdf, render_ticket_png, slip_from_view
from shared.services.ticket_codes import installation_secret, ticket_slip, verify_payload
from shared.services.tickets import issue_ticket
from tests.shared.rendering.conftest import PAYLOAD, SECRET


def _png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _decode(image: Image.Image) -> list[str]:
    return [symbol.data.decode("ascii") for symbol in decode(image)]


def _pdf_page(data: bytes, tmp_path: Path, dpi: int = 300) -> Image.Image:
    pdf = tmp_path / "ticket.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    return _png((tmp_path / "page.png").read_bytes())


def _pdftotext(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "text.pdf"
    pdf.write_bytes(data)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode("utf-8")


def test_png_is_an_80mm_receipt_at_printer_resolution(slip: TicketSlip) -> None:
    image = _png(render_ticket_png(slip))
    assert image.format == "PNG" and image.mode == "L"
    assert image.width == round(80 / 25.4 * 203)
    assert image.height > image.width  # a receipt, longer than wide
    assert round(image.info["dpi"][0]) == 203
    assert _png(render_ticket_png(slip, dpi=300)).width == round(80 / 25.4 * 300)


def test_png_qr_decodes_to_the_signed_payload(slip: TicketSlip) -> None:
    found = _decode(_png(render_ticket_png(slip)))
    assert found == [PAYLOAD]
    assert verify_payload(found[0], SECRET).number == "A001"


def test_png_qr_decodes_with_zbarimg(slip: TicketSlip, tmp_path: Path) -> None:
    path = tmp_path / "ticket.png"
    path.write_bytes(render_ticket_png(slip))
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", str(path)], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == PAYLOAD


def test_pdf_qr_decodes_to_the_signed_payload(slip: TicketSlip, tmp_path: Path) -> None:
    found = _decode(_pdf_page(render_ticket_pdf(slip), tmp_path))
    assert found == [PAYLOAD]
    assert verify_payload(found[0], SECRET).site == "huarong"


def test_png_without_qr_or_matter_is_shorter(slip: TicketSlip) -> None:
    full = _png(render_ticket_png(slip))
    bare = _png(render_ticket_png(replace(slip, qr_payload=None, matter_name=None, materials=())))
    assert bare.width == full.width and bare.height < full.height
    assert _decode(bare) == []


def test_png_draws_what_the_pdf_draws(slip: TicketSlip, tmp_path: Path) -> None:
    # Same layout, same geometry: the two pages differ by rounding only.
    png = _png(render_ticket_png(slip))
    pdf = _pdf_page(render_ticket_pdf(slip), tmp_path, dpi=203)
    assert abs(png.width - pdf.width) <= 2
    assert abs(png.height - pdf.height) <= 0.03 * pdf.height

    def ink_rows(image: Image.Image) -> int:
        grey = image.convert("L")
        width = grey.width
        data = grey.tobytes()
        rows = [data[y * width : (y + 1) * width] for y in range(grey.height)]
        return sum(1 for row in rows if min(row) < 128)

    assert abs(ink_rows(png) - ink_rows(pdf)) <= 0.05 * ink_rows(pdf)


def test_png_rendering_is_deterministic(slip: TicketSlip) -> None:
    assert render_ticket_png(slip) == render_ticket_png(slip)


def test_an_issued_ticket_renders_with_its_materials_and_a_code_that_verifies(
    seeded_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    open_at = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # Thursday 10:00 in the hall
    with seeded_factory.begin() as session:
        candidates = session.scalars(
            select(ServiceMatter)
            .where(ServiceMatter.queue_prefix == "A")  # a queue-A ticket takes an A matter
            .order_by(ServiceMatter.code)
            .limit(50)
        )
        # Materials are groups of items (issue #11).
        matter = next(m for m in candidates if len(m.materials[0]["items"]) >= 3)
        view = issue_ticket(
            session, site="huarong", queue="A", matter=matter.code, channel="desk", now=open_at
        )
        slip = ticket_slip(session, view)
        secret = installation_secret(session)
    assert slip == slip_from_view(view, None, slip.qr_payload)
    text = _pdftotext(render_ticket_pdf(slip), tmp_path)
    lines = [line.strip() for line in text.splitlines()]
    assert view.number in lines
    assert view.queue_name in lines
    assert f"办理事项：{matter.name}" in "".join(text.split())
    for material in matter.materials[0]["items"]:
        assert material["name"] in text
    for image in (_png(render_ticket_png(slip)), _pdf_page(render_ticket_pdf(slip), tmp_path)):
        (payload,) = _decode(image)
        assert payload == slip.qr_payload
        code = verify_payload(payload, secret)
        assert (code.site, code.number, code.business_date) == (
            "huarong",
            view.number,
            view.business_date,
        )
