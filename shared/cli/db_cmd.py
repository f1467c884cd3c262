"""``hall init-db`` and ``hall doctor``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from shared.cli.context import CliContext, masked_url
from shared.cli.terminal_cmd import terminal_line
from shared.db import current_revision, head_revision, ping, upgrade
from shared.models import Department, Queue, ServiceMatter, Site, Staff, Window, matter_sites
from shared.services.terminals import TerminalInfo, list_terminals


def register(commands: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the commands to ``hall``."""
    init = commands.add_parser("init-db", help="create or upgrade the database schema")
    common(init)
    init.set_defaults(handler=init_db)
    doctor_parser = commands.add_parser("doctor", help="check the database and count records")
    common(doctor_parser)
    doctor_parser.set_defaults(handler=doctor)


def init_db(ctx: CliContext, _args: argparse.Namespace) -> int:
    """Create or upgrade the schema."""
    engine = ctx.engine()
    before = current_revision(engine)
    upgrade(engine)
    after = current_revision(engine)
    ctx.emit(
        {"database": masked_url(ctx.resolved_url), "from": before, "revision": after},
        f"database {masked_url(ctx.resolved_url)} at revision {after}"
        + ("" if before == after else f" (was {before or 'empty'})"),
    )
    return 0


def doctor(ctx: CliContext, _args: argparse.Namespace) -> int:
    """Report reachability, schema revision and record counts; exit 1 when unhealthy."""
    engine = ctx.engine()
    report: dict[str, Any] = {
        "database": {
            "url": masked_url(ctx.resolved_url),
            "backend": engine.dialect.name,
            "reachable": False,
            "revision": None,
            "head": head_revision(),
        }
    }
    db = report["database"]
    try:
        ping(engine)
        db["reachable"] = True
        db["revision"] = current_revision(engine)
    except Exception as exc:
        db["error"] = str(exc).strip().splitlines()[0]
    db["up_to_date"] = db["revision"] == db["head"]
    terminals: list[TerminalInfo] = []
    if db["up_to_date"]:
        factory = ctx.session_factory(migrate=False)
        with factory() as session:
            per_site = {
                code: count
                for code, count in session.execute(
                    select(Site.code, func.count(matter_sites.c.matter_id))
                    .outerjoin(matter_sites, matter_sites.c.site_id == Site.id)
                    .group_by(Site.code)
                )
            }
            report["counts"] = {
                "sites": session.scalar(select(func.count()).select_from(Site)),
                "departments": session.scalar(select(func.count()).select_from(Department)),
                "matters": session.scalar(select(func.count()).select_from(ServiceMatter)),
                "matters_per_site": per_site,
                "queues": session.scalar(select(func.count()).select_from(Queue)),
                "windows": session.scalar(select(func.count()).select_from(Window)),
                "staff": session.scalar(select(func.count()).select_from(Staff)),
            }
            # Issue #9: each terminal with its printer and how its last test print went.
            terminals = list_terminals(session)
            report["terminals"] = [t.as_json() for t in terminals]
    healthy = bool(db["reachable"] and db["up_to_date"])
    report["ok"] = healthy
    ctx.emit(report, _doctor_text(report, terminals))
    return 0 if healthy else 1


def _doctor_text(report: dict[str, Any], terminals: list[TerminalInfo]) -> str:
    db = report["database"]
    lines = [
        f"database:    {db['url']} ({db['backend']})",
        f"reachable:   {'yes' if db['reachable'] else 'NO: ' + db.get('error', '')}",
        f"schema:      {db['revision'] or 'empty'} (code expects {db['head']})"
        + ("" if db["up_to_date"] else "  -> run 'hall init-db'"),
    ]
    counts = report.get("counts")
    if counts:
        for key in ("sites", "departments", "matters", "queues", "windows", "staff"):
            lines.append(f"{key + ':':<13}{counts[key]}")
        for code, count in sorted(counts["matters_per_site"].items()):
            lines.append(f"  matters at {code}: {count}")
    if counts:
        lines.append(f"terminals:   {len(terminals)}")
        lines.extend(f"  {terminal_line(t)}" for t in terminals)
    return "\n".join(lines)
