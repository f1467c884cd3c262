"""The service-matter catalog (办事指南): search, browse and read a matter's guide.

Search and browsing read the in-memory index of :mod:`shared.services.catalog_search`
(refreshed from the change feed); a guide is read from the database, so it is always current.
Import and export live in :mod:`shared.services.catalog_io`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shared.errors import NotFound
from shared.models import ServiceMatter
from shared.services.catalog_format import format_days
from shared.services.catalog_pinyin import normalise_query
from shared.services.catalog_search import CatalogIndex, MatterHit, index_for, search_matters

__all__ = [
    "CatalogIndex",
    "MatterGuide",
    "MatterHit",
    "browse_matters",
    "get_guide",
    "index_for",
    "life_event_counts",
    "normalise_query",
    "search_matters",
]


@dataclass(frozen=True)
class MatterGuide:
    """A matter's full guide, as screens, slips and ``hall catalog show`` use it."""

    code: str
    name: str
    department: str
    department_code: str
    matter_type: str
    audience: tuple[str, ...]
    sites: tuple[tuple[str, str], ...]  # (code, name)
    queue_prefix: str
    location: str
    conditions: str
    materials: tuple[dict[str, Any], ...]
    steps: tuple[str, ...]
    legal_limit_days: int
    promised_limit_days: int
    fee: str
    visits: int
    phone: str
    online_url: str
    life_events: tuple[str, ...]
    active: bool

    @property
    def legal_limit_text(self) -> str:
        """``即办`` or ``N个工作日``."""
        return format_days(self.legal_limit_days)

    @property
    def promised_limit_text(self) -> str:
        """``即办`` or ``N个工作日``."""
        return format_days(self.promised_limit_days)

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "code": self.code,
            "name": self.name,
            "department": self.department,
            "department_code": self.department_code,
            "type": self.matter_type,
            "audience": list(self.audience),
            "sites": [{"code": c, "name": n} for c, n in self.sites],
            "queue": self.queue_prefix,
            "location": self.location,
            "conditions": self.conditions,
            "materials": [dict(m) for m in self.materials],
            "steps": list(self.steps),
            "legal_limit_days": self.legal_limit_days,
            "legal_limit": self.legal_limit_text,
            "promised_limit_days": self.promised_limit_days,
            "promised_limit": self.promised_limit_text,
            "fee": self.fee,
            "visits": self.visits,
            "phone": self.phone,
            "online_url": self.online_url,
            "life_events": list(self.life_events),
            "active": self.active,
        }


def get_guide(session: Session, code: str) -> MatterGuide:
    """The guide of the matter with ``code`` (active or not).

    Raises:
        NotFound: no matter has that code.
    """
    matter = session.scalar(
        select(ServiceMatter)
        .where(ServiceMatter.code == code)
        .options(selectinload(ServiceMatter.sites), selectinload(ServiceMatter.department))
    )
    if matter is None:
        raise NotFound(f"no such matter: {code}", "找不到该事项。")
    sites = sorted(matter.sites, key=lambda s: (s.sort_order, s.code))
    return MatterGuide(
        code=matter.code,
        name=matter.name,
        department=matter.department.name,
        department_code=matter.department.code,
        matter_type=matter.matter_type,
        audience=tuple(matter.audience_tags),
        sites=tuple((s.code, s.name) for s in sites),
        queue_prefix=matter.queue_prefix,
        location=matter.location,
        conditions=matter.conditions,
        materials=tuple(dict(m) for m in matter.materials),
        steps=tuple(str(s) for s in matter.steps),
        legal_limit_days=matter.legal_limit_days,
        promised_limit_days=matter.promised_limit_days,
        fee=matter.fee,
        visits=matter.visits,
        phone=matter.phone,
        online_url=matter.online_url,
        life_events=tuple(str(e) for e in matter.life_events),
        active=matter.active,
    )


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
