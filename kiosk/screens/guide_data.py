"""What the kiosk's 办事指南 asks of the database, as plain data; run on worker threads only.

No Qt here, no query and no rule: each function calls a service
(:mod:`shared.services.catalog`, :mod:`shared.services.catalog_page`) and :class:`GuideFlow
<kiosk.screens.guide.GuideFlow>` hands the results to its screens. The services are imported
when first called, so the kiosk's first paint loads no database code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from shared.services.catalog import MatterHit
    from shared.services.catalog_page import BrowseMenu, GuidePage

__all__ = [
    "RESULT_LIMIT",
    "browse",
    "browse_menu",
    "load_guide_page",
    "record_view",
    "refresh_demand",
    "search",
    "warm_index",
]

RESULT_LIMIT = 24


def warm_index(session: Session) -> int:
    """Build the catalog index now (the first build takes most of a second); its size."""
    from shared.services.catalog import index_for

    return len(index_for(session))


def record_view(session: Session, site: str | None, code: str) -> None:
    """Count one view of matter ``code``'s guide (search ranks by how often it is asked for);
    a write, in the runner's write transaction."""
    from shared.services.catalog_demand import record_guide_view
    from shared.services.home import resolve_site

    record_guide_view(session, resolve_site(session, site).code, code)


def refresh_demand(session: Session) -> bool:
    """Re-rank the cached catalog index by fresh demand (the slow timer); True if changed."""
    from shared.services.catalog_search import refresh_catalog_demand

    return refresh_catalog_demand(session)


def search(session: Session, query: str, site: str | None) -> list[MatterHit]:
    """The best matters for ``query`` (pinyin initials, full pinyin or Chinese) at ``site``."""
    from shared.services.catalog import search_matters

    return search_matters(session, query, site=site, limit=RESULT_LIMIT)


def browse(
    session: Session,
    site: str | None,
    *,
    department: str | None = None,
    life_event: str | None = None,
) -> list[MatterHit]:
    """The site's active matters of a department or a life event, shortest name first."""
    from shared.services.catalog import browse_matters

    return browse_matters(session, site=site, department=department, life_event=life_event)


def browse_menu(session: Session, site: str | None) -> BrowseMenu:
    """Departments, life events and 一件事 bundles that have matters at ``site``."""
    from shared.services.catalog_page import browse_menu as menu

    return menu(session, site)


def load_guide_page(
    session: Session, code: str, site: str | None, terminal: str | None
) -> GuidePage:
    """The guide of matter (or 一件事) ``code`` as the kiosk shows it at ``site``.

    Raises:
        NotFound: no such matter or site.
    """
    from shared.services.catalog_page import load_guide_page as load

    return load(session, code, site, terminal)
