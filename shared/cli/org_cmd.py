"""``hall org template|import|export``: a whole hall from one Excel workbook (issue #9).

IT sets up a new hall from an empty database with ``template`` → fill in Excel → ``import``;
``import`` checks every sheet first and, if anything is wrong, prints every bad cell as
``SHEET row N, COLUMN: reason`` and writes nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shared.cli.context import CliContext, CliError
from shared.cli.files import import_verb, report_refusal, run_import, writing
from shared.errors import WorkbookError
from shared.services.org import workbook

CLI_ACTOR = "cli"


def register(commands: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the commands to ``hall``."""
    org = commands.add_parser("org", help="organisation workbook: sites, queues, windows, hours")
    common(org)
    sub = org.add_subparsers(dest="org_command", metavar="ACTION", required=True)

    template = sub.add_parser("template", help="write an empty organisation workbook")
    common(template)
    template.add_argument("--out", required=True, metavar="FILE", help="F.xlsx")
    template.set_defaults(handler=org_template)

    load = sub.add_parser(
        "import",
        help="import an organisation workbook: all of it or nothing",
        description="Check every sheet first; if any cell is bad, import nothing and list "
        "each one. Otherwise create or update by code in one transaction. Queues, windows and "
        "terminals missing from the workbook are deactivated, never deleted.",
    )
    common(load)
    load.add_argument("file", metavar="FILE", help="F.xlsx")
    load.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    load.set_defaults(handler=org_import)

    export = sub.add_parser("export", help="write the current organisation as a workbook")
    common(export)
    export.add_argument("--out", required=True, metavar="FILE", help="F.xlsx")
    export.set_defaults(handler=org_export)


def _xlsx(value: str) -> Path:
    path = Path(value)
    if path.suffix.lower() != ".xlsx":
        raise CliError(f"the organisation workbook is an .xlsx file, not {path.name!r}")
    return path


def org_template(ctx: CliContext, args: argparse.Namespace) -> int:
    """Write the empty workbook."""
    path = _xlsx(args.out)
    with writing(path):
        workbook.template(path)
    ctx.emit({"file": str(path)}, f"template written: {path}")
    return 0


def org_import(ctx: CliContext, args: argparse.Namespace) -> int:
    """Import the workbook, or list every bad cell and exit 1."""
    path = _xlsx(args.file)
    try:
        report = run_import(
            ctx,
            path,
            lambda session: workbook.import_workbook(
                session, path, dry_run=args.dry_run, actor=CLI_ACTOR
            ),
            dry_run=args.dry_run,
        )
    except WorkbookError as exc:
        problems = [p.as_json() for p in exc.problems]
        return report_refusal(ctx, exc, exc.problems, problems, key="problems")
    lines = [f"{import_verb(args.dry_run)} {path.name}", *report.lines()]
    ctx.emit(report.as_json(), "\n".join(lines))
    return 0


def org_export(ctx: CliContext, args: argparse.Namespace) -> int:
    """Export the organisation."""
    path = _xlsx(args.out)
    with ctx.session_factory()() as session, writing(path):
        counts = workbook.export(session, path)
    summary = ", ".join(f"{title} {n}" for title, n in counts.items())
    ctx.emit({"file": str(path), "rows": counts}, f"exported to {path}: {summary}")
    return 0
