"""Pinyin for catalog search: readings per character, reading variants, the mixed matcher.

pypinyin gives the phrase-aware default reading of each run of Chinese characters (长辈 →
zhang bei, 重大 → zhong da, 银行 → yin hang). Visitors do not always know the reading, so the
common other readings of frequent heteronyms (:data:`HETERONYMS`, a short hand-made list:
pypinyin's full heteronym lists hold rare readings that would only add noise) are added, and
``u`` is accepted for ``ü`` besides pypinyin's ``v`` (旅 lv / lu).

Folding (:func:`fold`): search compares text after NFKC (full-width letters and digits,
compatibility ideographs), lowercasing and traditional → simplified conversion with OpenCC's
``t2s`` configuration, applied alike to queries and to the names, aliases and materials it
indexes, so 身份證補辦 finds 居民身份证补领 and a name imported in traditional characters is
found by a query in simplified ones. OpenCC (the project's C++ library, with wheels for Linux
and Windows) converts a query in a few microseconds; it is loaded on first use.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import cache, lru_cache
from typing import Any

#: At most this many reading variants per name (the default reading always comes first).
MAX_VARIANTS = 16

_HETERONYM_TABLE = """
长 chang zhang
重 zhong chong
行 xing hang
调 diao tiao
地 di de
还 hai huan
传 chuan zhuan
藏 cang zang
乐 le yue
单 dan shan
朝 chao zhao
省 sheng xing
查 cha zha
曾 ceng zeng
参 can shen
系 xi ji
会 hui kuai
解 jie xie
校 xiao jiao
率 lv shuai
差 cha chai
称 cheng chen
给 gei ji
都 du dou
降 jiang xiang
落 luo la
属 shu zhu
宿 su xiu
大 da dai
仔 zai zi
强 qiang jiang
薄 bo bao
模 mo mu
便 bian pian
露 lu lou
期 qi ji
"""
#: Common readings of frequent heteronyms, besides the default pypinyin gives in context.
HETERONYMS: dict[str, tuple[str, ...]] = {
    line.split()[0]: tuple(line.split()[1:]) for line in _HETERONYM_TABLE.strip().splitlines()
}

LETTER_RUN = re.compile(r"[a-z]+")
CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def is_cjk(char: str) -> bool:
    """Whether ``char`` is a Chinese character (CJK unified ideographs, ext. A, compat.)."""
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


@lru_cache(maxsize=65536)
def name_readings(name: str) -> tuple[tuple[str, ...], ...]:
    """Per character of the lowercased name: its readings (default first); ``()`` to skip."""
    text = name.lower()
    readings: list[tuple[str, ...]] = []
    index = 0
    while index < len(text):
        char = text[index]
        if is_cjk(char):
            end = index
            while end < len(text) and is_cjk(text[end]):
                end += 1
            for han, default in zip(text[index:end], _run_defaults(text[index:end]), strict=True):
                options = [default, *HETERONYMS.get(han, ())]
                options += [o.replace("v", "u") for o in options if "v" in o]
                readings.append(tuple(dict.fromkeys(options)))
            index = end
            continue
        readings.append((char,) if char.isalnum() else ())
        index += 1
    return tuple(readings)


@lru_cache(maxsize=65536)
def _run_defaults(run: str) -> tuple[str, ...]:
    # The phrase-aware default reading of each character of a run of Chinese characters.
    # Names share their runs (居民身份证, 申领, 补发), so runs are cached; a run without a
    # character of several readings is read character by character (the same letters, at a
    # fraction of pypinyin's phrase segmentation).
    if any(_has_readings(c) for c in run):
        from pypinyin import lazy_pinyin

        defaults = lazy_pinyin(run)
        if len(defaults) == len(run):
            return tuple(defaults)
    return tuple(_char_default(c) for c in run)  # never expected otherwise


@cache  # one entry per character seen: a few thousand
def _char_default(char: str) -> str:
    from pypinyin import lazy_pinyin

    return str(lazy_pinyin(char)[0])


@cache
def _has_readings(char: str) -> bool:
    # Whether pypinyin knows several readings of the character (tones aside).
    from pypinyin import Style, pinyin

    return len(set(pinyin(char, style=Style.NORMAL, heteronym=True)[0])) > 1


def reading_variants(readings: tuple[tuple[str, ...], ...]) -> list[tuple[str, ...]]:
    """The name's syllables under each combination of readings, default first."""
    variants: list[tuple[str, ...]] = [tuple(r[0] for r in readings if r)]
    for position, options in enumerate(r for r in readings if r):
        for option in options[1:]:
            if len(variants) >= MAX_VARIANTS:
                return variants
            for base in list(variants):
                if len(variants) >= MAX_VARIANTS:
                    break
                variants.append((*base[:position], option, *base[position + 1 :]))
    return variants


_CONVERTER: Any = None
_CONVERTER_LOCK = threading.Lock()


def _t2s() -> Any:
    global _CONVERTER
    with _CONVERTER_LOCK:
        if _CONVERTER is None:
            from opencc import OpenCC

            _CONVERTER = OpenCC("t2s")
        return _CONVERTER


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """NFKC, lowercase, traditional → simplified: the form search compares (see the module)."""
    text = unicodedata.normalize("NFKC", text).lower()
    if any(is_cjk(c) for c in text):
        text = str(_t2s().convert(text))
    return text


def normalise_query(query: str) -> str:
    """The query folded (:func:`fold`), with no spaces or apostrophes."""
    text = fold(query)
    return "".join(c for c in text if not c.isspace() and c not in "'’")


def mixed_match(readings: tuple[tuple[str, ...], ...], name: str, query: str) -> bool:
    """Whether ``query`` matches contiguous characters of the name, each typed as itself,
    its full pinyin (the last one possibly unfinished) or its initial."""
    size, qlen = len(name), len(query)

    def walk(k: int, j: int) -> bool:
        if j == qlen:
            return True
        if k == size:
            return False
        char = name[k]
        if query[j] == char and walk(k + 1, j + 1):
            return True
        options = readings[k]
        if not options:  # punctuation in the name: step over it
            return walk(k + 1, j)
        rest = query[j:]
        for reading in options:
            if rest.startswith(reading) and walk(k + 1, j + len(reading)):
                return True
            if reading.startswith(rest):
                return True
            if reading[0] == query[j] and walk(k + 1, j + 1):
                return True
        return False

    first = query[0]
    starts = [k for k in range(size) if name[k] == first or any(r[0] == first for r in readings[k])]
    return any(walk(start, 0) for start in starts)
