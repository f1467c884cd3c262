"""``hall rating list`` and ``hall rating cases``: 好差评 from a shell, masked.

Phones show as 139****5678 and notes never show; what a citizen said is for the console's
case screen, where revealing it is audited.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from shared.cli.context import CliContext, CliError
from shared.clock import business_date, to_local, utcnow


def register(commands: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``rating`` to ``hall``."""
    group = commands.add_parser("rating", help="citizens' ratings (好差评) and their cases")
    common(group)
    sub = group.add_subparsers(dest="rating_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="ratings given over a period (contacts masked)")
    common(listing)
    listing.add_argument("--site", required=True, help="site code")
    listing.add_argument(
        "--from",
        dest="first",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="first business day (default: 30 days ago)",
    )
    listing.add_argument(
        "--to",
        dest="last",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="last business day (default: today)",
    )
    listing.add_argument("--window", type=int, metavar="N", help="only window N")
    listing.add_argument(
        "--level",
        type=int,
        choices=range(1, 6),
        action="append",
        dest="levels",
        help="only this level (5 best … 1 worst); repeatable",
    )
    listing.set_defaults(handler=rating_list)
    cases = sub.add_parser("cases", help="bad ratings' cases not closed yet, soonest due first")
    common(cases)
    cases.add_argument("--site", required=True, help="site code")
    cases.add_argument("--overdue", action="store_true", help="only those past their due date")
    cases.set_defaults(handler=rating_cases)


def rating_list(ctx: CliContext, args: argparse.Namespace) -> int:
    """Print the ratings of a period, oldest first."""
    from shared.services.ratings import list_ratings

    today = business_date(utcnow())
    last = args.last or today
    first = args.first or last - timedelta(days=30)
    if first > last:
        raise CliError(f"--from {first} is after --to {last}")
    with ctx.session_factory()() as session:
        rows = list_ratings(
            session, args.site, first, last, window=args.window, levels=args.levels or ()
        )
    lines = [
        "  ".join(
            part
            for part in (
                f"{to_local(v.created_at):%Y-%m-%d %H:%M}",
                f"{v.level} {v.level_name}",
                v.channel,
                v.ticket_number or "hall",
                f"window {v.window_number}" if v.window_number is not None else "",
                "、".join(v.reasons),
                v.masked_phone,
                f"case {v.case_state} due {v.case_due_on}" if v.case_state else "",
            )
            if part
        )
        for v in rows
    ]
    ctx.emit(
        {"ratings": [v.as_json() for v in rows], "count": len(rows)},
        "\n".join(lines) or f"no ratings from {first} to {last}",
    )
    return 0


def rating_cases(ctx: CliContext, args: argparse.Namespace) -> int:
    """Print the open cases, soonest due first, OVERDUE marked."""
    from shared.services.ratings import open_cases

    today = business_date(utcnow())
    with ctx.session_factory()() as session:
        rows = open_cases(session, args.site, today=today, overdue_only=args.overdue)
    lines = [
        f"{v.id}  {v.state}{' OVERDUE' if v.overdue else ''}  due {v.due_on}  "
        f"{v.level} {v.level_name}  {v.ticket_number or 'hall'}  "
        f"{'、'.join(v.reasons)}  {v.masked_phone}".rstrip()
        for v in rows
    ]
    data = [
        {
            "id": str(v.id),
            "state": v.state,
            "due_on": v.due_on.isoformat(),
            "overdue": v.overdue,
            "level": v.level,
            "ticket": v.ticket_number,
            "reasons": list(v.reasons),
            "phone": v.masked_phone,
        }
        for v in rows
    ]
    ctx.emit({"cases": data, "count": len(rows)}, "\n".join(lines) or "no open cases")
    return 0
