"""The demo hall: real size, the common matters, deterministic."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from shared.demo.seed import seed_demo
from shared.errors import Conflict
from shared.models import Department, Queue, ServiceMatter, Site, Staff, Window, matter_sites

COMMON_WORDS = [
    "居民身份证",
    "户口",
    "社会保障卡",
    "医疗保险",
    "不动产",
    "营业执照",
    "公积金",
    "结婚登记",
    "护照",
]


def _per_site(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Site.code, func.count(matter_sites.c.matter_id))
        .join(matter_sites, matter_sites.c.site_id == Site.id)
        .group_by(Site.code)
    )
    return {code: count for code, count in rows}


def test_seed_counts(seeded_factory: sessionmaker[Session]) -> None:
    with seeded_factory() as session:
        assert session.scalar(select(func.count()).select_from(Site)) == 7
        assert session.scalar(select(func.count()).select_from(Department)) == 29
        per_site = _per_site(session)
        assert per_site["huarong"] >= 1649
        townships = [code for code in per_site if code.startswith("town-")]
        assert len(townships) == 5
        assert all(per_site[code] == 256 for code in townships)
        assert session.scalar(select(func.count()).select_from(Window)) >= 31
        assert session.scalar(select(func.count()).select_from(Queue)) >= 7
        roles = {r for s in session.scalars(select(Staff)) for r in s.roles}
        assert roles == {"admin", "manager", "guide", "assistant", "window", "docent"}


def test_common_matters_are_present(sqlite_factory: sessionmaker[Session]) -> None:
    with sqlite_factory() as session:
        rows = session.execute(
            select(Site.code, ServiceMatter.name).join(ServiceMatter.sites)
        ).all()
    by_site: dict[str, list[str]] = {}
    for code, name in rows:
        by_site.setdefault(code, []).append(name)
    for word in COMMON_WORDS:
        assert any(word in name for name in by_site["huarong"]), word
    # Names are unique within a site's catalog (townships share matter names, as in life).
    for names in by_site.values():
        assert len(set(names)) == len(names)


def test_seed_is_deterministic(tmp_path: pytest.TempPathFactory) -> None:
    from shared.db import create_hall_engine, upgrade

    dumps = []
    for n in range(2):
        engine = create_hall_engine(f"sqlite:///{tmp_path}/d{n}.db")  # type: ignore[operator]
        upgrade(engine)
        with Session(engine) as session, session.begin():
            seed_demo(session, seed=7)
        with Session(engine) as session:
            dumps.append(
                [
                    (str(m.id), m.code, m.name, m.materials, m.legal_limit_days)
                    for m in session.scalars(select(ServiceMatter).order_by(ServiceMatter.code))
                ]
            )
        engine.dispose()
    assert dumps[0] == dumps[1]


def test_seed_refuses_a_non_empty_database(sqlite_factory: sessionmaker[Session]) -> None:
    with pytest.raises(Conflict), sqlite_factory.begin() as session:
        seed_demo(session)
