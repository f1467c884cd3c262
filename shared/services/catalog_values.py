"""Reading a published 办事指南's text into the catalog's values, inventing nothing (issue #11).

Pure functions, no database. What a page publishes is kept as text; a number is read from
it only when the text says exactly one (``15个工作日`` → 15, ``最多跑一次`` → 1,
``一式三份`` → 3) and is otherwise ``None`` (``绿色通道邮寄7个工作日内，普通15个工作日内``
has two). Each reader raises :class:`ValueProblem` (English and Chinese) for text it cannot
take; the spreadsheet readers add the sheet, row and column.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from shared.models.catalog import AUDIENCES, MATERIAL_RULES, MATTER_TYPES

__all__ = [
    "RULE_WORDS",
    "ValueProblem",
    "audience",
    "channel_list",
    "check_url",
    "control_characters",
    "count_of",
    "derive_code",
    "flag",
    "handling_type",
    "is_instant",
    "limit_days",
    "matter_type",
    "quantity_suffix",
    "rule_from_title",
    "rule_of",
    "visits_number",
]

#: How each material rule is written in a spreadsheet and shown on a guide.
RULE_WORDS = {"all": "全部提供", "any": "任选其一", "as_applicable": "视情况提供"}
_RULE_SYNONYMS = {
    "all": ("全部提供", "全部", "均需提供", "都要", "all"),
    "any": ("任选其一", "以下其中一项", "其中一项", "任选一项", "任选", "之一", "其一", "any"),
    "as_applicable": (
        "视情况提供",
        "视情况",
        "根据情况",
        "如有",
        "按需",
        "适用时",
        "特殊情况",
        "as_applicable",
    ),
}
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"(\d+|[零〇一二两三四五六七八九十百]+)"
_WORKING_DAYS = re.compile(_NUMBER + r"\s*个?\s*工作日")
_INSTANT_WORDS = ("即办", "即时办结", "当场办结", "立即办结", "即来即办", "当场办理", "当即办结")
_COUNT = re.compile(_NUMBER + r"\s*(份|张|本|件|套|页|册|个|枚)")
_VISITS = re.compile(_NUMBER + r"\s*(次|趟)?")
_TRUE = ("是", "支持", "可以", "有", "y", "yes", "true", "1", "√")
_FALSE = ("否", "不支持", "不可以", "无", "n", "no", "false", "0", "×")
_URL = re.compile(r"https?://[^\s，。；、）)》]+", re.I)


class ValueProblem(ValueError):
    """Text that cannot be read; ``str()`` is English, ``message_zh`` Chinese."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh


def control_characters(text: str) -> list[str]:
    """The control characters in ``text`` other than line breaks, as ``U+0007`` names."""
    return sorted(
        {f"U+{ord(c):04X}" for c in text if c != "\n" and unicodedata.category(c) == "Cc"}
    )


def chinese_number(text: str) -> int | None:
    """``15`` → 15, ``十五`` → 15, ``二十`` → 20, ``三`` → 3, ``一百二十`` → 120."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def _single(numbers: list[int | None]) -> int | None:
    found = {n for n in numbers if n is not None}
    return found.pop() if len(found) == 1 else None


def is_instant(text: str | None) -> bool:
    """Whether a time-limit text says 即办 (and gives no number of days)."""
    if not text:
        return False
    return any(word in text for word in _INSTANT_WORDS) and not _WORKING_DAYS.search(text)


def limit_days(text: str | None) -> int | None:
    """The working days a time-limit text gives, when it gives exactly one number of them.

    ``即办`` → 0; ``20个工作日`` → 20; ``自受理之日起20日内`` → ``None`` (calendar days);
    ``绿色通道7个工作日内，普通15个工作日内`` → ``None`` (two numbers).
    """
    if not text:
        return None
    if is_instant(text):
        return 0
    if text.strip().isdigit():  # a bare number: working days, as older files wrote them
        return int(text.strip())
    return _single([chinese_number(m.group(1)) for m in _WORKING_DAYS.finditer(text)])


def visits_number(text: str | None) -> int | None:
    """``0次`` / ``零跑腿`` → 0, ``最多跑一次`` / ``1`` → 1, ``2次`` → 2; otherwise ``None``."""
    if not text:
        return None
    compact = re.sub(r"\s+", "", text)
    if compact in ("零跑腿", "不用跑", "无需到现场", "零次"):
        return 0
    if re.fullmatch(r"(最多)?跑?" + _NUMBER + r"(次|趟)?", compact) is None:
        return None
    return _single([chinese_number(m.group(1)) for m in _VISITS.finditer(compact)])


def count_of(quantity: str | None) -> int | None:
    """The number in a published quantity when it has exactly one (``一式三份`` → 3)."""
    if not quantity:
        return None
    found = [chinese_number(m.group(1)) for m in _COUNT.finditer(quantity)]
    return found[0] if len(found) == 1 else None


_TRAILING = re.compile(r"^(?P<name>.*?)[(（](?P<spec>[^()（）]*)[)）]$", re.S)
_QUANTITY_HINT = re.compile(
    r"原件|复印件|电子|扫描件|纸质|一式|\d|[一二两三四五六七八九十][份张本套页册件]"
)


def quantity_suffix(line: str) -> tuple[str, str] | None:
    """``户口簿（原件1份）`` → ``("户口簿", "原件1份")``: a name ending in a bracket that reads
    like a quantity; ``None`` for ``村（居）委会证明``."""
    match = _TRAILING.match(line)
    if match and match.group("name").strip() and _QUANTITY_HINT.search(match.group("spec")):
        return match.group("name").strip(), match.group("spec").strip()
    return None


def flag(text: str, what: str, what_zh: str) -> bool | None:
    """是/否 (and the usual synonyms) → True/False; empty → ``None`` (not published)."""
    if not text:
        return None
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueProblem(
        f"{text!r} is not yes or no for {what}: write 是 or 否, or leave it empty",
        f"“{text}”不是 是/否：{what_zh}请填 是 或 否，未公布的留空",
    )


def rule_of(text: str) -> str:
    """A rule cell (``全部提供`` / ``任选其一`` / ``视情况提供``, or a synonym) → the rule."""
    word = text.strip()
    if not word:
        return "all"
    for rule in MATERIAL_RULES:
        if word in _RULE_SYNONYMS[rule]:
            return rule
    raise ValueProblem(
        f"unknown rule {text!r}: write 全部提供, 任选其一 or 视情况提供",
        f"分组规则“{text}”无法识别：请填 全部提供、任选其一 或 视情况提供",
    )


def rule_from_title(title: str | None) -> str:
    """The rule a group title states in words (``以下其中一项`` → any), else all."""
    if not title:
        return "all"
    for rule in ("any", "as_applicable"):
        if any(word in title for word in _RULE_SYNONYMS[rule][:-1]):
            return rule
    return "all"


def matter_type(text: str) -> str:
    """事项类型: one of :data:`MATTER_TYPES` (a trailing 事项 or 类 is dropped); empty stays."""
    word = text.strip()
    for suffix in ("事项", "类"):
        if word.endswith(suffix) and word[: -len(suffix)] in MATTER_TYPES:
            word = word[: -len(suffix)]
    if word and word not in MATTER_TYPES:
        raise ValueProblem(
            f"unknown matter type {text!r}: one of {', '.join(MATTER_TYPES)}",
            f"事项类型“{text}”有误：应为 {'、'.join(MATTER_TYPES)} 之一",
        )
    return word


def audience(text: str) -> str:
    """The browse tags a published 服务对象 names: ``个人`` (also 自然人, 公民, 居民), ``法人``
    (also 企业, 组织, 单位, 机构), both joined by ``、``, or empty when it names neither (the
    text itself is kept as published)."""
    tags = set()
    if any(word in text for word in ("个人", "自然人", "公民", "居民")):
        tags.add("个人")
    if any(word in text for word in ("法人", "企业", "组织", "单位", "机构")):
        tags.add("法人")
    return "、".join(a for a in AUDIENCES if a in tags)


def handling_type(text: str) -> str | None:
    """办件类型 as published (``即办`` and ``承诺`` written out as 即办件 and 承诺件); empty →
    ``None``."""
    word = text.strip()
    if not word:
        return None
    if word in ("即办", "承诺", "上报", "联办"):
        word += "件"
    if len(word) > 50:
        raise ValueProblem(
            f"too long ({len(word)} characters, at most 50)", f"太长（{len(word)} 个字，最多 50）"
        )
    return word


def check_url(text: str, limit: int = 500) -> str:
    """An absolute http(s) address, no spaces, at most ``limit`` characters."""
    parts = urlsplit(text)
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.netloc
        or any(c.isspace() for c in text)
        or len(text) > limit
    ):
        raise ValueProblem(
            f"bad address {text!r}: write an http:// or https:// address",
            f"网址“{text}”有误：请填 http:// 或 https:// 开头的网址",
        )
    return text


def channel_list(text: str) -> list[dict[str, Any]]:
    """网上办理 cell → ``[{"name", "url"}]``, one channel a line.

    A line is a name (``鄂汇办APP``, ``微信公众号“武汉政务服务”``), an address, or both
    (``湖北政务服务网 https://zwfw.hubei.gov.cn/``); an address alone is named by its host.
    """
    channels: list[dict[str, Any]] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        match = _URL.search(line)
        url = check_url(match.group(0)) if match else None
        if url is None and re.search(r"https?://", line, re.I):
            raise ValueProblem(
                f"bad address in {line!r}: write an http:// or https:// address",
                f"“{line}”中的网址有误：请填 http:// 或 https:// 开头的网址",
            )
        name = line
        if match:
            name = (line[: match.start()] + line[match.end() :]).strip(" \t:：-—|｜,，;；()（）")
            name = name or urlsplit(match.group(0)).netloc
        channels.append({"name": name, "url": url})
    return channels


def derive_code(index_no: str | None, name: str, department_code: str) -> str:
    """A stable code for a matter whose page published none: from its 索引号 when it has
    one, else from its name and department (``SYS-`` marks it as made here)."""
    if index_no and index_no.strip():
        basis, kind = "idx:" + " ".join(index_no.split()), "IDX"
    else:
        basis, kind = f"nd:{' '.join(name.split())}|{department_code}", "ND"
    digest = hashlib.sha256(basis.encode("utf-8")).hexdigest()[:12].upper()
    return f"SYS-{kind}-{digest}"
