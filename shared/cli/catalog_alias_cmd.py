"""``hall catalog aliases import|export``: the hall's aliases and synonyms for search.

Registered in :data:`shared.cli.COMMANDS` under ``catalog``: :func:`register` adds the
catalog commands of :mod:`shared.cli.catalog_cmd`, then the ``aliases`` action beside them,
so ``hall catalog …`` still imports only what the catalog commands need.

The file format and its checks are :mod:`shared.services.catalog_aliases`: an import is
all or nothing and lists every bad cell (row, column header, reason) on stderr.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from shared.cli import catalog_cmd
from shared.cli.context import CliContext
from shared.cli.files import catalog_path, import_verb, report_refusal, run_import, writing
from shared.services import catalog_aliases

CLI_ACTOR = "cli"


def _actions(parser: argparse.ArgumentParser) -> Any:
    # argparse keeps no public handle on a parser's sub-commands; the one the catalog
    # commands made is found among its actions.
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise RuntimeError("hall catalog has no sub-commands")  # never expected


def register(commands: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``hall catalog`` (from :mod:`shared.cli.catalog_cmd`) and its ``aliases`` action."""
    catalog_cmd.register(commands, common)
    actions = _actions(commands.choices["catalog"])
    aliases = actions.add_parser(
        "aliases",
        help="aliases and synonyms that search understands: import, export",
        description="Aliases name one matter in citizens' words (事项编码 + 俗称); synonyms "
        "say a word means another everywhere (俗称 + 对应词), adding to the shipped list.",
    )
    common(aliases)
    sub = aliases.add_subparsers(dest="aliases_command", metavar="ACTION", required=True)

    load = sub.add_parser(
        "import",
        help="import aliases and synonyms: all rows or none",
        description="Check every row first; if any is bad, import nothing and list each bad "
        "cell (header = row 1). Otherwise add new rows and update the source and note of "
        "existing ones in one transaction.",
    )
    common(load)
    load.add_argument("file", metavar="FILE", help="F.xlsx or F.csv (UTF-8 or GB18030)")
    load.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    load.add_argument(
        "--replace",
        action="store_true",
        help="also delete the hall's aliases and synonyms that are not in the file",
    )
    load.set_defaults(handler=aliases_import)

    export = sub.add_parser("export", help="write the hall's aliases and synonyms")
    common(export)
    export.add_argument("file", metavar="FILE", help="F.xlsx or F.csv")
    export.add_argument(
        "--shipped", action="store_true", help="also write the shipped synonyms, for reference"
    )
    export.set_defaults(handler=aliases_export)


def aliases_import(ctx: CliContext, args: argparse.Namespace) -> int:
    """Import a file, or list every bad cell and exit 1."""
    path = catalog_path(args.file)
    try:
        result = run_import(
            ctx,
            path,
            lambda session: catalog_aliases.import_aliases(
                session, path, replace=args.replace, actor=CLI_ACTOR
            ),
            dry_run=args.dry_run,
        )
    except catalog_aliases.AliasImportError as exc:
        return report_refusal(ctx, exc, exc.problems, [p.as_json() for p in exc.problems])
    data = result.as_json() | {"file": str(path), "dry_run": args.dry_run}
    ctx.emit(
        data,
        f"{import_verb(args.dry_run)} {path.name}: {result.rows} rows — "
        f"{result.aliases_added} new aliases, {result.synonyms_added} new synonyms, "
        f"{result.updated} updated, {result.unchanged} unchanged, {result.deleted} deleted",
    )
    return 0


def aliases_export(ctx: CliContext, args: argparse.Namespace) -> int:
    """Export the hall's aliases and synonyms."""
    path = catalog_path(args.file)
    with ctx.session_factory()() as session, writing(path):
        count = catalog_aliases.export_aliases(session, path, shipped=args.shipped)
    ctx.emit({"file": str(path), "rows": count}, f"exported {count} rows to {path}")
    return 0
