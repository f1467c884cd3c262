"""``hall changes``: read or follow the change feed."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from shared.changes import (
    RESYNC,
    ChangeFollower,
    ChangeRecord,
    changes_after,
    feed_floor,
    latest_revision,
    prune_changes,
)
from shared.cli.context import CliContext
from shared.clock import utcnow
from shared.db import create_read_session_factory


def register(commands: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the command to ``hall``."""
    cmd = commands.add_parser("changes", help="print the change feed")
    common(cmd)
    cmd.add_argument("--after", type=int, help="start after this revision")
    cmd.add_argument("--last", type=int, default=20, help="without --after: the last N changes")
    cmd.add_argument("--follow", action="store_true", help="keep printing changes as they happen")
    cmd.add_argument(
        "--prune",
        action="store_true",
        help="delete changes older than the setting change_retention_days, then exit",
    )
    cmd.set_defaults(handler=changes)


def _line(ctx: CliContext, record: ChangeRecord) -> None:
    ctx.emit(
        record.as_json(),
        f"{record.revision:>8}  {record.at.isoformat(timespec='seconds')}  "
        f"{record.kind:<16} {record.action:<10} {record.entity_id}",
    )


def changes(ctx: CliContext, args: argparse.Namespace) -> int:
    """Print changes after a revision; with ``--follow``, keep going until interrupted.

    A revision behind the pruned floor prints one ``resync`` record first: the changes between
    it and the floor are gone, so a follower must reload in full.
    """
    if args.prune:
        pruned = prune_changes(ctx.session_factory())
        ctx.emit({"pruned": pruned}, f"pruned {pruned} changes older than the retention")
        return 0
    factory = create_read_session_factory(ctx.session_factory())
    after = args.after
    if after is None:
        with factory() as session:
            after = max(0, latest_revision(session) - (0 if args.follow else args.last))
    if not args.follow:
        with factory() as session:
            floor = feed_floor(session)
            if after < floor:
                _line(ctx, ChangeRecord(floor, RESYNC, "all", RESYNC, None, utcnow()))
                after = floor
            for record in changes_after(session, after, limit=100_000):
                _line(ctx, record)
        return 0
    follower = ChangeFollower(factory, after=after)
    try:
        for record in follower.follow():
            _line(ctx, record)
    finally:
        follower.close()
    return 0
