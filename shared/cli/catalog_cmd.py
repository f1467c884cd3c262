"""``hall catalog template|import|export|search|show``: the service-matter catalog from a shell.

IT loads the catalog from Excel: ``template`` writes the columns with one example row (the
XLSX has a second sheet explaining each column), ``import`` checks the whole file and loads
all of it or nothing, ``export`` writes what is there in the same form.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shared.cli.context import CliContext, CliError
from shared.services import catalog_io
from shared.services.catalog import get_guide, search_matters
from shared.services.settings import site_by_code

CLI_ACTOR = "cli"


def register(commands: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the commands to ``hall``."""
    catalog = commands.add_parser("catalog", help="service-matter catalog: import, search, show")
    common(catalog)
    sub = catalog.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)

    template = sub.add_parser("template", help="write an import template (.xlsx or .csv)")
    common(template)
    template.add_argument("--out", required=True, metavar="FILE", help="F.xlsx or F.csv")
    template.set_defaults(handler=catalog_template)

    load = sub.add_parser(
        "import",
        help="import a catalog file: all rows or none",
        description="Check every row first; if any is bad, import nothing and list each bad "
        "row (header = row 1). Otherwise insert new codes and update existing ones in one "
        "transaction. Matters not in the file are left as they are.",
    )
    common(load)
    load.add_argument("file", metavar="FILE", help="F.xlsx or F.csv (UTF-8 or GB18030)")
    load.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    load.set_defaults(handler=catalog_import)

    export = sub.add_parser("export", help="write the whole catalog (.xlsx or .csv)")
    common(export)
    export.add_argument("file", metavar="FILE")
    export.set_defaults(handler=catalog_export)

    search = sub.add_parser("search", help="search by Chinese, pinyin or pinyin initials")
    common(search)
    search.add_argument("query")
    search.add_argument("--site", help="only matters offered at this site code")
    search.add_argument("--limit", type=int, default=20)
    search.set_defaults(handler=catalog_search)

    show = sub.add_parser("show", help="a matter's full guide")
    common(show)
    show.add_argument("code")
    show.set_defaults(handler=catalog_show)


def _path(value: str) -> Path:
    path = Path(value)
    if path.suffix.lower() not in catalog_io.FORMATS:
        raise CliError(f"unsupported file type {path.name!r}: use .xlsx or .csv")
    return path


def catalog_template(ctx: CliContext, args: argparse.Namespace) -> int:
    """Write the template."""
    path = _path(args.out)
    try:
        catalog_io.write_template(path)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from exc
    ctx.emit({"file": str(path), "columns": len(catalog_io.COLUMNS)}, f"template written: {path}")
    return 0


def catalog_import(ctx: CliContext, args: argparse.Namespace) -> int:
    """Import a file, or list every bad row and exit 1."""
    path = _path(args.file)
    if not path.is_file():
        raise CliError(f"no such file: {path}")
    factory = ctx.session_factory()
    try:
        with factory() as session:
            result = catalog_io.import_catalog(session, path, actor=CLI_ACTOR)
            if args.dry_run:
                session.rollback()
            else:
                session.commit()
    except catalog_io.CatalogImportError as exc:
        if ctx.json:
            ctx.emit(
                {
                    "ok": False,
                    "error": str(exc),
                    "errors": [{"row": p.row, "message": p.message} for p in exc.problems],
                }
            )
        else:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
        print(f"error: {exc}", file=sys.stderr)
        return 1
    data = result.as_json() | {"file": str(path), "dry_run": args.dry_run}
    verb = "checked (dry run, nothing written)" if args.dry_run else "imported"
    ctx.emit(
        data,
        f"{verb} {path.name}: {data['rows']} rows — {data['inserted']} new, "
        f"{data['updated']} updated, {data['unchanged']} unchanged; "
        "matters not in the file were left as they are",
    )
    return 0


def catalog_export(ctx: CliContext, args: argparse.Namespace) -> int:
    """Export the catalog."""
    path = _path(args.file)
    with ctx.session_factory()() as session:
        try:
            count = catalog_io.export_catalog(session, path)
        except OSError as exc:
            raise CliError(f"cannot write {path}: {exc.strerror or exc}") from exc
    ctx.emit({"file": str(path), "matters": count}, f"exported {count} matters to {path}")
    return 0


def catalog_search(ctx: CliContext, args: argparse.Namespace) -> int:
    """Search the catalog."""
    if args.limit < 1:
        raise CliError("--limit must be at least 1")
    with ctx.session_factory()() as session:
        if args.site:
            site_by_code(session, args.site)
        hits = search_matters(session, args.query, site=args.site, limit=args.limit)
    lines = [f"{h.code}  {h.name}  [{h.department}, queue {h.queue_prefix}]" for h in hits]
    ctx.emit([h.as_json() for h in hits], "\n".join(lines) or "no matches")
    return 0


def catalog_show(ctx: CliContext, args: argparse.Namespace) -> int:
    """Print a matter's guide."""
    with ctx.session_factory()() as session:
        guide = get_guide(session, args.code)
    data = guide.as_json()
    materials = "；".join(
        f"{m['name']}(原件{m.get('original', 0)},复印件{m.get('copy', 0)})" for m in guide.materials
    )
    text = "\n".join(
        [
            f"{guide.code}  {guide.name}{'' if guide.active else '  (inactive)'}",
            f"department: {guide.department}   type: {guide.matter_type}",
            f"sites: {', '.join(c for c, _ in guide.sites)}   queue: {guide.queue_prefix}"
            f"   window: {guide.location}",
            f"time limit: legal {guide.legal_limit_text}, promised {guide.promised_limit_text}",
            f"fee: {guide.fee}   visits: {guide.visits}   phone: {guide.phone}",
            f"conditions: {guide.conditions}",
            f"materials: {materials}",
            f"steps: {' → '.join(guide.steps)}",
            f"online: {guide.online_url}",
        ]
    )
    ctx.emit(data, text)
    return 0
