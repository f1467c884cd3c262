"""``hall calendar list|add|remove``: holidays, 调休 working days and extended hours (issue #9).

The calendar holds dated exceptions to a site's weekly hours, hall-wide or for one site; the
kiosk, tours and priority service read it to name the next opening correctly across a holiday.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any

from shared.cli.context import CliContext, CliError
from shared.services import holidays
from shared.services.holidays import CalendarEntry
from shared.services.org.workbook_format import parse_date

CLI_ACTOR = "cli"


def register(commands: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the commands to ``hall``."""
    calendar = commands.add_parser("calendar", help="holiday calendar: 休息, 调休上班, 延时服务")
    common(calendar)
    sub = calendar.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)

    listing = sub.add_parser("list", help="calendar entries, by date")
    common(listing)
    listing.add_argument("--site", help="this site's entries and the hall-wide ones")
    listing.add_argument("--from", dest="first", metavar="DATE", help="YYYY-MM-DD")
    listing.add_argument("--to", dest="last", metavar="DATE", help="YYYY-MM-DD")
    listing.set_defaults(handler=calendar_list)

    add = sub.add_parser(
        "add",
        help="add or replace the entry of one date",
        description="A holiday closes the day; a workday (调休上班) opens it with the usual "
        "working-day sessions unless --session is given; extended (延时服务) adds sessions.",
    )
    common(add)
    add.add_argument("date", metavar="DATE", help="YYYY-MM-DD")
    add.add_argument(
        "--kind", required=True, help="holiday|workday|extended (or 休息/调休上班/延时服务)"
    )
    add.add_argument("--name", default="", help="e.g. 国庆节")
    add.add_argument("--site", help="for this site only (else hall-wide)")
    add.add_argument(
        "--session",
        action="append",
        default=[],
        metavar="HH:MM-HH:MM",
        help="a session of that day (repeat for more)",
    )
    add.set_defaults(handler=calendar_add)

    remove = sub.add_parser("remove", help="remove the entry of one date")
    common(remove)
    remove.add_argument("date", metavar="DATE")
    remove.add_argument("--site", help="the site's entry (else the hall-wide one)")
    remove.set_defaults(handler=calendar_remove)


def _date(text: str | None) -> date | None:
    return parse_date(text) if text else None


def _session(text: str) -> list[str]:
    start, sep, end = text.partition("-")
    if not sep:
        raise CliError(f"--session {text!r}: write HH:MM-HH:MM")
    return [start.strip(), end.strip()]


def as_json(entry: CalendarEntry) -> dict[str, Any]:
    """An entry as the CLI prints it with ``--json``."""
    return {
        "date": entry.day.isoformat(),
        "site": entry.site_code,
        "kind": entry.kind,
        "kind_zh": entry.kind_zh,
        "name": entry.name,
        "sessions": [f"{a}-{b}" for a, b in entry.sessions],
    }


def line(entry: CalendarEntry) -> str:
    """``2026-10-01  all sites  holiday 节假日休息  国庆节  sessions``."""
    sessions = ", ".join(f"{a}-{b}" for a, b in entry.sessions)
    return (
        f"{entry.day.isoformat()}  {entry.site_code or 'all sites':<14} {entry.kind:<9}"
        f" {entry.kind_zh}  {entry.name}  {sessions}".rstrip()
    )


def calendar_list(ctx: CliContext, args: argparse.Namespace) -> int:
    """List entries."""
    with ctx.session_factory()() as session:
        entries = holidays.list_days(
            session, first=_date(args.first), last=_date(args.last), site=args.site
        )
    ctx.emit([as_json(e) for e in entries], "\n".join(line(e) for e in entries) or "no entries")
    return 0


def calendar_add(ctx: CliContext, args: argparse.Namespace) -> int:
    """Add or replace one date's entry."""
    day = parse_date(args.date)
    sessions = [_session(s) for s in args.session]
    with ctx.session_factory().begin() as session:
        entry = holidays.set_day(
            session,
            day=day,
            kind=args.kind,
            name=args.name,
            sessions=sessions,
            site=args.site,
            actor=CLI_ACTOR,
        )
    ctx.emit(as_json(entry), f"set {line(entry)}")
    return 0


def calendar_remove(ctx: CliContext, args: argparse.Namespace) -> int:
    """Remove one date's entry."""
    day = parse_date(args.date)
    with ctx.session_factory().begin() as session:
        holidays.remove_day(session, day=day, site=args.site, actor=CLI_ACTOR)
    where = args.site or "all sites"
    ctx.emit(
        {"date": day.isoformat(), "site": args.site, "removed": True}, f"removed {day} ({where})"
    )
    return 0
