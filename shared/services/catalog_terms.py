"""How search reads a citizen's query: filler words, synonyms, and the terms that are left.

Citizens type what they would say at the information desk — ``身份证丢了怎么补办``,
``我想办营业执照``, ``补办 身份证`` — not the catalog's names. :func:`segment` turns such a
query into terms (``身份证``, ``丢了``, ``补办``); search then looks for each term, and for
the words it means, in a matter's name, aliases, materials and department.

Segmentation needs no general dictionary (jieba loads 5 MB and ~1 s at start-up and warns
under the tests' strict warnings): the words that matter are known. A query is split at
spaces and punctuation; in each run of Chinese characters the longest known word at each
position is taken, left to right — a filler word (:data:`STOP_WORDS`), a synonym (the shipped
list plus the hall's), or a matter's alias. Text between known words is cut into the longest
pieces that occur in the catalog (the search index answers that from its n-gram postings);
single characters left over are dropped, since one character matches too much to mean
anything.

Synonyms are pairs (``补办`` ↔ ``补领``) read from ``resources/search/synonyms.csv`` (each
with the published page where the colloquial word is used) and from the hall's own rows
(``hall catalog aliases import``). A pair works both ways and one step only: 补办 finds
补领, 补领 finds 补办, but a word two pairs away is not reached.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from shared.paths import resources_dir
from shared.services.catalog_pinyin import fold

#: Words that say how a citizen asks, not what for: dropped from queries. Kept small and
#: literal (longer forms listed too, since the longest known word wins): asking
#: (请问/我想/怎么/如何/在哪), doing (办理/办一下/去办), wanting to know (需要什么/要带/
#: 材料/流程/多久), and pronouns (我的/我家). Single characters need no entry: a lone
#: character left over is dropped anyway.
_STOP_TEXT = """
    请问 你好 您好 咨询 一下 问下 问一下 想问 想问下 想问一下 打听
    我想 我要 我需 我需要 想要 想办 要办 我想办 我要办 去办 来办 办个 办一个 办一下 给我办
    帮我 帮忙 怎么 怎么办 怎么样 怎样 怎么弄 如何 如何办 咋办 咋 怎么才能 怎样才能
    办理 办里 去哪 去哪里 去哪儿 在哪 在哪里 在哪儿 哪里 哪儿 哪个 哪些 那里 这里 这边
    需要 需要什么 要什么 需要哪些 要哪些 要带 带什么 要带什么 什么 啥 准备 准备什么
    材料 资料 手续 流程 步骤 条件 要求 多久 多长时间 几天 多少钱 费用 收费 收不收费
    可以 可不可以 能不能 能否 是否 能够 还能 是不是 有没有 应该 应当 已经 现在 马上
    我的 我们 我家 他的 她的 自己 本人 家里 的话 还有 然后 以及 或者 还是 就是
    吗 呢 吧 啊 呀 了 的 得 地 着
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

SYNONYMS_FILE = ("search", "synonyms.csv")
_CJK_OR_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Synonym:
    """``term`` means ``means`` (and the other way round); ``source`` says where it is used."""

    term: str
    means: str
    source: str = ""
    note: str = ""


@lru_cache(maxsize=1)
def shipped_synonyms() -> tuple[Synonym, ...]:
    """The synonym pairs shipped in ``resources/search/synonyms.csv`` (read once).

    The file has the columns of ``hall catalog aliases import`` (俗称, 对应词, 来源, 备注);
    lines starting with ``#`` are comments.
    """
    path = resources_dir().joinpath(*SYNONYMS_FILE)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    rows = list(csv.DictReader(lines))
    return tuple(
        Synonym(row["俗称"].strip(), row["对应词"].strip(), row["来源"].strip(), row["备注"])
        for row in rows
        if row.get("俗称") and row.get("对应词")
    )


@dataclass(frozen=True)
class Term:
    """One piece of a query and the words it may appear as (itself first)."""

    text: str
    forms: tuple[str, ...]
    known: bool  # a synonym or an alias, rather than a piece found in the catalog


@dataclass(frozen=True)
class QueryTerms:
    """A query's terms, and how many of its characters became none (``loose``: neither a
    filler nor part of a term), which search counts as words it could not match."""

    terms: tuple[Term, ...]
    loose: int


class Vocabulary:
    """Synonym pairs and aliases, folded, as the words segmentation knows.

    Args:
        synonyms: ``(term, means)`` pairs; each works both ways.
        aliases: matters' aliases (known words, so a query is cut around them).
    """

    def __init__(self, synonyms: Iterable[tuple[str, str]], aliases: Iterable[str] = ()) -> None:
        forms: dict[str, dict[str, None]] = {}
        for term, means in synonyms:
            a, b = _word(term), _word(means)
            if a and b and a != b:
                forms.setdefault(a, {a: None})[b] = None
                forms.setdefault(b, {b: None})[a] = None
        self.forms = {word: tuple(found) for word, found in forms.items()}
        self.known = set(self.forms) | {w for w in map(_word, aliases) if len(w) >= 2}
        self.longest = max((len(w) for w in self.known | STOP_WORDS), default=1)

    def terms(self, query: str, count: Callable[[str], int]) -> QueryTerms:
        """The terms of a folded query (see the module); ``count(text)`` says in how many
        matters a piece of text is found."""
        found: list[Term] = []
        loose = 0
        for run in _CJK_OR_WORD.findall(query):
            if not _CJK.match(run):
                if len(run) >= 2:
                    found.append(Term(run, (run,), False))
                continue
            gap = start = 0
            while start < len(run):
                word = self._known_at(run, start)
                if not word:
                    start += 1
                    continue
                pieces, dropped = self._pieces(run[gap:start], count)
                found += pieces
                loose += dropped
                if word not in STOP_WORDS:
                    found.append(Term(word, self.forms.get(word, (word,)), True))
                start = gap = start + len(word)
            pieces, dropped = self._pieces(run[gap:], count)
            found += pieces
            loose += dropped
        unique: dict[str, Term] = {}
        for term in found:
            unique.setdefault(term.text, term)
        return QueryTerms(tuple(unique.values()), loose)

    def _known_at(self, run: str, start: int) -> str:
        for size in range(min(self.longest, len(run) - start), 1, -1):
            word = run[start : start + size]
            if word in self.known or word in STOP_WORDS:
                return word
        return ""

    def _pieces(self, gap: str, count: Callable[[str], int]) -> tuple[list[Term], int]:
        # The longest pieces of the gap found in the catalog, left to right, each growing
        # while the longer piece is still in two matters or in as many as the shorter one
        # (so a phrase found in one guide's name does not swallow the words of the query);
        # lone characters dropped (and counted unless they are fillers).
        pieces: list[Term] = []
        loose = start = 0
        while start < len(gap):
            end = start + 1
            found = 0
            while end < len(gap):
                longer = count(gap[start : end + 1])
                if not longer or (longer < 2 and end - start >= 2 and longer < found):
                    break
                found, end = longer, end + 1
            if end - start >= 2:
                piece = gap[start:end]
                pieces.append(Term(piece, self.forms.get(piece, (piece,)), False))
            elif gap[start] not in STOP_WORDS:
                loose += 1
            start = end
        return pieces, loose


def _word(text: str) -> str:
    return "".join(_CJK_OR_WORD.findall(fold(text)))


def split_query(query: str) -> str:
    """The query folded, with everything that is not a word character turned into a space."""
    return " ".join(_CJK_OR_WORD.findall(fold(query)))


__all__ = [
    "STOP_WORDS",
    "SYNONYMS_FILE",
    "QueryTerms",
    "Synonym",
    "Term",
    "Vocabulary",
    "shipped_synonyms",
    "split_query",
]
