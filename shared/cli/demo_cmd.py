"""``hall seed-demo``: the demo hall at real size."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from shared.cli.context import CliContext
from shared.demo.seed import DEFAULT_SEED, seed_demo


def register(commands: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the command to ``hall``."""
    cmd = commands.add_parser("seed-demo", help="fill an empty database with the demo hall")
    common(cmd)
    cmd.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    cmd.set_defaults(handler=seed)


def seed(ctx: CliContext, args: argparse.Namespace) -> int:
    """Create the demo sites, departments, catalog, queues, windows and staff."""
    with ctx.session_factory().begin() as session:
        summary = seed_demo(session, seed=args.seed)
    ctx.emit(summary, "\n".join(f"{k}: {v}" for k, v in summary.items()))
    return 0
