"""``seed_demo``: fill an empty database with the demo Huarong hall.

Deterministic: record keys come from the seeded generator too, so the same seed gives the
same data, keys included.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.changes import record_change
from shared.demo import org_data
from shared.demo.catalog_gen import generate_catalog
from shared.errors import Conflict
from shared.models import (
    Department,
    Queue,
    ServiceMatter,
    Site,
    Staff,
    StaffRole,
    Terminal,
    TourRoute,
    Venue,
    Window,
)
from shared.paths import data_dir
from shared.services.audit import audit
from shared.services.staff import hash_password

DEFAULT_SEED = 20261126


def seed_demo(session: Session, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Create the demo hall in an empty database; returns counts of what was made."""
    if session.scalar(select(func.count()).select_from(Site)):
        raise Conflict(
            "the database already has sites: seed-demo only fills an empty database",
            "数据库中已有数据。",
        )
    rng = random.Random(seed)

    def new_id() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    sites: dict[str, Site] = {}
    for order, (code, name, kind, address) in enumerate(org_data.SITES):
        sites[code] = Site(
            id=new_id(),
            code=code,
            name=name,
            kind=kind,
            address=address,
            phone="0711-3210000",
            sort_order=order,
        )
    session.add_all(sites.values())

    departments: dict[str, Department] = {}
    for order, (code, name, short, _prefix) in enumerate(org_data.DEPARTMENTS):
        departments[code] = Department(
            id=new_id(), code=code, name=name, short_name=short, sort_order=order
        )
    session.add_all(departments.values())
    # Models without relationships to these are not ordered after them: flush first.
    session.flush()

    queue_count = window_count = 0
    for site in sites.values():
        queue_spec = {
            "district": org_data.DISTRICT_QUEUES,
            "subcentre": org_data.SUBCENTRE_QUEUES,
            "township": org_data.TOWNSHIP_QUEUES,
        }[site.kind]
        queues = {}
        for order, (prefix, name, description, minutes) in enumerate(queue_spec):
            queues[prefix] = Queue(
                id=new_id(),
                site_id=site.id,
                prefix=prefix,
                name=name,
                description=description,
                default_service_minutes=minutes,
                sort_order=order,
            )
        session.add_all(queues.values())
        queue_count += len(queues)
        if site.kind == "district":
            per_queue = org_data.DISTRICT_WINDOWS
        elif site.kind == "subcentre":
            per_queue = {"A": 3, "C": 2, "E": 2}
        else:
            per_queue = {"A": 2, "C": 1}
        number = 0
        total = sum(per_queue.values())
        for prefix, count in per_queue.items():
            for _ in range(count):
                number += 1
                # Windows line the hall's back wall on the map, left to right.
                window = Window(
                    id=new_id(),
                    site_id=site.id,
                    number=number,
                    name=f"{number}号窗口",
                    location=f"一楼{queues[prefix].name}区",
                    map_x=(number - 0.5) / total,
                    map_y=0.15,
                    queues=[queues[prefix]],
                )
                # The general windows also take any queue's overflow.
                if prefix == "A" and number <= 2:
                    window.queues = list(queues.values())
                session.add(window)
                window_count += 1

    townships = [(c, s.name) for c, s in sites.items() if s.kind == "township"]
    specs = generate_catalog(
        rng,
        org_data.DEPARTMENTS,
        district_sites=["huarong"],
        subcentre_site="wuhan-new-city",
        subcentre_prefixes={prefix for prefix, *_ in org_data.SUBCENTRE_QUEUES},
        townships=townships,
    )
    for spec in specs:
        session.add(
            ServiceMatter(
                id=new_id(),
                code=spec.code,
                name=spec.name,
                department_id=departments[spec.department].id,
                matter_type=spec.matter_type,
                audience=spec.audience,
                queue_prefix=spec.queue_prefix,
                life_events=spec.life_events,
                sites=[sites[c] for c in spec.sites],
                **spec.fields,
            )
        )

    district = sites["huarong"]
    demo_hash = hash_password(org_data.DEMO_PASSWORD)
    for username, display, roles in org_data.DEMO_STAFF:
        session.add(
            Staff(
                id=new_id(),
                username=username,
                display_name=display,
                password_hash=demo_hash,
                site_id=district.id,
                role_rows=[StaffRole(role=r) for r in roles],
            )
        )
    for code, name, capacity in org_data.VENUES:
        session.add(
            Venue(id=new_id(), site_id=district.id, code=code, name=name, capacity=capacity)
        )
    for code, name, segments in org_data.ROUTES:
        session.add(TourRoute(id=new_id(), code=code, name=name, segments=segments))
    for code, kind, location in org_data.TERMINALS:
        folder = org_data.DEMO_PDF_PRINTERS.get(code)
        printer = {"kind": "pdf-folder", "path": str(data_dir() / folder)} if folder else {}
        session.add(
            Terminal(
                id=new_id(),
                site_id=district.id,
                code=code,
                kind=kind,
                location=location,
                printer=printer,
            )
        )
    session.flush()
    record_change(session, "catalog", "all", "reloaded")
    record_change(session, "organisation", "all", "reloaded")
    audit(session, "demo.seeded", detail={"seed": seed})
    return {
        "sites": len(sites),
        "departments": len(departments),
        "matters": len(specs),
        "queues": queue_count,
        "windows": window_count,
        "staff": len(org_data.DEMO_STAFF),
    }
