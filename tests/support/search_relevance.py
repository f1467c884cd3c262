"""The catalog-search relevance set (issue #11): real citizen queries, real guides, scoring.

``tests/fixtures/search/queries.json`` holds citizen queries with the matters they want
(names from the demo catalog's common matters and from the real guides); the real guides
(``tests/fixtures/guides/real_guides.json``) are added to a demo hall as matters, so their
names, materials and departments are searched as a hall would hold them. Used by the
relevance test and by ``benchmarks/search.py``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.changes import record_change
from shared.models import Department, ServiceMatter, Site
from shared.models.base import new_id

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
QUERIES = FIXTURES / "search" / "queries.json"
GUIDES = FIXTURES / "guides" / "real_guides.json"
CUTOFF = 5


def load_queries() -> list[dict[str, Any]]:
    """The relevance set: ``{query, expected: [names], kind, source, note}``."""
    return list(json.loads(QUERIES.read_text(encoding="utf-8")))


def load_guides() -> list[dict[str, Any]]:
    """The real published guides."""
    return list(json.loads(GUIDES.read_text(encoding="utf-8")))


def _materials(guide: dict[str, Any]) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for item in guide.get("materials") or ():
        title = item.get("group")
        group = groups.setdefault(
            title or "", {"title": title, "rule": item.get("rule") or "all", "items": []}
        )
        group["items"].append({"name": item["name"]})
    return list(groups.values())


def add_real_guides(session: Session, site: str = "huarong") -> int:
    """Add every real guide as an active matter at ``site`` (its department created from the
    published text); returns how many. Records one ``catalog`` change."""
    where = session.scalars(select(Site).where(Site.code == site)).one()
    departments: dict[str, Department] = {}
    guides = load_guides()
    for number, guide in enumerate(guides, start=1):
        text = (guide.get("department") or "（未公布部门）").strip()[:100]
        department = departments.get(text)
        if department is None:
            department = Department(id=new_id(), code=f"real-{len(departments) + 1}", name=text)
            departments[text] = department
            session.add(department)
        session.add(
            ServiceMatter(
                id=new_id(),
                code=f"REAL{number:04d}",
                name=guide["name"],
                department=department,
                matter_type=guide.get("matter_type") or "公共服务",
                audience="个人",
                queue_prefix="A",
                materials=_materials(guide),
                steps=[],
                life_events=[],
                sites=[where],
            )
        )
    session.flush()
    record_change(session, "catalog", "all", "imported")
    return len(guides)


PLACES = ["花园镇", "南湖街道", "东港区", "临江", "西城", "北山乡", "新城", "河口镇", "城关"]
VARIANTS = ["（个人）", "（单位）", "（网办）", "（容缺受理）", "（跨省通办）", "（预约）"]


def clone_catalog(session: Session, factor: int, seed: int = 11) -> int:
    """Make the catalog ``factor`` times as large: each active matter cloned ``factor - 1``
    times under a varied name (a place before it or a variant after it), same department,
    materials and sites. Returns how many clones."""
    rng = random.Random(seed)
    matters = list(session.scalars(select(ServiceMatter).where(ServiceMatter.active.is_(True))))
    made = 0
    for matter in matters:
        for copy in range(1, factor):
            place = PLACES[(copy - 1) % len(PLACES)]
            name = (
                f"{place}{matter.name}"
                if rng.random() < 0.5
                else f"{matter.name}{rng.choice(VARIANTS)}"
            )
            session.add(
                ServiceMatter(
                    id=new_id(),
                    code=f"{matter.code}-{copy}",
                    name=name[:200],
                    department_id=matter.department_id,
                    matter_type=matter.matter_type,
                    audience=matter.audience,
                    queue_prefix=matter.queue_prefix,
                    materials=matter.materials,
                    steps=[],
                    life_events=list(matter.life_events or ()),
                    sites=list(matter.sites),
                )
            )
            made += 1
    session.flush()
    record_change(session, "catalog", "all", "imported")
    return made


@dataclass
class Score:
    """Recall@5 and mean reciprocal rank over a set of queries."""

    queries: int = 0
    recall: float = 0.0
    reciprocal: float = 0.0

    def add(self, recall: float, reciprocal: float) -> None:
        """Count one query."""
        self.queries += 1
        self.recall += recall
        self.reciprocal += reciprocal

    @property
    def recall_at_5(self) -> float:
        """Mean over queries of the share of expected matters in the top five."""
        return self.recall / self.queries if self.queries else 0.0

    @property
    def mrr(self) -> float:
        """Mean over queries of 1 / the rank of the first expected matter (0 if absent)."""
        return self.reciprocal / self.queries if self.queries else 0.0


@dataclass
class Report:
    """Scores overall and per kind, and the queries that missed an expected matter."""

    overall: Score = field(default_factory=Score)
    kinds: dict[str, Score] = field(default_factory=dict)
    misses: list[tuple[dict[str, Any], list[str]]] = field(default_factory=list)


def evaluate(
    search: Callable[[str], Sequence[str]], queries: list[dict[str, Any]] | None = None
) -> Report:
    """Run every query through ``search`` (names, best first) and score the top five.

    A query's recall is the share of its expected matters found in the top five (of at most
    five expected); its reciprocal rank is 1 / the rank of the first expected one found in
    the results (all of them, not only the top five).
    """
    report = Report()
    for item in queries if queries is not None else load_queries():
        names = list(search(item["query"]))
        expected = list(dict.fromkeys(item["expected"]))
        top = names[:CUTOFF]
        recall = len(set(expected) & set(top)) / min(len(expected), CUTOFF)
        ranks = [i for i, name in enumerate(names, start=1) if name in expected]
        reciprocal = 1.0 / ranks[0] if ranks else 0.0
        report.overall.add(recall, reciprocal)
        report.kinds.setdefault(item["kind"], Score()).add(recall, reciprocal)
        if recall < 1.0:
            report.misses.append((item, top))
    return report


def missing_expectations(names: set[str], queries: list[dict[str, Any]] | None = None) -> list:
    """``(query, expected name)`` for each expected matter that is not in ``names``."""
    return [
        (item["query"], name)
        for item in (queries if queries is not None else load_queries())
        for name in item["expected"]
        if name not in names
    ]
