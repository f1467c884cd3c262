"""What the kiosk's 办事指南 asks of the database, as plain data; run on worker threads only.

No Qt here, and no widget ever sees an ORM object: :class:`GuideFlow
<kiosk.screens.guide.GuideFlow>` submits these functions to its runners and hands the
results to its screens. Search and browsing read the in-memory catalog index
(:mod:`shared.services.catalog_search`); the guide page reads the matter, the windows that
serve its queue at this site (for the hall map) and the terminal's printer settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from shared.rendering.guide_slip import GuideSlip
    from shared.services.catalog import MatterGuide, MatterHit

#: Life events offered under 个人 and under 法人, in this order when present (spec: issue #4).
PERSONAL_EVENTS = ("出生", "上学", "就业", "婚育", "住房", "社保", "养老", "出入境", "身后事")
BUSINESS_EVENTS = ("开办", "经营", "变更", "注销")
RESULT_LIMIT = 24


@dataclass(frozen=True)
class MapWindow:
    """A window on the hall map: its number, place (fractions of the map) and whether it
    serves the matter on screen."""

    number: int
    name: str
    x: float
    y: float
    serves: bool


@dataclass(frozen=True)
class GuidePage:
    """Everything the guide page and its slip show (plain data).

    Attributes:
        guide: the matter's guide.
        site_code: the site the kiosk stands in.
        site_name: its name (the slip's heading).
        windows: every window of the site with a place on the map.
        where: where to go, in words (``3、4号窗口（一楼公安户政区）``).
        printer: this terminal's printer settings (``{}`` for none).
        slip: the guide slip, ready for the printer.
    """

    guide: MatterGuide
    site_code: str
    site_name: str
    windows: tuple[MapWindow, ...]
    where: str
    slip: GuideSlip
    printer: dict[str, Any] = field(default_factory=dict)

    @property
    def serving(self) -> tuple[MapWindow, ...]:
        """The windows that handle this matter."""
        return tuple(w for w in self.windows if w.serves)


@dataclass(frozen=True)
class BrowseMenu:
    """The browse choices of one site: departments and life events with their counts."""

    departments: tuple[tuple[str, str, str, int], ...]  # (code, name, short name, matters)
    personal: tuple[tuple[str, int], ...]  # (life event, matters)
    business: tuple[tuple[str, int], ...]


def warm_index(session: Session) -> int:
    """Build the catalog index now (the first build takes most of a second); its size."""
    from shared.services.catalog import index_for

    return len(index_for(session))


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


def _ordered(counts: dict[str, int], order: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    return tuple((event, counts[event]) for event in order if counts.get(event))


def browse_menu(session: Session, site: str | None) -> BrowseMenu:
    """Departments and life events that have at least one matter at ``site``."""
    from sqlalchemy import select

    from shared.models import Department
    from shared.services.catalog import index_for

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
    )


def _where(serving: list[MapWindow], location: str) -> str:
    if not serving:
        return location or "请到咨询引导台询问"
    numbers = "、".join(str(w.number) for w in serving)
    return f"{numbers}号窗口（{location}）" if location else f"{numbers}号窗口"


def load_guide_page(
    session: Session, code: str, site: str | None, terminal: str | None
) -> GuidePage:
    """The guide of matter ``code`` as the kiosk shows it at ``site``.

    Raises:
        NotFound: no such matter or site.
    """
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from shared.models import Window
    from shared.rendering.guide_slip import slip_from_guide
    from shared.services.catalog import get_guide
    from shared.services.home import resolve_site
    from shared.services.kiosk_tickets import terminal_printer

    the_site = resolve_site(session, site)
    guide = get_guide(session, code)
    rows = list(
        session.scalars(
            select(Window)
            .where(Window.site_id == the_site.id, Window.active.is_(True))
            .options(selectinload(Window.queues))
            .order_by(Window.number)
        )
    )
    queues = {q.prefix for w in rows for q in w.queues}
    serving_rows = [w for w in rows if guide.queue_prefix in {q.prefix for q in w.queues}]
    # The general windows take every queue's overflow: a visitor is sent to the dedicated
    # windows first when there are any.
    dedicated = [w for w in serving_rows if {q.prefix for q in w.queues} != queues]
    chosen = {w.id for w in (dedicated or serving_rows)}
    windows = [
        MapWindow(w.number, w.name, float(w.map_x), float(w.map_y), w.id in chosen)
        for w in rows
        if w.map_x is not None and w.map_y is not None
    ]
    serving = [w for w in windows if w.serves]
    location = next((w.location for w in rows if w.id in chosen and w.location), "")
    where = _where(serving, location or guide.location)
    return GuidePage(
        guide=guide,
        site_code=the_site.code,
        site_name=the_site.name,
        windows=tuple(windows),
        where=where,
        slip=slip_from_guide(guide, the_site.name, where),
        printer=terminal_printer(session, terminal),
    )
