"""The service-matter catalog (办事指南): search, browse and read a matter's guide.

Search and browsing read the in-memory index of :mod:`shared.services.catalog_search`
(refreshed from the change feed); a guide is read from the database, so it is always current
(:mod:`shared.services.catalog_guide`, re-exported here). Import and export live in
:mod:`shared.services.catalog_io`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.models import ServiceMatter
from shared.services.catalog_guide import (
    BundleHit,
    BundleMember,
    MatterGuide,
    get_guide,
    list_bundles,
)
from shared.services.catalog_pinyin import normalise_query
from shared.services.catalog_search import CatalogIndex, MatterHit, index_for, search_matters

__all__ = [
    "BundleHit",
    "BundleMember",
    "CatalogIndex",
    "MatterGuide",
    "MatterHit",
    "browse_matters",
    "get_guide",
    "index_for",
    "life_event_counts",
    "list_bundles",
    "normalise_query",
    "search_matters",
]


def browse_matters(
    session: Session,
    *,
    site: str | None = None,
    department: str | None = None,
    life_event: str | None = None,
    audience: str | None = None,
) -> list[MatterHit]:
    """Active matters by department code, life event and/or audience (个人/法人)."""
    return index_for(session).browse(
        site=site, department=department, life_event=life_event, audience=audience
    )


def life_event_counts(session: Session, *, site: str | None = None) -> dict[str, int]:
    """Life events with their number of active matters, most first."""
    return index_for(session).life_events(site=site)


def matter_exists(session: Session, code: str) -> bool:
    """Whether a matter with ``code`` exists."""
    return session.scalar(select(ServiceMatter.id).where(ServiceMatter.code == code)) is not None
