"""A guide as a hall shows it: the matter's guide, the windows that serve it on the hall map,
and the browse menu (issue #11: these queries and rules used to live in the kiosk).

Plain data for the kiosk's screens (and anything else that shows a guide at a site): no Qt,
no ORM object leaves. The published 办理地点 stays in the guide; the hall's own windows are
given beside it (``where``), never instead of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.models import Department
from shared.rendering.guide_slip import GuideSlip, slip_from_guide
from shared.services.catalog import index_for
from shared.services.catalog_guide import BundleHit, MatterGuide, get_guide, list_bundles
from shared.services.catalog_text import GuideSection, guide_heading, guide_sections
from shared.services.home import resolve_site
from shared.services.kiosk_tickets import terminal_printer
from shared.services.wayfinding import MapWindow, hall_windows, way_to

__all__ = [
    "BUSINESS_EVENTS",
    "PERSONAL_EVENTS",
    "BrowseMenu",
    "GuidePage",
    "MapWindow",
    "browse_menu",
    "load_guide_page",
]

#: Life events offered under 个人 and under 法人, in this order when present (issue #4).
PERSONAL_EVENTS = ("出生", "上学", "就业", "婚育", "住房", "社保", "养老", "出入境", "身后事")
BUSINESS_EVENTS = ("开办", "经营", "变更", "注销")


@dataclass(frozen=True)
class GuidePage:
    """Everything a guide page and its slip show (plain data).

    Attributes:
        guide: the matter's (or 一件事 bundle's) guide.
        site_code: the site the terminal stands in.
        site_name: its name (the slip's heading).
        windows: every window of the site with a place on the map.
        where: the hall's windows for it, in words (``19、20号窗口（一楼公安户政区）``), or
            :data:`ASK_AT_DESK` when none serves it.
        heading: department, type and code (:func:`guide_heading`).
        sections: the guide's parts as shown (:func:`guide_sections`).
        slip: the guide slip, ready for the printer.
        printer: this terminal's printer settings (``{}`` for none).
    """

    guide: MatterGuide
    site_code: str
    site_name: str
    windows: tuple[MapWindow, ...]
    where: str
    heading: str
    sections: tuple[GuideSection, ...]
    slip: GuideSlip
    printer: dict[str, Any] = field(default_factory=dict)

    @property
    def serving(self) -> tuple[MapWindow, ...]:
        """The windows that handle this matter."""
        return tuple(w for w in self.windows if w.serves)


@dataclass(frozen=True)
class BrowseMenu:
    """The browse choices of one site: departments, life events and 一件事 bundles."""

    departments: tuple[tuple[str, str, str, int], ...]  # (code, name, short name, matters)
    personal: tuple[tuple[str, int], ...]  # (life event, matters)
    business: tuple[tuple[str, int], ...]
    bundles: tuple[BundleHit, ...] = ()


def _ordered(counts: dict[str, int], order: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    return tuple((event, counts[event]) for event in order if counts.get(event))


def browse_menu(session: Session, site: str | None) -> BrowseMenu:
    """Departments, life events and bundles that have at least one matter at ``site``."""
    rows = session.execute(select(Department.code, Department.short_name, Department.sort_order))
    short, order = {}, {}
    for code, short_name, sort_order in rows:
        short[code], order[code] = short_name, sort_order
    index = index_for(session)
    counts = index.life_events(site=site)
    departments: dict[str, tuple[str, int]] = {}
    for hit in index.browse(site=site):
        name, count = departments.get(hit.department_code, (hit.department, 0))
        departments[hit.department_code] = (name, count + 1)
    known = set(PERSONAL_EVENTS) | set(BUSINESS_EVENTS)
    extra = tuple(e for e in counts if e not in known)
    return BrowseMenu(
        departments=tuple(
            (code, name, short.get(code) or name, count)
            for code, (name, count) in sorted(
                departments.items(), key=lambda item: (order.get(item[0], 0), item[0])
            )
        ),
        personal=_ordered(counts, PERSONAL_EVENTS + extra),
        business=_ordered(counts, BUSINESS_EVENTS),
        bundles=tuple(list_bundles(session, site=site)),
    )


def load_guide_page(
    session: Session, code: str, site: str | None, terminal: str | None
) -> GuidePage:
    """The guide of matter (or bundle) ``code`` as a terminal at ``site`` shows it.

    The windows are those of the site that serve the guide's queue; the general windows
    take every queue's overflow, so a visitor is sent to the dedicated windows first when
    there are any.

    Raises:
        NotFound: no such matter, bundle or site.
    """
    the_site = resolve_site(session, site)
    guide = get_guide(session, code)
    way = way_to(hall_windows(session, the_site.id), guide.queue_prefix)
    where = way.where
    hall_windows_text = where if way.numbers else None
    return GuidePage(
        guide=guide,
        site_code=the_site.code,
        site_name=the_site.name,
        windows=way.windows,
        where=where,
        heading=guide_heading(guide),
        sections=tuple(guide_sections(guide, hall_windows_text)),
        slip=slip_from_guide(guide, the_site.name, hall_windows_text),
        printer=terminal_printer(session, terminal),
    )
