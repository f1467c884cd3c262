"""``hall tour …``: book, list, run and log tours; print slips, check in, export the ledger.

A refused booking exits 1 with the reason on one line (``error: docent docent1 already leads
…``), like every other failure of ``hall``. Tour ids are the full UUID or a unique prefix of
at least six hex digits.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shared.cli.context import CliContext, CliError
from shared.rendering.ledger import render_ledger_pdf, render_ledger_xlsx
from shared.rendering.tour_slip import render_tour_slip_pdf
from shared.services import tours
from shared.services.settings import default_site, site_by_code
from shared.services.tours_docs import check_in, ledger_rows, tour_slip


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value}") from None


def _hhmm(value: str) -> str:
    try:
        dt.time.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a time (HH:MM): {value}") from None
    return value


def register(commands: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``hall tour`` to ``hall``."""
    tour = commands.add_parser("tour", help="book, run and log tours (参观接待)")
    common(tour)
    sub = tour.add_subparsers(dest="tour_command", metavar="ACTION", required=True)

    book = sub.add_parser("book", help="book a tour (refused with the reason on a clash)")
    common(book)
    book.add_argument("--date", type=_date, required=True, help="YYYY-MM-DD (hall-local)")
    book.add_argument("--start", type=_hhmm, required=True, help="HH:MM")
    book.add_argument("--end", type=_hhmm, required=True, help="HH:MM")
    book.add_argument("--group", required=True, help="the visiting group's name")
    book.add_argument("--org", required=True, help="the group's organisation")
    book.add_argument("--visitors", type=int, required=True, help="expected head count")
    book.add_argument("--route", required=True, help="route code: hall, centre or both")
    book.add_argument(
        "--docent",
        action="append",
        dest="docents",
        metavar="USERNAME",
        help="docent (repeatable); none: pick a free docent",
    )
    book.add_argument("--level", default="一般", help="reception level (接待等级)")
    book.add_argument("--letter", default="", help="official letter reference (公函)")
    book.add_argument("--contact-name")
    book.add_argument("--contact-phone")
    book.add_argument("--notes", default="")
    book.add_argument("--extended", action="store_true", help="extended service (延时服务)")
    book.add_argument("--override-reason", help="book despite the rules (manager or admin)")
    book.add_argument("--site", help="site code (default: the district hall)")
    _as(book)
    book.set_defaults(handler=tour_book)

    listing = sub.add_parser("list", help="the tours of a day (or a range)")
    common(listing)
    listing.add_argument("--date", type=_date, required=True, dest="date_from")
    listing.add_argument("--to", type=_date, dest="date_to", help="last day (default: --date)")
    listing.add_argument("--site")
    listing.set_defaults(handler=tour_list)

    steps: dict[str, Callable[..., tours.TourView]] = {
        "confirm": tours.confirm,
        "start": tours.start,
        "cancel": tours.cancel,
        "no-show": tours.no_show,
    }
    for name, step in steps.items():
        cmd = sub.add_parser(name, help=f"{name} a tour")
        common(cmd)
        cmd.add_argument("id", help="tour id or a unique prefix (6+ hex digits)")
        if name == "cancel":
            cmd.add_argument("--reason", default="")
        _as(cmd)
        cmd.set_defaults(handler=tour_step, step=step)

    fin = sub.add_parser("finish", help="finish a tour and log it")
    common(fin)
    fin.add_argument("id")
    fin.add_argument("--actual-visitors", type=int, required=True)
    fin.add_argument("--feedback", type=int, choices=range(1, 6), help="1 (worst) to 5 (best)")
    fin.add_argument("--notes", default="")
    fin.add_argument("--follow-ups", default="")
    _as(fin)
    fin.set_defaults(handler=tour_finish)

    slip = sub.add_parser("slip", help="save the confirmation slip (PDF with the check-in QR)")
    common(slip)
    slip.add_argument("id")
    slip.add_argument("--out", required=True, help="output PDF")
    slip.set_defaults(handler=tour_slip_cmd)

    checkin = sub.add_parser("checkin", help="check a group in by its slip's scanned code")
    common(checkin)
    checkin.add_argument("payload", help="the scanned QR text")
    _as(checkin)
    checkin.set_defaults(handler=tour_checkin)

    ledger = sub.add_parser("ledger", help="the reception ledger (接待台账) as XLSX or PDF")
    common(ledger)
    ledger.add_argument("--from", type=_date, required=True, dest="date_from")
    ledger.add_argument("--to", type=_date, required=True, dest="date_to")
    ledger.add_argument("--out", required=True, help="F.xlsx or F.pdf")
    ledger.add_argument("--site")
    ledger.set_defaults(handler=tour_ledger)


def _as(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as", dest="actor", metavar="USERNAME", help="act as this staff account")


def _text(view: tours.TourView) -> str:
    docents = ",".join(u for u, _n in view.docents) or "-"
    return (
        f"{view.short_id}  {view.date} {view.local_start:%H:%M}-{view.local_end:%H:%M}  "
        f"{view.state:<11} {view.group_name} ({view.organisation})  {view.route_code}  "
        f"{view.expected_visitors} visitors  docent {docents}  level {view.level}"
    )


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from exc


def tour_book(ctx: CliContext, args: argparse.Namespace) -> int:
    """Book a tour; exit 1 with the reason when a rule refuses it."""
    with ctx.session_factory().begin() as session:
        site = args.site or default_site(session).code
        view = tours.book_tour(
            session,
            site=site,
            date=args.date,
            start=args.start,
            end=args.end,
            group=args.group,
            org=args.org,
            visitors=args.visitors,
            route=args.route,
            docents=args.docents,
            level=args.level,
            letter=args.letter,
            contact_name=args.contact_name,
            contact_phone=args.contact_phone,
            extended=args.extended,
            notes=args.notes,
            override_reason=args.override_reason,
            actor=args.actor,
        )
    ctx.emit(view.as_json(), f"booked {_text(view)}")
    return 0


def tour_list(ctx: CliContext, args: argparse.Namespace) -> int:
    """List the tours of the days asked."""
    with ctx.session_factory()() as session:
        if args.site:
            site_by_code(session, args.site)
        views = tours.list_tours(
            session, site=args.site, date_from=args.date_from, date_to=args.date_to
        )
    ctx.emit([v.as_json() for v in views], "\n".join(_text(v) for v in views) or "no tours")
    return 0


def tour_step(ctx: CliContext, args: argparse.Namespace) -> int:
    """Confirm, start, cancel or mark a tour no-show."""
    extra: dict[str, Any] = {"reason": args.reason} if hasattr(args, "reason") else {}
    with ctx.session_factory().begin() as session:
        view = args.step(session, args.id, actor=args.actor, **extra)
    ctx.emit(view.as_json(), _text(view))
    return 0


def tour_finish(ctx: CliContext, args: argparse.Namespace) -> int:
    """Finish a tour with its log."""
    with ctx.session_factory().begin() as session:
        view = tours.finish(
            session,
            args.id,
            actual_visitors=args.actual_visitors,
            feedback=args.feedback,
            notes=args.notes,
            follow_ups=args.follow_ups,
            actor=args.actor,
        )
    ctx.emit(view.as_json(), _text(view))
    return 0


def tour_slip_cmd(ctx: CliContext, args: argparse.Namespace) -> int:
    """Save a tour's confirmation slip as PDF."""
    # A write transaction: the signing secret is created on first use.
    with ctx.session_factory().begin() as session:
        slip = tour_slip(session, args.id)
    data = render_tour_slip_pdf(slip)
    out = Path(args.out)
    _write(out, data)
    ctx.emit(
        {"id": slip.ref, "out": str(out), "bytes": len(data), "qr_payload": slip.qr_payload},
        f"{slip.ref} -> {out} ({len(data)} bytes)",
    )
    return 0


def tour_checkin(ctx: CliContext, args: argparse.Namespace) -> int:
    """Check a group in by its slip's code; exit 1 for a forged or stale code."""
    with ctx.session_factory().begin() as session:
        view = check_in(session, args.payload, actor=args.actor)
    ctx.emit(view.as_json(), f"checked in: {_text(view)}")
    return 0


def tour_ledger(ctx: CliContext, args: argparse.Namespace) -> int:
    """Write the reception ledger for a date range (format from the file's extension)."""
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise CliError(f"--out must end in .xlsx or .pdf: {out}")
    with ctx.session_factory()() as session:
        site = site_by_code(session, args.site) if args.site else default_site(session)
        rows = ledger_rows(session, date_from=args.date_from, date_to=args.date_to, site=site.code)
        hall_name = site.name
    render = render_ledger_xlsx if suffix == ".xlsx" else render_ledger_pdf
    data = render(rows, args.date_from, args.date_to, hall_name)
    _write(out, data)
    ctx.emit(
        {"out": str(out), "tours": len(rows), "bytes": len(data)},
        f"{len(rows)} tours -> {out} ({len(data)} bytes)",
    )
    return 0
