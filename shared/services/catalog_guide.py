"""A matter's or a 一件事 bundle's guide, read from the database as plain data (issue #11).

:func:`get_guide` answers for a matter code or a bundle code, so the kiosk, the console,
the slip and ``hall catalog show|slip`` read both the same way. What the page did not
publish is ``None`` (or empty) in the guide; :mod:`shared.services.catalog_text` decides
how that is shown (请咨询窗口, or left out), never a default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shared.errors import NotFound
from shared.models import ServiceMatter, Site
from shared.models.catalog import MatterBundle, MatterBundleItem, bundle_sites

__all__ = [
    "BundleHit",
    "BundleMember",
    "MatterGuide",
    "get_guide",
    "list_bundles",
]

MATTER = "matter"
BUNDLE = "bundle"


@dataclass(frozen=True)
class BundleMember:
    """A matter of a 一件事 bundle: its code, name and department."""

    code: str
    name: str
    department: str


@dataclass(frozen=True)
class MatterGuide:
    """A matter's (or a bundle's) full guide, as screens, slips and the CLI use it.

    Text fields are the published text or ``None`` when the page said nothing;
    ``materials`` are groups (see :class:`shared.models.catalog.ServiceMatter`); ``online``
    the channels as ``{"name", "url"}``; ``bundles`` the 一件事 bundles the matter is part
    of as ``(code, name)``; ``members`` a bundle's matters (``kind == "bundle"``).
    """

    code: str
    name: str
    department: str
    department_code: str
    queue_prefix: str
    kind: str = MATTER
    code_derived: bool = False
    matter_type: str = ""
    audience: tuple[str, ...] = ()
    audience_text: str | None = None
    sites: tuple[tuple[str, str], ...] = ()  # (code, name)
    location: str | None = None
    hours: str | None = None
    conditions: str | None = None
    materials: tuple[dict[str, Any], ...] = ()
    steps: tuple[str, ...] = ()
    legal_limit_text: str | None = None
    legal_limit_days: int | None = None
    promised_limit_text: str | None = None
    promised_limit_days: int | None = None
    instant: bool | None = None
    handling_type: str | None = None
    visits_text: str | None = None
    visits: int | None = None
    fee: str | None = None
    phone: str | None = None
    complaint_phone: str | None = None
    basis: str | None = None
    online: tuple[dict[str, Any], ...] = ()
    cross_region: bool | None = None
    fully_online: bool | None = None
    index_no: str | None = None
    source_url: str | None = None
    life_events: tuple[str, ...] = ()
    active: bool = True
    bundles: tuple[tuple[str, str], ...] = ()
    members: tuple[BundleMember, ...] = field(default_factory=tuple)

    @property
    def is_bundle(self) -> bool:
        """A 一件事 bundle rather than a single matter."""
        return self.kind == BUNDLE

    @property
    def guide_url(self) -> str | None:
        """The matter's published online guide: its source page, else a channel's address."""
        if self.source_url:
            return self.source_url
        return next((str(c["url"]) for c in self.online if c.get("url")), None)

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict: every published field, ``null`` where nothing was published."""
        return {
            "kind": self.kind,
            "code": self.code,
            "code_derived": self.code_derived,
            "name": self.name,
            "department": self.department,
            "department_code": self.department_code,
            "type": self.matter_type or None,
            "audience": list(self.audience),
            "audience_text": self.audience_text,
            "sites": [{"code": c, "name": n} for c, n in self.sites],
            "queue": self.queue_prefix,
            "location": self.location,
            "hours": self.hours,
            "conditions": self.conditions,
            "materials": [dict(m) for m in self.materials],
            "steps": list(self.steps),
            "legal_limit": self.legal_limit_text,
            "legal_limit_days": self.legal_limit_days,
            "promised_limit": self.promised_limit_text,
            "promised_limit_days": self.promised_limit_days,
            "instant": self.instant,
            "handling_type": self.handling_type,
            "visits": self.visits_text,
            "visits_number": self.visits,
            "fee": self.fee,
            "phone": self.phone,
            "complaint_phone": self.complaint_phone,
            "basis": self.basis,
            "online": [dict(c) for c in self.online],
            "cross_region": self.cross_region,
            "fully_online": self.fully_online,
            "index_no": self.index_no,
            "source_url": self.source_url,
            "guide_url": self.guide_url,
            "life_events": list(self.life_events),
            "active": self.active,
            "bundles": [{"code": c, "name": n} for c, n in self.bundles],
            "members": [
                {"code": m.code, "name": m.name, "department": m.department} for m in self.members
            ],
        }


def _sites(sites: list[Site]) -> tuple[tuple[str, str], ...]:
    return tuple((s.code, s.name) for s in sorted(sites, key=lambda s: (s.sort_order, s.code)))


def _matter_guide(session: Session, matter: ServiceMatter) -> MatterGuide:
    bundles = session.execute(
        select(MatterBundle.code, MatterBundle.name)
        .join(MatterBundleItem, MatterBundleItem.bundle_id == MatterBundle.id)
        .where(MatterBundleItem.matter_id == matter.id, MatterBundle.active.is_(True))
        .order_by(MatterBundle.code)
    )
    return MatterGuide(
        code=matter.code,
        code_derived=matter.code_derived,
        name=matter.name,
        department=matter.department.name,
        department_code=matter.department.code,
        matter_type=matter.matter_type,
        audience=tuple(matter.audience_tags),
        audience_text=matter.audience_text,
        sites=_sites(matter.sites),
        queue_prefix=matter.queue_prefix,
        location=matter.location,
        hours=matter.hours,
        conditions=matter.conditions,
        materials=tuple(dict(m) for m in matter.materials),
        steps=tuple(str(s) for s in matter.steps),
        legal_limit_text=matter.legal_limit_text,
        legal_limit_days=matter.legal_limit_days,
        promised_limit_text=matter.promised_limit_text,
        promised_limit_days=matter.promised_limit_days,
        instant=matter.instant,
        handling_type=matter.handling_type,
        visits_text=matter.visits_text,
        visits=matter.visits,
        fee=matter.fee,
        phone=matter.phone,
        complaint_phone=matter.complaint_phone,
        basis=matter.basis,
        online=tuple(dict(c) for c in matter.online),
        cross_region=matter.cross_region,
        fully_online=matter.fully_online,
        index_no=matter.index_no,
        source_url=matter.source_url,
        life_events=tuple(str(e) for e in matter.life_events),
        active=matter.active,
        bundles=tuple((code, name) for code, name in bundles),
    )


def bundle_materials(bundle: MatterBundle) -> tuple[dict[str, Any], ...]:
    """A bundle's checklist: its combined list as published, else each member matter's own
    groups under the matter's name (the guide and the ticket slip show the same)."""
    materials = [dict(g) for g in bundle.materials]
    if not materials:
        for item in bundle.items:
            matter = item.matter
            for group in matter.materials:
                title = group.get("title")
                materials.append(
                    dict(group) | {"title": f"{matter.name}：{title}" if title else matter.name}
                )
    return tuple(materials)


def _bundle_guide(bundle: MatterBundle) -> MatterGuide:
    matters = [item.matter for item in bundle.items]
    departments = list(dict.fromkeys(m.department.name for m in matters))
    materials = bundle_materials(bundle)
    return MatterGuide(
        kind=BUNDLE,
        code=bundle.code,
        name=bundle.name,
        department=bundle.department.name if bundle.department else "、".join(departments),
        department_code=bundle.department.code if bundle.department else "",
        sites=_sites(bundle.sites),
        queue_prefix=bundle.queue_prefix,
        location=bundle.location,
        hours=bundle.hours,
        conditions=bundle.conditions,
        materials=materials,
        steps=tuple(str(s) for s in bundle.steps),
        promised_limit_text=bundle.promised_limit_text,
        promised_limit_days=bundle.promised_limit_days,
        visits_text=bundle.visits_text,
        visits=bundle.visits,
        fee=bundle.fee,
        phone=bundle.phone,
        source_url=bundle.source_url,
        active=bundle.active,
        members=tuple(BundleMember(m.code, m.name, m.department.name) for m in matters),
    )


def get_guide(session: Session, code: str) -> MatterGuide:
    """The guide of the matter, or else the 一件事 bundle, with ``code`` (active or not).

    Raises:
        NotFound: neither a matter nor a bundle has that code.
    """
    matter = session.scalar(
        select(ServiceMatter)
        .where(ServiceMatter.code == code)
        .options(selectinload(ServiceMatter.sites), selectinload(ServiceMatter.department))
    )
    if matter is not None:
        return _matter_guide(session, matter)
    bundle = session.scalar(
        select(MatterBundle)
        .where(MatterBundle.code == code)
        .options(
            selectinload(MatterBundle.sites),
            selectinload(MatterBundle.department),
            selectinload(MatterBundle.items)
            .selectinload(MatterBundleItem.matter)
            .selectinload(ServiceMatter.department),
        )
    )
    if bundle is None:
        raise NotFound(f"no such matter: {code}", "找不到该事项。")
    return _bundle_guide(bundle)


@dataclass(frozen=True)
class BundleHit:
    """A 一件事 bundle in a list: code, name, how many matters, its queue."""

    code: str
    name: str
    matters: int
    queue_prefix: str


def list_bundles(session: Session, *, site: str | None = None) -> list[BundleHit]:
    """Active 一件事 bundles (offered at ``site`` when given), by name."""
    query = (
        select(MatterBundle)
        .where(MatterBundle.active.is_(True))
        .options(selectinload(MatterBundle.items))
        .order_by(MatterBundle.name, MatterBundle.code)
    )
    if site is not None:
        query = query.where(
            MatterBundle.id.in_(
                select(bundle_sites.c.bundle_id)
                .join(Site, Site.id == bundle_sites.c.site_id)
                .where(Site.code == site)
            )
        )
    return [BundleHit(b.code, b.name, len(b.items), b.queue_prefix) for b in session.scalars(query)]
