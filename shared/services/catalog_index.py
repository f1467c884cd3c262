"""The data structures behind catalog search: entries, pools and bigram postings.

:mod:`shared.services.catalog_search` decides what matches and in which order; this module
holds what it searches, built once per index build:

- :class:`Entry`: one active matter with its folded name, its pinyin (one string per reading
  variant, with the offsets where syllables start), its initials, folded aliases and details
  (materials and department), and the plain :class:`MatterHit` screens get.
- :class:`Pool`: entries in rank order with their names, pinyin and initials joined into long
  strings, so a query is a few ``str.find`` calls in C rather than a loop over entries.
- :class:`Postings`: for each field (name, aliases, details), each bigram's bitset of entries
  (bit *i* = the *i*-th entry in rank order), and each site's bitset; a term is then a few
  integer ANDs, and the best entries of a set are its lowest bits (:func:`first_bits`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from shared.services.catalog_pinyin import (
    CJK_RUN,
    LETTER_RUN,
    fold,
    mixed_match,
    name_readings,
    reading_variants,
)

_WORD_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
#: Below this many entries a bigram's bitset is built by shifts, above it from a byte array.
_SMALL = 24


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
    bundle: bool = False  # a 一件事 bundle: opened as one guide, one queue

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "code": self.code,
            "bundle": self.bundle,
            "name": self.name,
            "department": self.department,
            "department_code": self.department_code,
            "queue": self.queue_prefix,
            "type": self.matter_type,
            "audience": self.audience,
            "match": self.kind,
        }


@dataclass(frozen=True)
class Entry:
    """One active matter as search sees it (see the module)."""

    id: Any
    code: str
    name: str
    name_lc: str  # folded: simplified, NFKC, lowercase
    chars: frozenset[str]
    length: int
    pinyin: str  # the variants joined by "|"
    starts: frozenset[int]  # offsets in ``pinyin`` where a syllable starts
    initials: str  # the variants' initials joined by "|"
    readings: tuple[tuple[str, ...], ...]
    syllables: tuple[tuple[str, ...], ...]  # the reading variants
    aliases: tuple[str, ...]  # folded
    details: tuple[str, ...]  # folded material names and the department's name
    hit: MatterHit
    sites: frozenset[str]
    life_events: tuple[str, ...]

    def pinyin_at_syllable(self, q: str) -> bool:
        """Whether ``q`` occurs in the pinyin starting at a syllable."""
        at = self.pinyin.find(q)
        while at >= 0:
            if at in self.starts:
                return True
            at = self.pinyin.find(q, at + 1)
        return False


def make_entry(
    row: Any,
    sites: frozenset[str],
    *,
    aliases: Iterable[str] = (),
    details: Iterable[str] = (),
    bundle: bool = False,
) -> Entry:
    """The entry of one catalog row (``id, code, name, queue_prefix, matter_type, audience,
    life_events, department, department_code``), a 一件事 bundle when ``bundle``;
    ``aliases`` and ``details`` folded."""
    name_lc = fold(row.name)
    readings = name_readings(name_lc)
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
        bundle=bundle,
    )
    return Entry(
        id=row.id,
        code=row.code,
        name=row.name,
        name_lc=name_lc,
        chars=frozenset(name_lc),
        length=len(row.name),
        pinyin="|".join(joined),
        starts=frozenset(starts),
        initials="|".join(dict.fromkeys(initials)),
        readings=readings,
        syllables=variants,
        aliases=tuple(aliases),
        details=tuple(details),
        hit=hit,
        sites=sites,
        life_events=tuple(row.life_events or ()),
    )


class Pool:
    """Entries (in rank order) with their names, pinyin and initials joined into long
    strings, so that a query is found by ``str.find`` rather than a loop over entries.

    The pinyin string holds each reading variant as `` shen fen zheng`` (a space before every
    syllable): a query is cut into syllables (:meth:`_syllable_patterns`: every way it reads
    as whole syllables and a last, possibly unfinished one) and each cut is found as it
    stands, so every occurrence found starts at a syllable and none is skipped one by one.
    """

    def __init__(self, entries: tuple[Entry, ...], syllables: frozenset[str]) -> None:
        self.entries = entries
        self.syllables = syllables
        self.syllable_starts = frozenset(s[:n] for s in syllables for n in range(1, len(s) + 1))
        self.pinyin_text, self.pinyin_offsets = self._join(
            ["|".join(" " + " ".join(v) for v in e.syllables) for e in entries]
        )
        self.initials_text, self.initials_offsets = self._join([e.initials for e in entries])
        self.names_text, self.names_offsets = self._join([e.name_lc for e in entries])
        self.codes = sorted((e.code.lower(), index) for index, e in enumerate(entries))

    @staticmethod
    def _join(parts: list[str]) -> tuple[str, list[int]]:
        offsets, at = [], 0
        for part in parts:
            offsets.append(at)
            at += len(part) + 1
        offsets.append(at)  # the end, so "the next entry" always exists
        return "\n".join(parts), offsets

    def _syllable_patterns(self, q: str, most: int = 16) -> list[str]:
        patterns: list[str] = []

        def walk(start: int, parts: tuple[str, ...]) -> None:
            if len(patterns) >= most:
                return
            if q[start:] in self.syllable_starts:  # the rest: one syllable, maybe unfinished
                patterns.append(" " + " ".join((*parts, q[start:])))
            for end in range(start + 1, min(len(q), start + 6) + 1):
                if end < len(q) and q[start:end] in self.syllables:
                    walk(end, (*parts, q[start:end]))

        walk(0, ())
        return patterns

    def _first(self, text: str, offsets: list[int], pattern: str, limit: int) -> list[int]:
        # The first ``limit`` entries (in rank order) whose text holds ``pattern``.
        found: list[int] = []
        at = text.find(pattern)
        while at >= 0 and len(found) < limit:
            index = bisect_right(offsets, at) - 1
            found.append(index)
            at = text.find(pattern, offsets[index + 1])
        return found

    def letters(self, q: str, limit: int) -> list[tuple[Entry, str]]:
        """Names holding the letters (a name with Latin letters), full pinyin hits (from a
        syllable start), then initials hits, best first."""
        names = self._first(self.names_text, self.names_offsets, q, limit)
        found: dict[int, str] = {
            i: "prefix" if self.entries[i].name_lc.startswith(q) else "contains" for i in names
        }
        pinyin: set[int] = set()
        for pattern in self._syllable_patterns(q):
            pinyin.update(self._first(self.pinyin_text, self.pinyin_offsets, pattern, limit))
        for index in sorted(pinyin):
            if len(found) >= limit:
                break
            found.setdefault(index, "pinyin")
        if len(found) < limit:
            for index in self._first(self.initials_text, self.initials_offsets, q, limit):
                if len(found) >= limit:
                    break
                found.setdefault(index, "initials")
        order = {"prefix": 0, "contains": 0, "pinyin": 1, "initials": 2}
        ranked = sorted(found.items(), key=lambda item: (order[item[1]], item[0]))
        return [(self.entries[index], kind) for index, kind in ranked]

    def codes_and_names(self, q: str, limit: int) -> list[tuple[Entry, str]]:
        """Codes starting with ``q`` (digits), then names holding it, best first."""
        low = bisect_left(self.codes, (q,))
        high = bisect_left(self.codes, (q + "\U0010ffff",))
        code_hits: list[int] = []
        if (high - low) * 4 > len(self.entries):  # most codes: the first come soon enough
            for index, entry in enumerate(self.entries):
                if entry.code.lower().startswith(q):
                    code_hits.append(index)
                    if len(code_hits) >= limit:
                        break
        else:
            code_hits = sorted(index for _code, index in self.codes[low:high])
        hits = [(i, "code") for i in code_hits[:limit]]
        seen = set(code_hits[:limit])
        for index in self._first(self.names_text, self.names_offsets, q, limit):
            if len(hits) >= limit:
                break
            if index not in seen:
                name = self.entries[index].name_lc
                hits.append((index, "prefix" if name.startswith(q) else "contains"))
        return [(self.entries[i], kind) for i, kind in hits]

    def _containing(self, fragment: str) -> Iterator[int]:
        """Indexes of the entries whose name contains ``fragment``, in rank order."""
        text, offsets = self.names_text, self.names_offsets
        at = text.find(fragment)
        while at >= 0:
            index = bisect_right(offsets, at) - 1
            yield index
            at = text.find(fragment, offsets[index + 1])

    def chinese(self, q: str, limit: int) -> list[tuple[Entry, str]]:
        """Names holding ``q``, best first (a prefix is no better than elsewhere)."""
        found = self._first(self.names_text, self.names_offsets, q, limit)
        return [
            (self.entries[i], "prefix" if self.entries[i].name_lc.startswith(q) else "contains")
            for i in found
        ]

    def mixed(self, q: str, limit: int) -> list[tuple[Entry, str]]:
        """Chinese characters with the pinyin or initials of the others (``身份z``)."""
        runs = LETTER_RUN.findall(q)
        anchor = max(CJK_RUN.findall(q), key=len)
        hits: list[tuple[Entry, str]] = []
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


def bigrams(text: str) -> set[str]:
    """The pairs of adjacent word characters in ``text`` (folded), within each word run."""
    found: set[str] = set()
    for run in _WORD_RUN.findall(text):
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found


def _bitset(positions: list[int]) -> int:
    if len(positions) < _SMALL:
        bits = 0
        for position in positions:
            bits |= 1 << position
        return bits
    buffer = bytearray(positions[-1] // 8 + 1)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")


def _splits(form: str) -> list[tuple[str, ...]]:
    # The form whole, and (from four characters) cut in two parts of two or more.
    if len(form) < 2:
        return []  # one character means too little to match on
    cuts: list[tuple[str, ...]] = [(form,)]
    cuts += [(form[:k], form[k:]) for k in range(2, len(form) - 1)]
    return cuts


def first_bits(bits: int, count: int) -> list[int]:
    """The positions of the lowest ``count`` set bits of ``bits``, lowest first."""
    found: list[int] = []
    while bits and len(found) < count:
        low = bits & -bits
        found.append(low.bit_length() - 1)
        bits ^= low
    return found


class Postings:
    """Bigram bitsets per field over entries in rank order (see the module)."""

    def __init__(self, entries: tuple[Entry, ...]) -> None:
        self.entries = entries
        self.position = {e.code: i for i, e in enumerate(entries)}
        fields: tuple[dict[str, list[int]], ...] = ({}, {}, {})
        sites: dict[str, list[int]] = {}
        for position, entry in enumerate(entries):
            texts = (entry.name_lc, "\n".join(entry.aliases), "\n".join(entry.details))
            for postings, text in zip(fields, texts, strict=True):
                for gram in bigrams(text):
                    postings.setdefault(gram, []).append(position)
            for site in entry.sites:
                sites.setdefault(site, []).append(position)
        self.name, self.alias, self.detail = (
            {gram: _bitset(found) for gram, found in postings.items()} for postings in fields
        )
        self.sites = {site: _bitset(found) for site, found in sites.items()}
        self.everything = (1 << len(entries)) - 1

    def _field(self, postings: dict[str, int], grams: Iterable[str]) -> int:
        bits = -1
        for gram in grams:
            bits &= postings.get(gram, 0)
            if not bits:
                return 0
        return bits if bits > 0 else 0

    def term_bits(self, forms: Iterable[str], mask: int) -> tuple[int, int, int]:
        """Entries whose name, aliases, details hold one of ``forms``: all its bigrams, or
        those of its two halves, in either order (``户口注销`` in 死亡注销户口)."""
        name = alias = detail = 0
        for form in forms:
            for parts in _splits(form):
                grams = [bigrams(part) for part in parts]
                name |= self._parts(self.name, grams)
                alias |= self._parts(self.alias, grams)
                detail |= self._parts(self.detail, grams)
        return name & mask, alias & mask, detail & mask

    def _parts(self, postings: dict[str, int], parts: list[set[str]]) -> int:
        bits = -1
        for grams in parts:
            bits &= self._field(postings, grams)
            if not bits:
                return 0
        return bits

    def count(self, text: str) -> int:
        """How many entries hold all bigrams of ``text`` in one of their fields."""
        grams = bigrams(text)
        if not grams:
            return 0
        bits = 0
        for postings in (self.name, self.alias, self.detail):
            bits |= self._field(postings, grams)
        return bits.bit_count()


@lru_cache(maxsize=4096)
def pinyin_key(word: str) -> tuple[str, ...]:
    """A word's full pinyin and its initials (default readings), for letters queries."""
    syllables = [r[0] for r in name_readings(word) if r]
    if len(syllables) < 2:
        return ()
    return ("".join(syllables), "".join(s[0] for s in syllables))


__all__ = [
    "Entry",
    "MatterHit",
    "Pool",
    "Postings",
    "bigrams",
    "first_bits",
    "make_entry",
    "pinyin_key",
]
