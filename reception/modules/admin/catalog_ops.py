"""Background operations of the 事项导入 page (issue #9): check a catalog file, import it,
write the template.

They call :mod:`shared.services.catalog_io` only. The service checks the whole file before it
writes anything and refuses a file with any bad row, listing each row's number and reason
(:class:`CatalogImportError`); the page shows each reason's Chinese text (``message_zh``),
the CLI the English one. The check (dry run) runs the same import inside a savepoint
that is always rolled back, so it reports exactly what the import would do — nothing is
written, no change is published and no audit entry is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from shared.services.catalog import browse_matters
from shared.services.catalog_io import (
    CatalogImportError,
    ImportResult,
    import_catalog,
    write_template,
)
from shared.services.staff import StaffInfo

Op = Callable[[Session], Any]


@dataclass(frozen=True)
class CatalogReport:
    """What a check or an import found.

    Attributes:
        file: the file's name.
        dry_run: a check only (nothing was written).
        problems: every problem as (sheet name, or "" for a CSV; row number as the
            spreadsheet shows it; Chinese reason naming the column).
        inserted/updated/unchanged: matter counts (zero when there are problems).
    """

    file: str
    dry_run: bool
    problems: list[tuple[str, int, str]] = field(default_factory=list)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def clean(self) -> bool:
        """No bad row: the file can be imported."""
        return not self.problems

    @property
    def bad_rows(self) -> int:
        """How many distinct rows have problems."""
        return len({(sheet, row) for sheet, row, _ in self.problems})


def _report(path: Path, dry_run: bool, result: ImportResult) -> CatalogReport:
    return CatalogReport(
        path.name,
        dry_run,
        inserted=len(result.inserted),
        updated=len(result.updated),
        unchanged=len(result.unchanged),
    )


def problems_report(path: Path, dry_run: bool, exc: CatalogImportError) -> CatalogReport:
    """The report of a refused file, its reasons in Chinese for the screen."""
    return CatalogReport(path.name, dry_run, [(p.sheet, p.row, p.message_zh) for p in exc.problems])


def check_catalog_op(acting: StaffInfo, path: Path) -> Op:
    """Run the import in a savepoint that is rolled back; report problems or counts."""

    def run(session: Session) -> CatalogReport:
        savepoint = session.begin_nested()
        try:
            result = import_catalog(session, path, actor=acting.username)
        except CatalogImportError as exc:
            return problems_report(path, True, exc)
        finally:
            savepoint.rollback()
        return _report(path, True, result)

    return run


def import_catalog_op(acting: StaffInfo, path: Path) -> Op:
    """Import the file, all or nothing; a refused file raises :class:`CatalogImportError`
    (the transaction rolls back) for the page to list its rows."""

    def run(session: Session) -> CatalogReport:
        return _report(path, False, import_catalog(session, path, actor=acting.username))

    return run


def catalog_size(session: Session) -> int:
    """How many matters are in use in the catalog now."""
    return len(browse_matters(session))


def write_template_op(path: Path) -> Callable[[], Path]:
    """Write the import template (its example rows are refused on import) to ``path``."""

    def run() -> Path:
        write_template(path)
        return path

    return run
