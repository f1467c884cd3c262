"""Catalog search speed over the full demo catalog (spec §12: p95 ≤ 5 ms a query).

Builds a demo-hall SQLite file in a temporary folder (1,649 district + 5 × 256 township
matters), then prints:

- index build time: cold (first build in the process, pypinyin's dictionaries included) and
  warm (a rebuild, as after an import);
- p50/p95/p99 per query of ``search_matters`` (the change-feed check included, as the apps call
  it) and of the bare in-memory ``CatalogIndex.search``, over a realistic mix typed as a kiosk
  visitor types it: pinyin initials of common matters letter by letter (1–4 letters), full
  pinyin syllable by syllable, Chinese fragments, mixed Chinese and initials, a site filter on
  a township for a third of the queries, and some nonsense;
- PASS/MISS against the budget (p95 of ``search_matters``).

Usage: python benchmarks/search.py [--rounds 5] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from shared.db import create_hall_engine, upgrade  # noqa: E402
from shared.demo.seed import seed_demo  # noqa: E402
from shared.models import ServiceMatter  # noqa: E402
from shared.services.catalog_search import (  # noqa: E402
    CatalogIndex,
    name_readings,
    search_matters,
)

P95_BUDGET_MS = 5.0
TOWNSHIPS = ["town-huarong", "town-miaoling", "town-duandian", "town-linjiang", "town-putuan"]


def _syllables(name: str) -> list[str]:
    return [r[0] for r in name_readings(name) if r]


def query_mix(names: list[str], rng: random.Random, size: int = 120) -> list[str]:
    """Queries as typed: prefixes of initials, of full pinyin, Chinese fragments, mixes."""
    picks = rng.sample(names, min(size, len(names)))
    queries: list[str] = []
    for index, name in enumerate(picks):
        syllables = _syllables(name)
        start = rng.randrange(max(1, min(3, len(syllables) - 1)))
        initials = "".join(s[0] for s in syllables[start:])
        match index % 4:
            case 0 | 1:  # the A–Z keypad: initials, letter by letter
                queries += [initials[:n] for n in range(1, min(4, len(initials)) + 1)]
            case 2:  # full pinyin, syllable by syllable, the last one half typed
                typed = ""
                for syllable in syllables[start : start + 3]:
                    queries.append(typed + syllable[: max(1, len(syllable) // 2)])
                    typed += syllable
                    queries.append(typed)
            case _:  # Chinese at the console, and a Chinese + initials mix
                chars = [c for c in name if "\u4e00" <= c <= "\u9fff"]
                if len(chars) >= 3:
                    queries += ["".join(chars[:2]), "".join(chars[:3])]
                    queries.append(chars[0] + "".join(s[0] for s in syllables[1:3]))
    queries += ["qwxz", "zzzz", "不存在的事项", "xq"]
    return queries


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the query mix")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="hall-search-") as folder:
        engine = create_hall_engine(f"sqlite:///{folder}/hall.db")
        upgrade(engine)
        with sessionmaker(engine).begin() as session:
            seed_demo(session)
        factory = sessionmaker(engine)
        with factory() as session:
            names = list(session.scalars(select(ServiceMatter.name)))
            started = time.perf_counter()
            search_matters(session, "sfz")  # builds the cached index
            cold = time.perf_counter() - started
            index = CatalogIndex()
            index.refresh_if_changed(session)
            warm = index.build_seconds

            queries = query_mix(names, rng)
            sites = [rng.choice(TOWNSHIPS) if i % 3 == 0 else None for i in range(len(queries))]
            service: list[float] = []
            bare: list[float] = []
            hits = 0
            for _ in range(args.rounds):
                for query, site in zip(queries, sites, strict=True):
                    t0 = time.perf_counter()
                    found = search_matters(session, query, site=site)
                    t1 = time.perf_counter()
                    index.search(query, site=site)
                    t2 = time.perf_counter()
                    service.append((t1 - t0) * 1000)
                    bare.append((t2 - t1) * 1000)
                    hits += bool(found)
        engine.dispose()

    print(f"catalog: {len(names)} matters; {len(queries)} queries x {args.rounds} rounds")
    print(
        f"index build: cold {cold * 1000:.0f} ms (first search, pypinyin loaded), "
        f"warm rebuild {warm * 1000:.0f} ms"
    )
    print(f"queries with at least one hit: {hits / len(service):.0%}")
    for label, values in (("search_matters", service), ("index.search  ", bare)):
        print(
            f"{label}  p50 {percentile(values, 0.50):.2f} ms  p95 {percentile(values, 0.95):.2f} ms"
            f"  p99 {percentile(values, 0.99):.2f} ms  mean {statistics.fmean(values):.2f} ms"
        )
    p95 = percentile(service, 0.95)
    verdict = "PASS" if p95 <= P95_BUDGET_MS else "MISS"
    print(f"{verdict}: search_matters p95 {p95:.2f} ms (budget {P95_BUDGET_MS:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
