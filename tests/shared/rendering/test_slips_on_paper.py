"""Every slip on 58 and 80 mm paper, read back (issue #19, items 6 and 7).

The slips are made from the demo hall as the services make them (a ticket for 居民身份证换领,
its 补打, a closed-hall ticket, the guide slip with the hall's windows, a real published guide
in traditional characters, a priority receipt, a tour confirmation, the printer test), then:
the PDF's text and QR read back with poppler and zbar; every byte the ESC/POS rendering sends
is read as a printer would and each double-byte character checked against GB2312; no line
starts with closing punctuation; list items hang under their text; the hall's name is one line
or breaks after a place; visitors see names, not codes.
"""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PIL import Image
from pyzbar.pyzbar import decode
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.models import ServiceMatter, Ticket
from shared.rendering import EscposProfile, as_reprint
from shared.rendering.escpos_render import render_receipt_escpos
from shared.rendering.guide_slip import guide_slip_layout, slip_from_guide
from shared.rendering.layout import CLOSING, Element, Qr, Text, split_marker
from shared.rendering.pdf import render_receipt_pdf
from shared.rendering.png import render_receipt_png
from shared.rendering.printer_test_slip import PrinterTestSlip, printer_test_layout
from shared.rendering.priority_slip import priority_slip_layout
from shared.rendering.ticket import REPRINT_MARK, TicketSlip, ticket_layout
from shared.rendering.tour_slip import tour_slip_layout
from shared.services.catalog_guide import MatterGuide
from shared.services.catalog_page import load_guide_page
from shared.services.desk import reprint_slip
from shared.services.kiosk_priority import submit_request
from shared.services.ticket_codes import ticket_slip
from shared.services.tickets import issue_ticket
from shared.services.tours_docs import tour_slip
from tests.shared.services.test_tours import book
from tests.support.escpos_stream import read_stream
from tests.support.pdf import pdf_text
from tests.support.real_guides import load_guides
from tests.support.windows import open_windows_in

HALL = "华容区政务服务中心"
SITE_CODE = "huarong"
OPEN_AT = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # Thursday 10:00 in the hall
REPRINTED_AT = datetime(2026, 11, 26, 2, 35, tzinfo=UTC)  # 10:35 in the hall
PAPERS = {58: 384, 80: 576}  # paper width in mm: printable dots at 203 dpi


@dataclass(frozen=True)
class Paper:
    """A slip to print: its layout and what must read back from it."""

    kind: str
    layout: list[Element]
    expected: tuple[str, ...]
    qr: str | None


def _real_guide(index: int) -> MatterGuide:
    """A real published guide (tests/fixtures/guides) as the catalog reads one."""
    raw = load_guides()[index]
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for material in raw["materials"]:
        groups.setdefault(material["group"], []).append(
            {k: material[k] for k in ("name", "quantity", "form", "required", "note")}
        )
    return MatterGuide(
        code=raw["code"] or f"RG-{index}",
        name=raw["name"],
        department=raw["department"] or "综合受理窗口",
        department_code="rg",
        queue_prefix="A",
        location=raw["location"],
        hours=raw["hours"],
        conditions=raw["conditions"],
        materials=tuple(
            {"title": title, "rule": "all", "items": items} for title, items in groups.items()
        ),
        steps=tuple(raw["steps"]),
        fee=raw["fee"],
        phone=raw["consult_phone"],
        source_url=raw["source"]["url"],
    )


def _ticket(session: Session) -> tuple[TicketSlip, str]:
    code = session.scalars(
        select(ServiceMatter.code).where(ServiceMatter.name == "居民身份证换领")
    ).one()
    open_windows_in(session, [19], now=OPEN_AT)
    for key in ("a", "b", "c"):
        issue_ticket(session, site=SITE_CODE, queue="D", request_key=key, now=OPEN_AT)
    view = issue_ticket(session, site=SITE_CODE, queue="D", matter=code, now=OPEN_AT)
    return ticket_slip(session, view), view.number


@pytest.fixture
def papers(sqlite_factory: sessionmaker[Session]) -> dict[str, Paper]:
    """Every slip kind the hall prints, made by the services from the demo hall."""
    with sqlite_factory.begin() as session:
        ticket, number = _ticket(session)
        reprint = reprint_slip(session, session.scalars(_ticket_id(number)).one(), now=REPRINTED_AT)
        closed = view_closed(session)
        guide = load_guide_page(session, _code(session, "居民身份证换领"), SITE_CODE, None).slip
        request = submit_request(
            session,
            site=SITE_CODE,
            kind="home_visit",
            visitor="elderly",
            name="张三",
            phone="13912345678",
            address="华容镇新华路12号",
            matter=_code(session, "居民身份证换领"),
            preferred="2026-11-27 am",
            now=OPEN_AT,
        ).slip
        tour = tour_slip(
            session,
            book(
                session,
                group="省政务办“一网通办”调研组",
                route="both",
                end="10:30",
                level="重要",
                letter="鄂华政函〔2026〕12号",
                docents=["docent1", "docent2"],
                visitors=25,
            ).short_id,
        )
    traditional = slip_from_guide(_real_guide(18), HALL)
    test = PrinterTestSlip(
        HALL, SITE_CODE, "kiosk-01", "一楼大厅入口", "escpos-usb 0x0416", OPEN_AT
    )
    return {
        "ticket": Paper(
            "ticket", ticket_layout(ticket), (number, "居民身份证换领"), ticket.qr_payload
        ),
        "reprint": Paper(
            "reprint",
            ticket_layout(reprint.slip),
            (REPRINT_MARK, "补打时间：2026-11-26 10:35", number),
            reprint.slip.qr_payload,
        ),
        "closed": Paper("closed", ticket_layout(closed), ("窗口暂未开放",), closed.qr_payload),
        "guide": Paper(
            "guide",
            guide_slip_layout(guide),
            ("居民身份证换领", "本中心窗口：19至22号窗口（一楼公安户政区）"),
            guide.qr_payload,
        ),
        "traditional guide": Paper(
            "traditional guide",
            guide_slip_layout(traditional),
            ("國民身分證遺失", "戶口名簿"),
            traditional.qr_payload,
        ),
        "priority": Paper(
            "priority", priority_slip_layout(request), (request.reference, "张*"), None
        ),
        "tour": Paper(
            "tour",
            tour_slip_layout(tour),
            ("省政务办“一网通办”调研组", "鄂华政函〔2026〕12号"),
            tour.qr_payload,
        ),
        "printer test": Paper(
            "printer test", printer_test_layout(test), ("kiosk-01",), test.qr_payload
        ),
    }


def _ticket_id(number: str) -> Any:
    return select(Ticket.id).where(Ticket.number == number)


def _code(session: Session, name: str) -> str:
    return session.scalars(select(ServiceMatter.code).where(ServiceMatter.name == name)).one()


def view_closed(session: Session) -> TicketSlip:
    """A ticket issued at the desk after hours: no window open, the next opening dated."""
    night = datetime(2026, 11, 26, 13, 0, tzinfo=UTC)  # 21:00 in the hall
    view = issue_ticket(
        session, site=SITE_CODE, queue="A", channel="desk", override_hours=True, now=night
    )
    return ticket_slip(session, view)


def _flat(text: str) -> str:
    return "".join(text.split())


def _qr_codes(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "slip.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", "-singlefile", str(path), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    with Image.open(tmp_path / "page.png") as image:
        return [symbol.data.decode("ascii") for symbol in decode(image)]


def _each(papers: dict[str, Paper]) -> Iterator[tuple[Paper, int, int]]:
    for paper in papers.values():
        for mm, dots in PAPERS.items():
            yield paper, mm, dots


def test_every_slip_reads_back_from_the_pdf_on_58_and_80_mm(
    papers: dict[str, Paper], tmp_path: Path
) -> None:
    for paper, mm, _dots in _each(papers):
        data = render_receipt_pdf(paper.layout, title=paper.kind, paper_mm=mm)
        box = pypdf.PdfReader(io.BytesIO(data)).pages[0].mediabox
        assert float(box.width) == pytest.approx(mm / 25.4 * 72), paper.kind
        text = pdf_text(data, tmp_path)
        for expected in paper.expected:
            assert _flat(expected) in _flat(text), (paper.kind, mm, expected)
        assert _qr_codes(data, tmp_path) == ([paper.qr] if paper.qr else []), (paper.kind, mm)


def test_every_byte_every_slip_sends_is_gb2312_and_fits_the_paper(papers: dict[str, Paper]) -> None:
    """The GB2312 check over every byte a ticket (and every other slip) sends: each double-byte
    character is inside GB2312, no line is wider than the paper, the QR carries the code."""
    double_bytes = 0
    for paper, _mm, dots in _each(papers):
        for native_qr in (True, False):
            profile = EscposProfile(width_dots=dots, native_qr=native_qr)
            printout = read_stream(render_receipt_escpos(paper.layout, profile))
            double_bytes += printout.double_bytes
            for line, used in printout.columns_used():
                assert used <= profile.columns, (paper.kind, dots, line)
            printed = _flat("".join(printout.lines))
            for expected in paper.expected:
                if paper.kind != "traditional guide":
                    assert _flat(expected.replace("–", "-")) in printed, (paper.kind, expected)
            if paper.qr and native_qr:
                assert printout.qr_payloads == [paper.qr.encode("ascii")]
            if paper.qr and not native_qr:
                found = [s.data.decode("ascii") for s in decode(printout.images[0].convert("L"))]
                assert found == [paper.qr], paper.kind
    assert double_bytes > 5_000  # 5,260 when written


def test_characters_outside_gb2312_go_out_as_safe_equivalents(papers: dict[str, Paper]) -> None:
    # The range dash of the wait, GB18030's A8 43, is "-"; traditional characters are simplified.
    ticket = read_stream(render_receipt_escpos(papers["ticket"].layout))
    assert any(line.startswith("预计等候 ") and "-" in line for line in ticket.lines)
    traditional = read_stream(render_receipt_escpos(papers["traditional guide"].layout))
    text = _flat("".join(traditional.lines))
    assert "国民身分证遗失" in text and "户口名簿" in text and "〓" not in text
    odd = [Text("〝一网通办〞・“跨省通办” – 面积 20㎡ 𠮷")]
    (line,) = read_stream(render_receipt_escpos(odd)).text_lines
    assert line == "“一网通办”·“跨省通办” - 面积 20m2 〓"


def test_a_raster_text_printer_gets_the_rare_character_drawn(tmp_path: Path) -> None:
    layout: list[Element] = [
        Text("团组：𠮷祥村考察团", marker="团组："),
        Text("预计等候 5–10 分钟"),
    ]
    profile = EscposProfile(width_dots=384, raster_text=True)
    printout = read_stream(render_receipt_escpos(layout, profile))
    assert printout.text_lines == ["预计等候 5-10 分钟"]  # only the line that needs it
    (image,) = printout.images
    assert image.width == 384 and image.getbbox() is not None
    # Drawn in the slip's fonts: the same strip as the PNG preview draws, not 〓 nor a box.
    ink = image.convert("L").point(lambda v: 255 - v).getbbox()
    assert ink is not None and ink[2] - ink[0] > 8 * 24  # nine characters' worth of width


def test_no_line_starts_with_closing_punctuation(papers: dict[str, Paper], tmp_path: Path) -> None:
    for paper, mm, dots in _each(papers):
        lines = pdf_text(render_receipt_pdf(paper.layout, paper_mm=mm), tmp_path).splitlines()
        escpos = read_stream(render_receipt_escpos(paper.layout, EscposProfile(width_dots=dots)))
        for line in [*lines, *escpos.lines]:
            _marker, body = split_marker(line.strip())  # a list's bullet is no punctuation
            assert not body or body[0] not in CLOSING, (paper.kind, mm, line)


def _word_boxes(pdf: bytes, tmp_path: Path) -> list[list[tuple[float, str]]]:
    """The PDF's lines as (x, word) lists, from pdftotext's bounding boxes."""
    path = tmp_path / "boxes.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    lines = []
    for block in re.findall(r"<line[^>]*>(.*?)</line>", html, re.DOTALL):
        words = re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]*)</word>', block)
        lines.append([(float(x), word) for x, word in words])
    return lines


def test_wrapped_material_lines_stand_under_the_text(
    papers: dict[str, Paper], tmp_path: Path
) -> None:
    long_item = {"name": "居民户口簿（户主页及本人页）及其他能够证明本人身份的有效证件", "copy": 1}
    for mm, dots in PAPERS.items():
        slip = dataclasses.replace(_bare_ticket(), materials=(long_item,))
        lines = _word_boxes(render_receipt_pdf(ticket_layout(slip), paper_mm=mm), tmp_path)
        start = next(i for i, words in enumerate(lines) if words[0][1] == "□")
        text_x = lines[start][1][0]  # where the item's text begins, after the box
        assert lines[start + 1][0][0] == pytest.approx(text_x, abs=0.6), mm
        escpos = read_stream(
            render_receipt_escpos(ticket_layout(slip), EscposProfile(width_dots=dots))
        )
        at = next(i for i, line in enumerate(escpos.lines) if line.startswith("□ "))
        assert escpos.lines[at + 1].startswith("   ") and escpos.lines[at + 1][3] != " "


def _bare_ticket() -> TicketSlip:
    return TicketSlip(
        hall_name=HALL,
        site_code=SITE_CODE,
        number="D004",
        queue_name="公安户政",
        people_ahead=3,
        wait_minutes=(5, 10),
        issued_at=OPEN_AT,
        business_date=date(2026, 11, 26),
        matter_name="居民身份证换领",
    )


@pytest.mark.parametrize(
    ("name", "lines_58"),
    [
        ("华容区政务服务中心", ["华容区政务服务中心"]),
        ("武汉新城分中心", ["武汉新城分中心"]),
        ("华容区政务服务中心24小时政务自助服务区", ["华容区政务服务中心", "24小时政务自助服务区"]),
    ],
)
def test_the_hall_name_fits_58_and_80_mm(name: str, lines_58: list[str], tmp_path: Path) -> None:
    """One line where it fits (smaller or narrower letters first), else a break after 中心;
    never 华容区政务服务中 / 心."""
    layout = ticket_layout(dataclasses.replace(_bare_ticket(), hall_name=name))
    pdf = pdf_text(render_receipt_pdf(layout, paper_mm=58), tmp_path).splitlines()
    assert pdf[: len(lines_58)] == lines_58
    escpos = read_stream(render_receipt_escpos(layout, EscposProfile(width_dots=384)))
    assert escpos.text_lines[: len(lines_58)] == lines_58
    # 80 mm: the printer's 48 columns take even the long name in narrower letters.
    assert read_stream(render_receipt_escpos(layout)).text_lines[0] == name
    wide = pdf_text(render_receipt_pdf(layout), tmp_path).splitlines()
    assert wide[: len(lines_58)] == lines_58


def test_a_character_outside_the_font_is_drawn_never_blank(tmp_path: Path) -> None:
    from shared.rendering.fonts import REPLACEMENT, fallback_face

    assert fallback_face() is not None, "install fonts-babelstone-han (scripts/setup.sh)"
    layout: list[Element] = [Text("团组：𠮷祥村考察团"), Text("代码\U000f0001")]
    pdf = render_receipt_pdf(layout, paper_mm=58)
    text = pdf_text(pdf, tmp_path)
    assert "团组：𠮷祥村考察团" in text  # the second font, and its text reads back
    assert f"代码{REPLACEMENT}" in text  # no font has it: the visible mark
    fonts = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    assert any("BabelStone" in str(f.get_object()["/BaseFont"]) for f in fonts.values())

    def ink(text: str) -> Image.Image:
        image = Image.open(io.BytesIO(render_receipt_png([Text(text)], paper_mm=58)))
        return image.crop(image.point(lambda v: 255 - v).getbbox())

    drawn = ink("𠮷")
    assert drawn.width > 10 and drawn.height > 10  # a glyph, not a blank
    assert drawn.tobytes() != ink("\U000f0001").tobytes()  # not the mark either
    assert ink("\U000f0001").tobytes() == ink(REPLACEMENT).tobytes()


def test_citizens_read_names_never_codes(papers: dict[str, Paper], tmp_path: Path) -> None:
    for kind in ("ticket", "reprint", "closed", "guide", "priority", "tour"):
        paper = papers[kind]
        text = pdf_text(render_receipt_pdf(paper.layout), tmp_path)
        assert SITE_CODE not in text, kind
        printed = "".join(read_stream(render_receipt_escpos(paper.layout)).lines)
        assert SITE_CODE not in printed, kind
    ticket_text = pdf_text(render_receipt_pdf(papers["ticket"].layout), tmp_path)
    assert f"{HALL} · 2026-11-26" in ticket_text


def test_a_reprint_says_so_with_the_time(papers: dict[str, Paper], tmp_path: Path) -> None:
    first = pdf_text(render_receipt_pdf(papers["ticket"].layout), tmp_path)
    again = pdf_text(render_receipt_pdf(papers["reprint"].layout), tmp_path)
    assert REPRINT_MARK not in first and "补打时间" not in first
    assert REPRINT_MARK in again and "补打时间：2026-11-26 10:35" in again
    assert [q.payload for q in papers["ticket"].layout if isinstance(q, Qr)] == [
        q.payload for q in papers["reprint"].layout if isinstance(q, Qr)
    ]
    marked = as_reprint(_bare_ticket(), REPRINTED_AT)
    assert marked.reprinted_at == REPRINTED_AT and marked.number == "D004"


def test_a_printer_is_set_to_draw_rare_characters_by_its_settings() -> None:
    from shared.errors import ValidationError
    from shared.printing.config import printer_from_config, validate_printer_config

    config = {"kind": "escpos-network", "host": "127.0.0.1", "raster_text": True}
    assert validate_printer_config(config)["raster_text"] is True
    printer = printer_from_config(config)
    assert printer is not None and printer.profile.raster_text
    with pytest.raises(ValidationError):
        validate_printer_config(config | {"raster_text": "yes"})
