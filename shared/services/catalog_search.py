"""Instant catalog search: Chinese, full pinyin, pinyin initials, and a mix of them.

A kiosk has no input method, so visitors type pinyin initials on an A–Z keypad (``sfz`` finds
居民身份证…) or full pinyin; staff may type Chinese. Search runs on every key press, so it
reads an in-memory :class:`CatalogIndex`, not the database.

The index holds, per active matter, its name, its pinyin as one string per reading variant
(with the offsets where syllables start) and its initials. Pinyin is computed once per name
(cached across rebuilds): the phrase-aware default reading of each run of Chinese characters
(长辈 → zhang bei, 重大 → zhong da) plus the other common readings of the usual heteronyms
(see :mod:`shared.services.catalog_pinyin`), and ``u`` for ``ü`` besides pypinyin's ``v``.

Ranking: code prefix (digits), then name prefix, name contains, full pinyin (the query starts
at a syllable and may end mid-syllable: ``shenfenzh``), initials (anywhere in the name's
initials), mixed (Chinese and pinyin or initials, e.g. ``身份z``); ties by shorter name, then
code.

Speed (spec §12: p95 ≤ 5 ms a query): entries are kept in (name length, code) order, and
each site's entries also as three long strings (names, pinyin, initials), so a query is a few
``str.find`` calls in C that stop once ``limit`` hits of the best kind are found, rather than a
Python loop over 2,929 matters. Names with Latin letters or a query with digits take a plain
one-pass scan instead (same results; a test checks the two agree).

Freshness: :meth:`CatalogIndex.refresh_if_changed` rebuilds when the change feed has a
``catalog`` change the index has not seen. It first compares the feed's newest revision (a
primary-key lookup) and, only when that moved, reads the ``catalog`` revisions above a floor
that trails the feed by :data:`LATE_COMMIT_SECONDS`, because on PostgreSQL a revision can
commit after a larger one. :func:`search_matters` keeps one index per database URL in a
module-level cache guarded by a lock (an index is plain data, safe to share across threads).
"""

from __future__ import annotations

import heapq
import threading
import time
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.changes import latest_revision
from shared.models import Change, Department, ServiceMatter, Site, matter_sites
from shared.services.catalog_pinyin import (
    CJK_RUN,
    LETTER_RUN,
    is_cjk,
    mixed_match,
    name_readings,
    normalise_query,
    reading_variants,
)

LATE_COMMIT_SECONDS = 10.0

KIND_RANKS = {"code": 0, "prefix": 1, "contains": 2, "pinyin": 3, "initials": 4, "mixed": 5}


@dataclass(frozen=True)
class MatterHit:
    """One search or browse result (plain data for screens and the CLI)."""

    code: str
    name: str
    department: str
    department_code: str
    queue_prefix: str
    matter_type: str
    audience: str
    kind: str
    rank: int

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "code": self.code,
            "name": self.name,
            "department": self.department,
            "department_code": self.department_code,
            "queue": self.queue_prefix,
            "type": self.matter_type,
            "audience": self.audience,
            "match": self.kind,
        }


@dataclass(frozen=True)
class _Entry:
    code: str
    name: str
    name_lc: str
    chars: frozenset[str]
    length: int
    pinyin: str  # the variants joined by "|"
    starts: frozenset[int]  # offsets in ``pinyin`` where a syllable starts
    initials: str  # the variants' initials joined by "|"
    readings: tuple[tuple[str, ...], ...]
    syllables: tuple[tuple[str, ...], ...]  # the reading variants
    hit: MatterHit
    sites: frozenset[str]
    life_events: tuple[str, ...]


def _entry(row: Any, sites: frozenset[str]) -> _Entry:
    readings = name_readings(row.name)
    joined, starts, initials = [], set(), []
    offset = 0
    variants = tuple(dict.fromkeys(reading_variants(readings)))
    for variant in variants:
        for syllable in variant:
            starts.add(offset)
            offset += len(syllable)
        joined.append("".join(variant))
        initials.append("".join(s[0] for s in variant))
        offset += 1  # the "|" separator
    hit = MatterHit(
        code=row.code,
        name=row.name,
        department=row.department,
        department_code=row.department_code,
        queue_prefix=row.queue_prefix,
        matter_type=row.matter_type,
        audience=row.audience,
        kind="",
        rank=0,
    )
    return _Entry(
        code=row.code,
        name=row.name,
        name_lc=row.name.lower(),
        chars=frozenset(row.name.lower()),
        length=len(row.name),
        pinyin="|".join(joined),
        starts=frozenset(starts),
        initials="|".join(dict.fromkeys(initials)),
        readings=readings,
        syllables=variants,
        hit=hit,
        sites=sites,
        life_events=tuple(row.life_events or ()),
    )


class _Pool:
    """Entries (in rank order) with their pinyin and initials joined into two long strings,
    so that a letters-only query is found by ``str.find`` rather than a loop over entries.
    ``starts`` marks the offsets in ``pinyin_text`` where a syllable starts."""

    def __init__(self, entries: tuple[_Entry, ...]) -> None:
        self.entries = entries
        self.pinyin_text, self.pinyin_offsets = self._join([e.pinyin for e in entries])
        self.initials_text, self.initials_offsets = self._join([e.initials for e in entries])
        self.names_text, self.names_offsets = self._join([e.name_lc for e in entries])
        self.starts = bytearray(len(self.pinyin_text) + 1)
        for entry, base in zip(entries, self.pinyin_offsets[:-1], strict=True):
            for offset in entry.starts:
                self.starts[base + offset] = 1

    @staticmethod
    def _join(parts: list[str]) -> tuple[str, list[int]]:
        offsets, at = [], 0
        for part in parts:
            offsets.append(at)
            at += len(part) + 1
        offsets.append(at)  # the end, so "the next entry" always exists
        return "\n".join(parts), offsets

    def letters(self, q: str, limit: int) -> list[tuple[_Entry, str]]:
        """Full pinyin hits (from a syllable start), then initials hits, best first."""
        found: dict[int, str] = {}
        starts = self.starts
        for kind, text, offsets in (
            ("pinyin", self.pinyin_text, self.pinyin_offsets),
            ("initials", self.initials_text, self.initials_offsets),
        ):
            at = text.find(q)
            while at >= 0 and len(found) < limit:
                if kind == "initials" or starts[at]:
                    index = bisect_right(offsets, at) - 1
                    found.setdefault(index, kind)
                    at = text.find(q, offsets[index + 1])  # on to the next entry
                else:
                    at = text.find(q, at + 1)
        ranked = sorted(found.items(), key=lambda item: (KIND_RANKS[item[1]], item[0]))
        return [(self.entries[index], kind) for index, kind in ranked]

    def _containing(self, fragment: str) -> Iterator[int]:
        """Indexes of the entries whose name contains ``fragment``, in rank order."""
        text, offsets = self.names_text, self.names_offsets
        at = text.find(fragment)
        while at >= 0:
            index = bisect_right(offsets, at) - 1
            yield index
            at = text.find(fragment, offsets[index + 1])

    def chinese(self, q: str, limit: int) -> list[tuple[_Entry, str]]:
        """Name-prefix hits, then name-contains hits, best first."""
        prefix: list[int] = []
        contains: list[int] = []
        for index in self._containing(q):
            if self.entries[index].name_lc.startswith(q):
                prefix.append(index)
                if len(prefix) >= limit:
                    break
            else:
                contains.append(index)
        hits = [(i, "prefix") for i in prefix] + [(i, "contains") for i in contains]
        return [(self.entries[i], kind) for i, kind in hits[:limit]]

    def mixed(self, q: str, limit: int) -> list[tuple[_Entry, str]]:
        """Chinese characters with the pinyin or initials of the others (``身份z``)."""
        runs = LETTER_RUN.findall(q)
        anchor = max(CJK_RUN.findall(q), key=len)
        hits: list[tuple[_Entry, str]] = []
        for index in self._containing(anchor):
            e = self.entries[index]
            # Each run of letters is a run of initials or of pinyin: a cheap filter first.
            if all(run in e.initials or run in e.pinyin for run in runs) and mixed_match(
                e.readings, e.name_lc, q
            ):
                hits.append((e, "mixed"))
                if len(hits) >= limit:
                    break
        return hits


class CatalogIndex:
    """The active catalog of one database, in memory, for instant search and browsing."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: tuple[_Entry, ...] = ()  # by name length, then code
        self._has_latin = False
        self._pools: dict[str, _Pool] = {}
        self._by_site: dict[str, tuple[_Entry, ...]] = {}
        self._checked = -1  # the feed's newest revision at the last check
        self._seen: set[int] = set()  # catalog revisions already reflected
        self._floor = 0  # catalog revisions at or below this are settled
        self._floor_log: list[tuple[float, int]] = []
        self._last_check = 0.0
        self.build_seconds = 0.0
        self.builds = 0

    def __len__(self) -> int:
        return len(self._entries)

    # ------------------------------------------------------------ freshness

    def refresh_if_changed(self, session: Session) -> bool:
        """Rebuild if the feed has a catalog change not yet reflected; True if rebuilt."""
        with self._lock:
            now = time.monotonic()
            latest = latest_revision(session)
            if latest == self._checked and now - self._last_check < LATE_COMMIT_SECONDS:
                return False
            revisions = set(
                session.scalars(
                    select(Change.revision).where(
                        Change.kind == "catalog", Change.revision > self._floor
                    )
                )
            )
            self._floor_log.append((now, latest))
            settled = [rev for at, rev in self._floor_log if now - at >= LATE_COMMIT_SECONDS]
            if settled:
                self._floor = max(self._floor, max(settled))
                self._floor_log = [(at, r) for at, r in self._floor_log if r > self._floor]
            self._checked, self._last_check = latest, now
            fresh = revisions - self._seen
            if not fresh and self.builds:
                return False
            self._build(session)
            self._seen = {r for r in self._seen | revisions if r > self._floor}
            return True

    def _build(self, session: Session) -> None:
        started = time.perf_counter()
        site_rows = session.execute(
            select(matter_sites.c.matter_id, Site.code).join(
                Site, Site.id == matter_sites.c.site_id
            )
        )
        sites: dict[Any, set[str]] = {}
        for matter_id, code in site_rows:
            sites.setdefault(matter_id, set()).add(code)
        rows = session.execute(
            select(
                ServiceMatter.id,
                ServiceMatter.code,
                ServiceMatter.name,
                ServiceMatter.queue_prefix,
                ServiceMatter.matter_type,
                ServiceMatter.audience,
                ServiceMatter.life_events,
                Department.name.label("department"),
                Department.code.label("department_code"),
            )
            .join(Department, Department.id == ServiceMatter.department_id)
            .where(ServiceMatter.active.is_(True))
            .order_by(ServiceMatter.code)
        )
        entries = tuple(
            sorted(
                (_entry(row, frozenset(sites.get(row.id, ()))) for row in rows),
                key=lambda e: (e.length, e.code),
            )
        )
        by_site: dict[str, list[_Entry]] = {}
        for entry in entries:
            for code in entry.sites:
                by_site.setdefault(code, []).append(entry)
        self._entries = entries
        self._has_latin = any(c.isascii() and c.isalnum() for e in entries for c in e.name)
        self._by_site = {code: tuple(items) for code, items in by_site.items()}
        self._pools = {"": _Pool(entries)} | {c: _Pool(e) for c, e in self._by_site.items()}
        self.build_seconds = time.perf_counter() - started
        self.builds += 1

    # ------------------------------------------------------------ queries

    def _pool(self, site: str | None) -> tuple[_Entry, ...]:
        return self._entries if site is None else self._by_site.get(site, ())

    def _fast_pool(self, site: str | None) -> _Pool:
        return self._pools.get(site or "") or _Pool(())

    def search(self, query: str, *, site: str | None = None, limit: int = 20) -> list[MatterHit]:
        """The best ``limit`` matches for ``query`` (see the module for the rules)."""
        q = normalise_query(query)
        if not q or limit <= 0:
            return []
        has_cjk = any(is_cjk(c) for c in q)
        letters = q.isascii() and q.isalpha()
        digits = any(c.isdigit() for c in q)
        if not self._has_latin and not digits:
            # The fast paths: long strings searched by str.find, entries in rank order.
            pool = self._fast_pool(site)
            if letters:
                found = pool.letters(q, limit)
            elif not has_cjk or not LETTER_RUN.search(q):
                found = pool.chinese(q, limit)
            else:
                found = pool.mixed(q, limit)
            return [_hit(e, kind, KIND_RANKS[kind]) for e, kind in found]
        # The general path (codes, names with Latin letters): one pass over the entries in
        # (name length, code) order; once ``limit`` hits of the best kind this query can
        # have are found, no later entry can rank above them.
        best = KIND_RANKS["code" if digits else "prefix"]
        wanted = frozenset(c for c in q if is_cjk(c))
        runs = LETTER_RUN.findall(q) if has_cjk else []
        scored: list[tuple[int, int, str, _Entry, str]] = []
        enough = 0
        for e in self._pool(site):
            kind = ""
            if digits and e.code.lower().startswith(q):
                kind = "code"
            elif q in e.name_lc:
                kind = "prefix" if e.name_lc.startswith(q) else "contains"
            elif letters:
                if _pinyin_at_syllable(e, q):
                    kind = "pinyin"
                elif q in e.initials:
                    kind = "initials"
            elif (
                runs
                and wanted <= e.chars
                and all(run in e.initials or run in e.pinyin for run in runs)
                and mixed_match(e.readings, e.name_lc, q)
            ):
                kind = "mixed"
            if kind:
                rank = KIND_RANKS[kind]
                scored.append((rank, e.length, e.code, e, kind))
                enough += rank <= best
                if enough >= limit:
                    break
        top = heapq.nsmallest(limit, scored, key=lambda t: (t[0], t[1], t[2]))
        return [_hit(e, kind, rank) for rank, _l, _c, e, kind in top]

    def browse(
        self,
        *,
        site: str | None = None,
        department: str | None = None,
        life_event: str | None = None,
        audience: str | None = None,
    ) -> list[MatterHit]:
        """Matters filtered by department code, life event and audience, by name."""
        found = [
            e
            for e in self._pool(site)
            if (department is None or e.hit.department_code == department)
            and (life_event is None or life_event in e.life_events)
            and (audience is None or audience in e.hit.audience)
        ]
        found.sort(key=lambda e: (e.length, e.code))
        return [e.hit for e in found]

    def life_events(self, *, site: str | None = None) -> dict[str, int]:
        """Each life event with how many active matters carry it (most first)."""
        counts: dict[str, int] = {}
        for entry in self._pool(site):
            for event in entry.life_events:
                counts[event] = counts.get(event, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _pinyin_at_syllable(entry: _Entry, q: str) -> bool:
    at = entry.pinyin.find(q)
    while at >= 0:
        if at in entry.starts:
            return True
        at = entry.pinyin.find(q, at + 1)
    return False


def _hit(entry: _Entry, kind: str, rank: int) -> MatterHit:
    base = entry.hit
    return MatterHit(
        code=base.code,
        name=base.name,
        department=base.department,
        department_code=base.department_code,
        queue_prefix=base.queue_prefix,
        matter_type=base.matter_type,
        audience=base.audience,
        kind=kind,
        rank=rank,
    )


_INDEXES: dict[str, CatalogIndex] = {}
_INDEXES_LOCK = threading.Lock()


def index_for(session: Session) -> CatalogIndex:
    """The cached index of the session's database (by engine URL), refreshed if needed."""
    key = session.get_bind().engine.url.render_as_string(hide_password=False)
    with _INDEXES_LOCK:
        index = _INDEXES.get(key)
        if index is None:
            index = _INDEXES[key] = CatalogIndex()
    index.refresh_if_changed(session)
    return index


def forget_indexes(urls: Iterable[str] | None = None) -> None:
    """Drop cached indexes (all, or those of ``urls``), e.g. when a database is replaced."""
    with _INDEXES_LOCK:
        if urls is None:
            _INDEXES.clear()
        for url in urls or ():
            _INDEXES.pop(url, None)


def search_matters(
    session: Session, query: str, *, site: str | None = None, limit: int = 20
) -> list[MatterHit]:
    """Search the active catalog (see the module for matching, ranking and caching).

    Args:
        session: any session on the hall database (read-only is enough).
        query: Chinese, full pinyin, pinyin initials, a mix, or a code prefix.
        site: only matters offered at this site code.
        limit: at most this many hits, best first.
    """
    return index_for(session).search(query, site=site, limit=limit)
