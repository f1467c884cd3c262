"""``hall ticket render`` and ``hall ticket verify``: the slip in each format, and its QR.

The renderers (reportlab, PIL, python-escpos) and the ticket codes are imported inside the
handlers: this module is registered on every ``hall ticket`` and ``hall queue`` run, which
mostly need neither (issue #10).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from shared.cli.context import CliContext, CliError
from shared.cli.ticket_cmd import site_code
from shared.errors import NotFound, ValidationError
from shared.services.settings import site_by_code
from shared.services.tickets import find_ticket, view

FORMATS = ("pdf", "png", "escpos")


def register_into(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``render`` and ``verify`` to the ``ticket`` group."""
    render = sub.add_parser("render", help="render a ticket as PDF, PNG or ESC/POS bytes")
    common(render)
    render.add_argument("number", help="ticket number, e.g. A001 (today's)")
    render.add_argument("--format", choices=FORMATS, required=True, dest="fmt")
    render.add_argument("--out", required=True, help="output file")
    render.add_argument("--site", help="site code (default: the district hall)")
    render.add_argument(
        "--date", type=date.fromisoformat, help="business day, YYYY-MM-DD (default: today)"
    )
    render.add_argument(
        "--raster-qr",
        action="store_true",
        help="escpos: send the QR as an image, for printers without the QR command",
    )
    render.add_argument(
        "--width-dots", type=int, default=576, help="escpos: printable width in dots"
    )
    render.set_defaults(handler=ticket_render)

    verify = sub.add_parser("verify", help="check a ticket's QR code and show the ticket")
    common(verify)
    verify.add_argument("payload", help="the scanned QR text")
    verify.set_defaults(handler=ticket_verify)


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def ticket_render(ctx: CliContext, args: argparse.Namespace) -> int:
    """Render one ticket to a file."""
    from shared.rendering import (
        EscposProfile,
        render_ticket_escpos,
        render_ticket_pdf,
        render_ticket_png,
    )
    from shared.services.ticket_codes import ticket_slip

    site = site_code(ctx, args)
    # A write transaction: the signing secret is created on first use.
    with ctx.session_factory().begin() as session:
        ticket = find_ticket(session, site=site, number=args.number, day=args.date)
        slip = ticket_slip(session, view(session, ticket))
    if args.fmt == "pdf":
        data = render_ticket_pdf(slip)
    elif args.fmt == "png":
        data = render_ticket_png(slip)
    else:
        try:
            profile = EscposProfile(native_qr=not args.raster_qr, width_dots=args.width_dots)
        except ValueError as exc:
            raise CliError(str(exc)) from exc
        data = render_ticket_escpos(slip, profile)
    out = Path(args.out)
    try:
        _write_atomically(out, data)
    except OSError as exc:
        raise CliError(f"cannot write {out}: {exc.strerror or exc}") from exc
    ctx.emit(
        {
            "number": slip.number,
            "site": slip.site_code,
            "business_date": slip.business_date.isoformat(),
            "format": args.fmt,
            "out": str(out),
            "bytes": len(data),
            "qr_payload": slip.qr_payload,
        },
        f"{slip.number} -> {out} ({args.fmt}, {len(data)} bytes)",
    )
    return 0


def ticket_verify(ctx: CliContext, args: argparse.Namespace) -> int:
    """Check a ticket code's signature; show the ticket it names. Exit 1 when forged."""
    from shared.services.ticket_codes import installation_secret, verify_payload

    with ctx.session_factory().begin() as session:
        secret = installation_secret(session)
        try:
            code = verify_payload(args.payload, secret)
        except ValidationError:
            raise CliError("invalid ticket code") from None
        try:
            site_by_code(session, code.site)
            ticket = find_ticket(
                session, site=code.site, number=code.number, day=code.business_date
            )
        except NotFound as exc:
            raise CliError(f"genuine ticket code, but {exc}") from None
        state, print_state = ticket.state, ticket.print_state
    ctx.emit(
        {
            "valid": True,
            "site": code.site,
            "business_date": code.business_date.isoformat(),
            "number": code.number,
            "state": state,
            "print_state": print_state,
        },
        f"valid: {code.site} {code.business_date} {code.number} ({state})",
    )
    return 0
