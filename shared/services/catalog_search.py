"""Instant catalog search: Chinese, full pinyin, pinyin initials, a mix, and citizens' words.

A kiosk has no input method, so visitors type pinyin initials on an A–Z keypad (``sfz`` finds
居民身份证…) or full pinyin; staff and visitors with the on-screen pinyin keyboard type
Chinese, often as they would say it (``身份证丢了怎么补办``, ``补办 身份证``). Search runs
on every key press, so it reads an in-memory :class:`CatalogIndex`, not the database.

Matching, in rank order:

1. code prefix (digits); the query in a name (``prefix`` or ``contains``); full pinyin
   (the query starts at a syllable and may end mid-syllable: ``shenfenzh``), initials
   (anywhere in the name's initials), mixed (Chinese with the pinyin or initials of the
   others, ``身份z``) — as before issue #11; a Chinese query of one character, or of filler
   words only, is matched this way as typed.
2. A Chinese query is read as terms (:mod:`shared.services.catalog_terms`: filler words
   dropped, each term with its synonyms), found in any order. A matter ranks by the weight
   of the terms it holds (a rare term weighs more, ``1 + ln(N / matters with it)``) — in
   full when in its name or aliases, :data:`WEAK` of it when only in its materials or
   department — then, at equal weight, all in the name (``words``, or ``prefix`` /
   ``contains`` when the name holds the query as typed) before the aliases (``alias``); a
   match that needs materials or department is ``detail``. A matter must hold terms making
   at least :data:`MIN_COVER` of the query's meaningful characters, so one common word of a
   long question does not list half the catalog.
3. For letters, then, the synonyms and aliases whose full pinyin or initials the query is
   (``dibao`` → 低保 → 最低生活保障…).

A term matches a field when every pair of adjacent characters (bigram) of the term, or of one
of its synonyms, is in that field: a bag of bigrams per field and per matter, kept as one
bitset per bigram (bit *i* = the *i*-th matter in rank order), so a term is a few integer
ANDs and the best matters of a tier are its lowest set bits.

Within a rank — and a name holding the query at its start is no better than one holding it
further on — ties are broken by demand: tickets taken for the matter and kiosk guide views
over the last weeks (:mod:`shared.services.catalog_demand`), read when the index is built and
by :meth:`CatalogIndex.refresh_demand` on a slow timer, never per key press; then by code
(no longer by shorter name). Names, aliases and materials are folded (traditional →
simplified, NFKC, lowercase) when indexed and queries when typed, so 身份證 finds 身份证.

Speed (p95 ≤ 5 ms a query at 10× the demo catalog): entries are kept in rank order, and each
site's entries also as long strings (names, pinyin, initials) and sorted codes
(:mod:`shared.services.catalog_index`), so step 1 is a few ``str.find`` calls in C that stop
once ``limit`` hits are found, and step 2 a few integer operations. A mixed query when some
name has Latin letters, or a query of letters and digits, takes a plain one-pass scan
instead (same results; a test checks the two agree).

一件事 bundles are entries too (``MatterHit.bundle``): found by their own name like a
matter, and through their matters' names and their materials as details, so 出生登记 lists
the matter before the bundle that contains it; browsing by department or life event lists
matters only (bundles have their own list).

Freshness: :meth:`CatalogIndex.refresh_if_changed` rebuilds when the change feed has a
``catalog`` change the index has not seen (an import, or an alias import). It first compares
the feed's newest revision (a primary-key lookup) and, only when that moved, reads the
``catalog`` revisions above a floor that trails the feed by :data:`LATE_COMMIT_SECONDS`,
because on PostgreSQL a revision can commit after a larger one. :func:`search_matters` keeps
one index per database URL in a module-level cache guarded by a lock (an index is plain data,
safe to share across threads).
"""

from __future__ import annotations

import heapq
import itertools
import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.changes import latest_revision
from shared.clock import utcnow
from shared.models import (
    Change,
    Department,
    MatterAlias,
    SearchSynonym,
    ServiceMatter,
    Site,
    matter_sites,
)
from shared.models.catalog import MatterBundle, MatterBundleItem, bundle_sites
from shared.services.catalog_demand import DemandTally
from shared.services.catalog_index import (
    Entry,
    MatterHit,
    Pool,
    Postings,
    first_bits,
    make_entry,
    pinyin_key,
)
from shared.services.catalog_pinyin import (
    LETTER_RUN,
    fold,
    is_cjk,
    mixed_match,
    normalise_query,
)
from shared.services.catalog_terms import Vocabulary, shipped_synonyms, split_query

__all__ = [
    "KIND_RANKS",
    "CatalogIndex",
    "MatterHit",
    "forget_indexes",
    "index_for",
    "material_names",
    "refresh_catalog_demand",
    "search_matters",
]

LATE_COMMIT_SECONDS = 10.0

#: The kinds of match, by rank. A name holding the query or its terms (``prefix``,
#: ``contains``, ``words``) is one rank: which comes first is decided by demand, not by where
#: in the name the query stands.
KIND_RANKS = {
    "code": 0,
    "prefix": 1,
    "contains": 1,
    "words": 1,
    "pinyin": 2,
    "initials": 3,
    "mixed": 4,
    "alias": 5,
    "detail": 6,
}
#: A matter must match terms holding at least this share of the query's meaningful characters.
MIN_COVER = 0.2
#: A term found only in a matter's materials or department counts this share of its weight.
WEAK = 0.2
#: At most this many terms of one query are weighed (the heaviest); more add nothing useful.
MAX_TERMS = 5


def material_names(materials: Any) -> Iterable[str]:
    """The names of a matter's materials, from either stored shape.

    Grouped (issue #11): ``[{"title", "rule", "items": [{"name", …}]}]``; flat (before it):
    ``[{"name", "original", "copy"}]``. Anything else is skipped.
    """
    for item in materials or ():
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("items"), list):
            for sub in item["items"]:
                if isinstance(sub, dict) and isinstance(sub.get("name"), str):
                    yield sub["name"]
        elif isinstance(item.get("name"), str):
            yield item["name"]


class CatalogIndex:
    """The active catalog of one database, in memory, for instant search and browsing.

    Args:
        clock: the current instant, for the demand window read at each build (tests pass a
            fixed one).
    """

    def __init__(self, clock: Callable[[], datetime] = utcnow) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: tuple[Entry, ...] = ()  # in rank order: demand, then code
        self._has_latin = False  # some name has Latin letters (the mixed matcher scans)
        self._syllables: frozenset[str] = frozenset()
        self._scan_only = False  # tests: take the one-pass scan for every query
        self._pools: dict[str, Pool] = {}
        self._by_site: dict[str, tuple[Entry, ...]] = {}
        self._postings = Postings(())
        self._vocabulary = Vocabulary(())
        self._spoken: dict[str, tuple[str, ...]] = {}  # pinyin or initials → known words
        self._demand: dict[Any, int] = {}
        self._tally = DemandTally()
        self._checked = -1  # the feed's newest revision at the last check
        self._seen: set[int] = set()  # catalog revisions already reflected
        self._floor = 0  # catalog revisions at or below this are settled
        self._floor_log: list[tuple[float, int]] = []
        self._last_check = 0.0
        self.build_seconds = 0.0
        self.builds = 0
        self.bundles = 0  # how many entries are 一件事 bundles

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

    def refresh_demand(self, session: Session, now: datetime | None = None) -> bool:
        """Re-read demand (tickets and guide views) and re-rank; True if the order changed.

        For a slow timer off the GUI thread (every few minutes): it reads the last two days
        again, the days before are kept from earlier reads.
        """
        with self._lock:
            demand = self._tally.counts(session, now or self._clock())
            if demand == self._demand:
                return False
            self._demand = demand
            order = self._ordered(self._entries)
            if order == self._entries:
                return False
            self._arrange(order)
            return True

    def _build(self, session: Session) -> None:
        started = time.perf_counter()
        sites = _site_codes(session, matter_sites.c.matter_id, matter_sites.c.site_id)
        aliases: dict[Any, list[str]] = {}
        for matter_id, alias in session.execute(select(MatterAlias.matter_id, MatterAlias.alias)):
            aliases.setdefault(matter_id, []).append(alias)
        synonyms = [(s.term, s.means) for s in shipped_synonyms()]
        synonyms += [
            (t, m) for t, m in session.execute(select(SearchSynonym.term, SearchSynonym.means))
        ]
        rows = session.execute(
            select(
                ServiceMatter.id,
                ServiceMatter.code,
                ServiceMatter.name,
                ServiceMatter.queue_prefix,
                ServiceMatter.matter_type,
                ServiceMatter.audience,
                ServiceMatter.life_events,
                ServiceMatter.materials,
                Department.name.label("department"),
                Department.code.label("department_code"),
            )
            .join(Department, Department.id == ServiceMatter.department_id)
            .where(ServiceMatter.active.is_(True))
            .order_by(ServiceMatter.code)
        )
        entries = [
            make_entry(
                row,
                frozenset(sites.get(row.id, ())),
                aliases=[fold(a) for a in aliases.get(row.id, ())],
                details=[fold(m) for m in material_names(row.materials)] + [fold(row.department)],
            )
            for row in rows
        ]
        entries += _bundle_entries(session)
        self._demand = self._tally.counts(session, self._clock())
        self._vocabulary = Vocabulary(synonyms, (a for names in aliases.values() for a in names))
        spoken: dict[str, dict[str, None]] = {}
        for word in self._vocabulary.known:
            for key in pinyin_key(word):
                spoken.setdefault(key, {})[word] = None
        self._spoken = {key: tuple(words) for key, words in spoken.items()}
        self._arrange(self._ordered(entries))
        self.build_seconds = time.perf_counter() - started
        self.builds += 1

    def _ordered(self, entries: Iterable[Entry]) -> tuple[Entry, ...]:
        demand = self._demand
        return tuple(sorted(entries, key=lambda e: (-demand.get(e.id, 0), e.code)))

    def _arrange(self, entries: tuple[Entry, ...]) -> None:
        by_site: dict[str, list[Entry]] = {}
        for entry in entries:
            for code in entry.sites:
                by_site.setdefault(code, []).append(entry)
        self._entries = entries
        self.bundles = sum(1 for e in entries if e.hit.bundle)
        self._has_latin = any(c.isascii() and c.isalpha() for e in entries for c in e.name_lc)
        self._by_site = {code: tuple(items) for code, items in by_site.items()}
        syllables = frozenset(s for e in entries for v in e.syllables for s in v)
        self._syllables = syllables
        self._pools = {"": Pool(entries, syllables)} | {
            c: Pool(e, syllables) for c, e in self._by_site.items()
        }
        self._postings = Postings(entries)

    # ------------------------------------------------------------ queries

    def _pool(self, site: str | None) -> tuple[Entry, ...]:
        return self._entries if site is None else self._by_site.get(site, ())

    def _fast_pool(self, site: str | None) -> Pool:
        return self._pools.get(site or "") or Pool((), self._syllables)

    def search(self, query: str, *, site: str | None = None, limit: int = 20) -> list[MatterHit]:
        """The best ``limit`` matches for ``query`` (see the module for the rules)."""
        q = normalise_query(query)
        if not q or limit <= 0:
            return []
        has_cjk = any(is_cjk(c) for c in q)
        letters = q.isascii() and q.isalpha()
        digits = any(c.isdigit() for c in q)
        mixed = has_cjk and LETTER_RUN.search(q) is not None
        if has_cjk and not mixed:
            by_terms = self._by_terms(split_query(query), q, site, limit, [])
            if by_terms is not None:
                return [_hit(e, kind) for e, kind in by_terms]
            # No term at all (one character, or only filler words): the query as typed.
        pool = self._fast_pool(site)
        if self._scan_only or (mixed and self._has_latin) or (digits and not q.isdigit()):
            found = self._scan(q, site, limit, has_cjk=has_cjk, letters=letters, digits=digits)
        elif digits:
            found = pool.codes_and_names(q, limit)
        elif letters:
            found = pool.letters(q, limit)
        elif mixed:
            found = pool.mixed(q, limit)
        else:
            found = pool.chinese(q, limit)
        if letters:
            for word in self._spoken.get(q, ()):
                if len(found) >= limit:
                    break
                # Names and aliases only: the letters stand for this word, not its mentions.
                found += self._by_terms(word, word, site, limit, found, weak=False) or []
        return [_hit(e, kind) for e, kind in found[:limit]]

    def _scan(
        self, q: str, site: str | None, limit: int, *, has_cjk: bool, letters: bool, digits: bool
    ) -> list[tuple[Entry, str]]:
        # The general path (codes, names with Latin letters): one pass over the entries in
        # rank order; once ``limit`` hits of the best kind this query can have are found, no
        # later entry can rank above them.
        best = KIND_RANKS["code" if digits else "prefix"]
        wanted = frozenset(c for c in q if is_cjk(c))
        runs = LETTER_RUN.findall(q) if has_cjk else []
        scored: list[tuple[int, int, Entry, str]] = []
        enough = 0
        for position, e in enumerate(self._pool(site)):
            kind = ""
            if digits and e.code.lower().startswith(q):
                kind = "code"
            elif q in e.name_lc:
                kind = "prefix" if e.name_lc.startswith(q) else "contains"
            elif letters:
                if e.pinyin_at_syllable(q):
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
                scored.append((rank, position, e, kind))
                enough += rank <= best
                if enough >= limit:
                    break
        top = heapq.nsmallest(limit, scored, key=lambda t: (t[0], t[1]))
        return [(e, kind) for _rank, _position, e, kind in top]

    def _by_terms(
        self,
        text: str,
        compact: str,
        site: str | None,
        limit: int,
        found: list[tuple[Entry, str]],
        *,
        weak: bool = True,
    ) -> list[tuple[Entry, str]] | None:
        """Step 2 of the module: matters holding the query's terms, best first, skipping
        ``found`` (and, without ``weak``, matters holding a term only in their materials or
        department); ``None`` when the query has no term (nothing to match on)."""
        postings = self._postings
        reading = self._vocabulary.terms(text, postings.count)
        if not reading.terms:
            return None
        mask = postings.everything if site is None else postings.sites.get(site, 0)
        size = mask.bit_count()
        matched: list[_Matched] = []
        for term in reading.terms:
            name, alias, detail = postings.term_bits(term.forms, mask)
            strong = name | alias
            only_detail = detail & ~strong
            if strong or only_detail:
                weight = 1.0 + math.log(size / (1 + strong.bit_count()))
                matched.append(_Matched(weight, len(term.text), name, strong, only_detail))
        meaningful = sum(len(t.text) for t in reading.terms) + reading.loose
        matched.sort(key=lambda m: -m.weight)
        del matched[MAX_TERMS:]
        taken = 0
        for entry, _kind in found:
            taken |= 1 << postings.position[entry.code]
        hits: list[tuple[Entry, str]] = []
        wanted = limit - len(found)
        partial: dict[tuple[int, ...], int] = {(): mask & ~taken}
        for states in _combinations(matched, MIN_COVER * meaningful, weak=weak):
            bits = _partial(partial, states, matched)
            if not bits:
                continue
            found_strong = [m for m, st in zip(matched, states, strict=True) if st == _STRONG]
            any_weak = any(state == _WEAK for state in states)
            in_name = bits
            for m in found_strong:
                in_name &= m.name
            for part, kind in ((in_name, "words"), (bits & ~in_name, "alias")):
                for position in first_bits(part, wanted - len(hits)):
                    entry = postings.entries[position]
                    if any_weak or not found_strong:
                        label = "detail"
                    elif kind == "words" and compact in entry.name_lc:
                        label = "prefix" if entry.name_lc.startswith(compact) else "contains"
                    else:
                        label = kind
                    hits.append((entry, label))
                if len(hits) >= wanted:
                    return hits
        return hits

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
            if not e.hit.bundle  # bundles are browsed as bundles (catalog_guide.list_bundles)
            and (department is None or e.hit.department_code == department)
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


def _site_codes(session: Session, owner: Any, site: Any) -> dict[Any, set[str]]:
    """The site codes of each row of a link table (``owner`` and ``site`` are its columns)."""
    found: dict[Any, set[str]] = {}
    for key, code in session.execute(select(owner, Site.code).join(Site, Site.id == site)):
        found.setdefault(key, set()).add(code)
    return found


def _bundle_entries(session: Session) -> list[Entry]:
    """Active 一件事 bundles as entries: found by their own name; their matters' names and
    the materials count as details (below a matter found by its name)."""
    bundles = session.execute(
        select(
            MatterBundle.id,
            MatterBundle.code,
            MatterBundle.name,
            MatterBundle.queue_prefix,
            MatterBundle.materials,
            Department.name.label("department"),
            Department.code.label("department_code"),
        )
        .outerjoin(Department, Department.id == MatterBundle.department_id)
        .where(MatterBundle.active.is_(True))
    ).all()
    if not bundles:
        return []
    sites = _site_codes(session, bundle_sites.c.bundle_id, bundle_sites.c.site_id)
    members: dict[Any, list[tuple[str, str, str]]] = {}
    for bundle_id, name, department, department_code in session.execute(
        select(MatterBundleItem.bundle_id, ServiceMatter.name, Department.name, Department.code)
        .join(ServiceMatter, ServiceMatter.id == MatterBundleItem.matter_id)
        .join(Department, Department.id == ServiceMatter.department_id)
        .order_by(MatterBundleItem.bundle_id, MatterBundleItem.position)
    ):
        members.setdefault(bundle_id, []).append((name, department, department_code))
    entries = []
    for row in bundles:
        own = members.get(row.id, [])
        # No lead department published: the members' departments, as the guide shows them.
        department = row.department or "、".join(dict.fromkeys(m[1] for m in own))
        plain = _BundleRow(
            id=row.id,
            code=row.code,
            name=row.name,
            queue_prefix=row.queue_prefix,
            matter_type="一件事",
            audience="",
            life_events=(),
            department=department,
            department_code=row.department_code or "",
        )
        details = [fold(m[0]) for m in own] + [fold(m) for m in material_names(row.materials)]
        details += [fold(d) for d in dict.fromkeys(m[1] for m in own)]
        entries.append(
            make_entry(plain, frozenset(sites.get(row.id, ())), details=details, bundle=True)
        )
    return entries


@dataclass(frozen=True)
class _BundleRow:
    """A bundle in the shape of a catalog row (:func:`make_entry`)."""

    id: Any
    code: str
    name: str
    queue_prefix: str
    matter_type: str
    audience: str
    life_events: tuple[str, ...]
    department: str
    department_code: str


_NONE, _WEAK, _STRONG = 0, 1, 2


@dataclass(frozen=True)
class _Matched:
    """One query term as found: its weight, its length, and the entries holding it in the
    name, in the name or aliases (strong), or only in materials or department (weak)."""

    weight: float
    length: int
    name: int
    strong: int
    weak: int


def _combinations(
    matched: list[_Matched], cover: float, *, weak: bool = True
) -> list[tuple[int, ...]]:
    """Each way the terms can be found (strong, weak, absent per term) that covers at least
    ``cover`` characters, best score first (a weak find counts :data:`WEAK` of a weight)."""
    ranked = []
    states_of = (_STRONG, _WEAK, _NONE) if weak else (_STRONG, _NONE)
    for states in itertools.product(states_of, repeat=len(matched)):
        length = sum(m.length for m, s in zip(matched, states, strict=True) if s != _NONE)
        if length == 0 or length < cover:
            continue
        score = sum(
            m.weight * (1.0 if s == _STRONG else WEAK)
            for m, s in zip(matched, states, strict=True)
            if s != _NONE
        )
        ranked.append((-score, -states.count(_STRONG), states))
    ranked.sort()
    return [states for _score, _strong, states in ranked]


def _partial(
    cache: dict[tuple[int, ...], int], states: tuple[int, ...], matched: list[_Matched]
) -> int:
    """The entries found exactly as ``states`` says, reusing the sets of its prefixes."""
    depth = len(states)
    while states[:depth] not in cache:
        depth -= 1
    bits = cache[states[:depth]]
    for index in range(depth, len(states)):
        if bits:
            m, state = matched[index], states[index]
            if state == _STRONG:
                bits &= m.strong
            elif state == _WEAK:
                bits &= m.weak
            else:
                bits &= ~(m.strong | m.weak)
        cache[states[: index + 1]] = bits
    return bits


def _hit(entry: Entry, kind: str) -> MatterHit:
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
        rank=KIND_RANKS[kind],
        bundle=base.bundle,
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
    session: Session,
    query: str,
    *,
    site: str | None = None,
    limit: int = 20,
    bundles: bool = True,
) -> list[MatterHit]:
    """Search the active catalog (see the module for matching, ranking and caching).

    Args:
        session: any session on the hall database (read-only is enough).
        query: Chinese (simplified or traditional, any words in any order), full pinyin,
            pinyin initials, a mix, or a code prefix.
        site: only matters (and 一件事 bundles) offered at this site code.
        limit: at most this many hits, best first.
        bundles: include 一件事 bundles (``False`` where only a single matter will do).
    """
    index = index_for(session)
    if bundles:
        return index.search(query, site=site, limit=limit)
    hits = index.search(query, site=site, limit=limit + index.bundles)
    return [hit for hit in hits if not hit.bundle][:limit]


def refresh_catalog_demand(session: Session, now: datetime | None = None) -> bool:
    """Re-rank the session's cached index by fresh demand (for a slow timer, off the GUI
    thread); True if the order changed."""
    return index_for(session).refresh_demand(session, now)
