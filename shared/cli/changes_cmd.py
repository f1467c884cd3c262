"""``hall changes``: read or follow the change feed."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from shared.changes import ChangeFollower, ChangeRecord, changes_after, latest_revision
from shared.cli.context import CliContext
from shared.db import create_read_session_factory


def register(commands: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the command to ``hall``."""
    cmd = commands.add_parser("changes", help="print the change feed")
    common(cmd)
    cmd.add_argument("--after", type=int, help="start after this revision")
    cmd.add_argument("--last", type=int, default=20, help="without --after: the last N changes")
    cmd.add_argument("--follow", action="store_true", help="keep printing changes as they happen")
    cmd.set_defaults(handler=changes)


def _line(ctx: CliContext, record: ChangeRecord) -> None:
    ctx.emit(
        record.as_json(),
        f"{record.revision:>8}  {record.at.isoformat(timespec='seconds')}  "
        f"{record.kind:<16} {record.action:<10} {record.entity_id}",
    )


def changes(ctx: CliContext, args: argparse.Namespace) -> int:
    """Print changes after a revision; with ``--follow``, keep going until interrupted."""
    factory = create_read_session_factory(ctx.session_factory())
    after = args.after
    if after is None:
        with factory() as session:
            after = max(0, latest_revision(session) - (0 if args.follow else args.last))
    if not args.follow:
        with factory() as session:
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
