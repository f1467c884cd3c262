"""``hall catalog template|import|export|search|show|slip``: the service-matter catalog from a
shell.

IT loads the catalog from Excel: ``template`` writes the workbook (事项, 材料, 流程, 一件事
and a 填写说明 sheet; or the single-sheet CSV) with example rows the import refuses,
``import`` checks the whole file and loads all of it or nothing, ``export`` writes what is
there in the same form. ``show`` prints a guide as the kiosk shows it (请咨询窗口 where
nothing was published); ``slip`` renders its guide slip to a PDF.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shared.cli.context import CliContext, CliError
from shared.cli.files import catalog_path, import_verb, report_refusal, run_import, writing
from shared.services import catalog_io
from shared.services.catalog import get_guide, search_matters
from shared.services.settings import site_by_code

CLI_ACTOR = "cli"


def register(commands: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the commands to ``hall``."""
    catalog = commands.add_parser("catalog", help="service-matter catalog: import, search, show")
    common(catalog)
    sub = catalog.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)

    template = sub.add_parser(
        "template",
        help="write an import template (.xlsx workbook or single-sheet .csv)",
        description="The template's example rows (codes starting with 示例) are refused by "
        "import: delete them or replace them with real matters.",
    )
    common(template)
    template.add_argument("--out", required=True, metavar="FILE", help="F.xlsx or F.csv")
    template.set_defaults(handler=catalog_template)

    load = sub.add_parser(
        "import",
        help="import a catalog file: all rows or none",
        description="Check every row of every sheet first; if any is bad, import nothing and "
        "list each problem (sheet, row with header = row 1, column). Otherwise insert new "
        "codes and update existing ones in one transaction. Matters not in the file are left "
        "as they are. A matter with no published 事项编码 gets a code made from its 索引号 "
        "(or name and department), marked as made here.",
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

    show = sub.add_parser("show", help="a matter's (or 一件事's) full guide")
    common(show)
    show.add_argument("code")
    show.set_defaults(handler=catalog_show)

    slip = sub.add_parser(
        "slip",
        help="render a matter's guide slip to a PDF",
        description="The 80 mm guide slip as the kiosk prints it. Its QR code opens the "
        "matter's published online guide when it has one; otherwise the caption says the "
        "code only carries the matter's code.",
    )
    common(slip)
    slip.add_argument("code")
    slip.add_argument("--out", required=True, metavar="FILE", help="F.pdf")
    slip.add_argument("--site", help="the site whose name and windows the slip shows")
    slip.set_defaults(handler=catalog_slip)


def catalog_template(ctx: CliContext, args: argparse.Namespace) -> int:
    """Write the template."""
    path = catalog_path(args.out)
    with writing(path):
        catalog_io.write_template(path)
    ctx.emit(
        {"file": str(path), "columns": len(catalog_io.COLUMNS)},
        f"template written: {path} (its example rows are refused on import; delete or replace "
        "them)",
    )
    return 0


def catalog_import(ctx: CliContext, args: argparse.Namespace) -> int:
    """Import a file, or list every problem and exit 1."""
    path = catalog_path(args.file)
    try:
        result = run_import(
            ctx,
            path,
            lambda session: catalog_io.import_catalog(session, path, actor=CLI_ACTOR),
            dry_run=args.dry_run,
        )
    except catalog_io.CatalogImportError as exc:
        problems = [
            {"sheet": p.sheet or None, "row": p.row, "column": p.column, "message": p.message}
            for p in exc.problems
        ]
        return report_refusal(ctx, exc, exc.problems, problems)
    data = result.as_json() | {"file": str(path), "dry_run": args.dry_run}
    lines = [
        f"{import_verb(args.dry_run)} {path.name}: {data['rows']} matters — "
        f"{data['inserted']} new, {data['updated']} updated, {data['unchanged']} unchanged; "
        "matters not in the file were left as they are"
    ]
    if result.bundles_inserted or result.bundles_updated or result.bundles_unchanged:
        lines.append(
            f"一件事 bundles: {len(result.bundles_inserted)} new, "
            f"{len(result.bundles_updated)} updated, {len(result.bundles_unchanged)} unchanged"
        )
    if result.derived_codes:
        lines.append(
            f"{len(result.derived_codes)} matter(s) had no published 事项编码; their codes "
            f"were made from the 索引号 or name and department: {', '.join(result.derived_codes)}"
        )
    ctx.emit(data, "\n".join(lines))
    return 0


def catalog_export(ctx: CliContext, args: argparse.Namespace) -> int:
    """Export the catalog."""
    path = catalog_path(args.file)
    with ctx.session_factory()() as session:
        rows = catalog_io.catalog_rows(session)
        bundles = catalog_io.bundle_values(session)
        with writing(path):
            catalog_io.write_catalog_file(path, rows, bundles)
    lines = [f"exported {len(rows)} matters to {path}"]
    lost = catalog_io.csv_losses(rows, bundles) if path.suffix.lower() == ".csv" else 0
    if lost:
        lines.append(
            f"note: {lost} matter(s) or bundle(s) have details a CSV cannot hold (a "
            "material's form, whether it is required, its blank form; 一件事 bundles); "
            "export to .xlsx to keep everything"
        )
    ctx.emit(
        {"file": str(path), "matters": len(rows), "bundles": len(bundles), "csv_losses": lost},
        "\n".join(lines),
    )
    return 0


def catalog_search(ctx: CliContext, args: argparse.Namespace) -> int:
    """Search the catalog."""
    if args.limit < 1:
        raise CliError("--limit must be at least 1")
    with ctx.session_factory()() as session:
        if args.site:
            site_by_code(session, args.site)
        hits = search_matters(session, args.query, site=args.site, limit=args.limit)
    lines = [
        f"{h.code}  {h.name}  [{'bundle, ' if h.bundle else ''}{h.department}, queue "
        f"{h.queue_prefix}]"
        for h in hits
    ]
    ctx.emit([h.as_json() for h in hits], "\n".join(lines) or "no matches")
    return 0


def catalog_show(ctx: CliContext, args: argparse.Namespace) -> int:
    """Print a guide: its sections as the kiosk shows them."""
    from shared.services.catalog_text import guide_heading, guide_sections

    with ctx.session_factory()() as session:
        guide = get_guide(session, args.code)
    lines = [
        f"{guide.code}  {guide.name}{'' if guide.active else '  (inactive)'}",
        guide_heading(guide),
        f"sites: {', '.join(c for c, _ in guide.sites) or '-'}   queue: {guide.queue_prefix}",
    ]
    for section in guide_sections(guide):
        lines.append(f"{section.title}:")
        lines.extend(f"  {line}" for line in section.lines)
    ctx.emit(guide.as_json(), "\n".join(lines))
    return 0


def catalog_slip(ctx: CliContext, args: argparse.Namespace) -> int:
    """Render the guide slip to a PDF."""
    from shared.rendering.guide_slip import render_guide_slip_pdf
    from shared.services.catalog_page import load_guide_page

    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        raise CliError(f"unsupported file type {out.name!r}: the slip is written as .pdf")
    with ctx.session_factory()() as session:
        if args.site:
            site_by_code(session, args.site)
        site = args.site
        if site is None:
            guide = get_guide(session, args.code)
            site = guide.sites[0][0] if guide.sites else None
        page = load_guide_page(session, args.code, site, None)
    data = render_guide_slip_pdf(page.slip)
    with writing(out):
        out.write_bytes(data)
    qr = page.slip.qr_payload or ""
    opens = "the published online guide" if page.guide.guide_url else "the matter's code only"
    ctx.emit(
        {
            "file": str(out),
            "code": page.guide.code,
            "site": page.site_code,
            "qr": qr,
            "qr_caption": page.slip.qr_caption,
            "bytes": len(data),
        },
        f"guide slip of {page.guide.code} written to {out} (QR: {opens}: {qr})",
    )
    return 0
