"""``hall priority list`` and ``hall privacy purge``: priority requests from a shell.

The list shows masked data only (138****1234, 张*); nothing here reveals a contact. The purge
erases personal fields of requests closed longer ago than the retention period and then
compacts the database so the old bytes leave the file (see :mod:`shared.services.privacy`).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from shared.cli.context import CliContext
from shared.clock import to_local
from shared.models.priority import REQUEST_KINDS, REQUEST_STATES
from shared.services.priority import RequestView, list_requests
from shared.services.privacy import purge_personal_data


def register(commands: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``priority`` and ``privacy`` to ``hall``."""
    group = commands.add_parser("priority", help="priority-service requests (优先服务)")
    common(group)
    sub = group.add_subparsers(dest="priority_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="list requests (personal data masked)")
    common(listing)
    listing.add_argument("--state", choices=REQUEST_STATES, action="append", dest="states")
    listing.add_argument("--kind", choices=REQUEST_KINDS)
    listing.add_argument("--site", help="site code (default: every site)")
    listing.add_argument("--limit", type=int, default=500)
    listing.set_defaults(handler=priority_list)

    privacy = commands.add_parser("privacy", help="personal data retention")
    common(privacy)
    psub = privacy.add_subparsers(dest="privacy_command", metavar="ACTION", required=True)
    purge = psub.add_parser(
        "purge", help="erase personal data of requests closed longer ago than the retention"
    )
    common(purge)
    purge.add_argument(
        "--older-than-days",
        type=int,
        metavar="N",
        help="retention in days (default: the privacy_retention_days setting, 180)",
    )
    purge.set_defaults(handler=privacy_purge)


def _line(view: RequestView) -> str:
    waited = f"{view.waited_seconds // 60} min"
    parts = [
        view.reference,
        view.kind,
        view.visitor,
        view.state + (" OVERDUE" if view.overdue else ""),
        f"{to_local(view.created_at):%Y-%m-%d %H:%M}",
        f"waited {waited}",
    ]
    parts += [p for p in (view.masked_name, view.masked_phone, view.preferred_text) if p]
    return "  ".join(parts)


def priority_list(ctx: CliContext, args: argparse.Namespace) -> int:
    """Print requests in inbox order, masked."""
    with ctx.session_factory()() as session:
        rows = list_requests(
            session, site=args.site, states=args.states, kind=args.kind, limit=args.limit
        )
    text = "\n".join(_line(v) for v in rows) or "no requests"
    ctx.emit({"requests": [v.as_json() for v in rows], "count": len(rows)}, text)
    return 0


def privacy_purge(ctx: CliContext, args: argparse.Namespace) -> int:
    """Purge and compact; prints what was erased."""
    result = purge_personal_data(ctx.session_factory(), older_than_days=args.older_than_days)
    ctx.emit(
        result.as_json(),
        f"purged {result.requests} requests, {result.notes} notes and {result.ratings} ratings'"
        f" contacts closed before "
        f"{to_local(result.cutoff):%Y-%m-%d %H:%M} (retention {result.older_than_days} days)"
        + ("" if result.scrubbed else "; the database file could not be fully compacted"),
    )
    return 0
