"""The rules of the paper, once for every renderer (issue #19): 禁则 line breaking, list items
that hang under their text, names that break after a place word."""

from __future__ import annotations

import itertools

import pytest

from shared.rendering.escpos_render import display_columns
from shared.rendering.layout import (
    CLOSING,
    OPENING,
    Text,
    heading_lines,
    labelled,
    list_item,
    split_marker,
    wrap_text,
)
from shared.services.catalog_text import checklist
from tests.support.real_guides import load_guides


def _real_paragraphs() -> list[str]:
    """Every published sentence of the real guides (tests/fixtures/guides)."""
    texts: list[str] = []
    for guide in load_guides():
        texts += [guide[k] for k in ("conditions", "location", "hours", "fee") if guide[k]]
        texts += guide["steps"]
        texts += [m["name"] for m in guide["materials"]]
    return texts


@pytest.mark.parametrize("columns", [16, 23, 32, 47, 48])
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(columns: int) -> None:
    paragraphs = _real_paragraphs()
    assert len(paragraphs) > 100
    for paragraph in paragraphs:
        lines = wrap_text(paragraph, columns, display_columns)
        assert "".join(lines).replace(" ", "") == paragraph.replace(" ", "").replace("\n", "")
        for line in lines:
            assert display_columns(line) <= columns, line
        for before, line in itertools.pairwise(lines):
            assert line[:1] not in CLOSING, (before, line)
            assert before[-1:] not in OPENING, (before, line)


def test_the_character_before_a_closing_mark_goes_down_with_it() -> None:
    # Ten columns: 居民户口簿（ fits up to 簿 and the bracket would start the next line.
    assert wrap_text("居民户口簿）原件", 10, display_columns) == ["居民户口", "簿）原件"]
    assert wrap_text("请带（身份证）", 6, display_columns) == ["请带", "（身份", "证）"]
    # A number stays with its measure word, a range with both ends.
    assert wrap_text("复印件2份", 8, display_columns) == ["复印件", "2份"]
    assert wrap_text("预计等候 5–10 分钟", 12, display_columns) == ["预计等候", "5–10 分钟"]


def test_list_items_and_labels_keep_their_marker() -> None:
    assert split_marker("□ 居民户口簿") == ("□ ", "居民户口簿")
    assert split_marker("1. 网上申请") == ("1. ", "网上申请")
    assert split_marker("（一）受理") == ("（一）", "受理")
    assert split_marker("　注：需本人到场") == ("　", "注：需本人到场")
    assert split_marker("　· 政务服务大厅 09:00-09:40") == ("　· ", "政务服务大厅 09:00-09:40")
    assert split_marker("居民户口簿") == ("", "居民户口簿")
    item = list_item("□ 居民户口簿（原件1份）")
    assert (item.text, item.marker, item.body) == (
        "□ 居民户口簿（原件1份）",
        "□ ",
        "居民户口簿（原件1份）",
    )
    label = labelled("团组", "省政务办调研组", bold=True)
    assert (label.text, label.marker, label.bold) == ("团组：省政务办调研组", "团组：", True)
    with pytest.raises(ValueError):
        Text("居民户口簿", marker="□ ")
    lines = checklist([{"title": "身份证明", "rule": "any", "items": [{"name": "身份证"}]}])
    assert [list_item(line).marker for line in lines] == ["", "□ "]


@pytest.mark.parametrize(
    ("name", "columns", "lines"),
    [
        ("华容区政务服务中心", 18, ["华容区政务服务中心"]),
        ("华容区政务服务中心", 16, ["华容区", "政务服务中心"]),  # never 华容区政务服务中 / 心
        ("鄂州市华容区政务服务中心", 16, ["鄂州市华容区", "政务服务中心"]),
        (
            "华容区政务服务中心24小时政务自助服务区",
            24,
            ["华容区政务服务中心", "24小时政务自助服务区"],
        ),
        ("庙岭镇便民服务中心", 12, ["庙岭镇", "便民服务中心"]),
    ],
)
def test_a_name_breaks_after_a_place_word(name: str, columns: int, lines: list[str]) -> None:
    assert heading_lines(name, columns, display_columns) == lines


def test_a_name_without_a_place_word_never_leaves_one_character_alone() -> None:
    lines = heading_lines("政务服务便民服务大厅", 18, display_columns)
    assert len(lines) == 2 and min(len(line) for line in lines) >= 2
