"""Catalog search (issue #4): Chinese, full pinyin, initials, mixed; ranking; site filter;
an index that follows the change feed. One index over the demo catalog serves the module."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from shared.db import create_session_factory
from shared.services.catalog import (
    CatalogIndex,
    browse_matters,
    life_event_counts,
    search_matters,
)
from shared.services.catalog_format import COLUMNS, EXAMPLE_ROW, format_row
from shared.services.catalog_io import import_catalog
from shared.services.catalog_pinyin import name_readings, reading_variants


@pytest.fixture(scope="module")
def index(
    _sqlite_templates: dict[bool, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CatalogIndex]:
    target = tmp_path_factory.mktemp("catalog") / "hall.db"
    shutil.copyfile(_sqlite_templates[True], target)
    factory = create_session_factory(f"sqlite:///{target}")
    built = CatalogIndex()
    with factory() as session:
        assert built.refresh_if_changed(session)
    factory.kw["bind"].dispose()
    yield built


def names(hits: list[object]) -> list[str]:
    return [h.name for h in hits]  # type: ignore[attr-defined]


def test_chinese_name_matches_come_first_by_demand_then_code(index: CatalogIndex) -> None:
    # Issue #11 item 4 replaced "prefix before contains, then shorter name" with demand (none
    # in the demo), then code: a name holding the query is one rank wherever it holds it.
    hits = index.search("居民身份证", limit=50)
    assert names(hits)[:3] == ["居民身份证申领", "居民身份证换领", "居民身份证补领"]
    in_name = [h for h in hits if "居民身份证" in h.name]
    assert hits[: len(in_name)] == in_name  # names first, then materials (居民身份证 is one)
    assert {h.kind for h in in_name} == {"prefix", "contains"}
    assert {h.kind for h in hits[len(in_name) :]} <= {"alias", "detail"}
    assert [h.code for h in in_name] == sorted(h.code for h in in_name)
    assert "临时居民身份证申领" in names(in_name)


def test_full_pinyin_with_or_without_spaces_and_any_case(index: CatalogIndex) -> None:
    plain = index.search("shenfenzheng")
    assert plain and all("身份证" in h.name and h.kind == "pinyin" for h in plain)
    assert names(index.search("shen fen zheng")) == names(plain)
    assert names(index.search("ShenFenZheng")) == names(plain)
    assert names(index.search("ｓｈｅｎｆｅｎｚｈｅｎｇ")) == names(plain)  # full-width letters
    # As typed: the last syllable may be unfinished; a syllable must start the match.
    assert names(index.search("shenfenzh")) == names(plain)
    assert "户口迁移" in names(index.search("hukou"))


def test_initials_find_the_common_matters(index: CatalogIndex) -> None:
    hits = index.search("sfz", limit=5)
    assert names(hits)[0] == "居民身份证申领" and {h.kind for h in hits} == {"initials"}
    assert names(index.search("SFZ")) == names(index.search("sfz"))
    assert "营业执照办理（企业设立登记）" in names(index.search("yyzz", limit=50))
    assert names(index.search("jmsfzsl", limit=1)) == ["居民身份证申领"]


def test_mixed_chinese_and_pinyin(index: CatalogIndex) -> None:
    for query in ("身份z", "身份zheng", "居民sfz", "jm身份证"):
        hits = index.search(query, limit=5)
        assert hits and hits[0].name == "居民身份证申领", query
        assert {h.kind for h in hits} == {"mixed"}


def test_empty_and_nonsense_find_nothing(index: CatalogIndex) -> None:
    for query in ("", "   ", "qqqqzx", "不存在的事项", "'", "!!"):
        assert index.search(query) == [], query
    assert index.search("sfz", limit=0) == []


def test_ranking_names_pinyin_initials_then_demand_and_code(index: CatalogIndex) -> None:
    # Issue #11 item 4: ties are broken by demand (none in the demo), then code — no longer
    # by shorter name.
    hits = index.search("s", limit=200)
    keys = [(h.rank, h.code) for h in hits]
    assert keys == sorted(keys)
    hits = index.search("户口", limit=200)
    assert names(hits)[:3] == ["出生登记（户口）", "户口迁移", "死亡注销户口"]  # code order
    assert {"prefix", "contains"} <= {h.kind for h in hits}
    assert [(h.rank, h.code) for h in hits if h.rank == 1] == sorted(
        (h.rank, h.code) for h in hits if h.rank == 1
    )
    assert [h.rank for h in hits] == sorted(h.rank for h in hits)
    # "ba" as the start of a syllable (办, 保: pinyin) comes before 补…案… (initials).
    kinds = [h.kind for h in index.search("ba", limit=3000)]
    assert kinds.index("initials") > kinds.index("pinyin")
    assert kinds == sorted(kinds, key=["pinyin", "initials"].index)


def test_site_filter(index: CatalogIndex) -> None:
    town = index.search("dibao", site="town-miaoling", limit=100)
    assert town and all(h.code.startswith("4207031020") for h in town)
    assert index.search("sfz", site="town-miaoling") == []
    assert index.search("sfz", site="no-such-site") == []
    district = index.search("sfz", site="huarong")
    assert names(district)[0] == "居民身份证申领"


def test_limit(index: CatalogIndex) -> None:
    assert len(index.search("s", limit=7)) == 7
    assert len(index.search("s")) == 20


def test_code_prefix(index: CatalogIndex) -> None:
    hits = index.search("420703000001")
    assert hits[0].code == "420703000001" and hits[0].kind == "code"


@pytest.mark.parametrize(
    "query",
    [
        "s",
        "sf",
        "sfz",
        "shenfenzheng",
        "hukou",
        "居民",
        "身份证",
        "身份z",
        "登记",
        "xq",
        "dengji",
        "农村",
        "农cw",
        "lvguan",
        "luguan",
        "zz",
        "qqq",
        "4207030",
        "420703102",
        "x",
        "shebaoka",
    ],
)
def test_fast_paths_agree_with_the_general_scan(index: CatalogIndex, query: str) -> None:
    fast = index.search(query, limit=30)
    index._scan_only = True  # forces the one-pass scan that also handles Latin names
    try:
        general = index.search(query, limit=30)
    finally:
        index._scan_only = False
    assert [(h.code, h.kind) for h in fast] == [(h.code, h.kind) for h in general]


def test_heteronyms_and_u_for_v() -> None:
    def spellings(name: str) -> set[str]:
        return {"".join(v) for v in reading_variants(name_readings(name))}

    assert "zhangbei" in spellings("长辈") and "changbei" in spellings("长辈")
    assert {"zhongda", "chongda"} <= spellings("重大")
    assert "yinhang" in spellings("银行")
    assert {"lvguan", "luguan"} <= spellings("旅馆")
    assert next(iter(reading_variants(name_readings("长辈")))) == ("zhang", "bei")  # default


def test_browse_by_department_life_event_and_audience(index: CatalogIndex) -> None:
    police = index.browse(department="gaj", site="huarong")
    assert police and all(h.department_code == "gaj" for h in police)
    marriage = index.browse(life_event="婚育")
    assert "结婚登记" in names(marriage)
    companies = index.browse(audience="法人", life_event="开办")
    assert companies and all("法人" in h.audience for h in companies)
    events = index.life_events(site="huarong")
    assert events["出生"] > 0 and "开办" in events


def write_csv(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.header for c in COLUMNS])
        writer.writerows(format_row(row) for row in rows)
    return path


def test_search_matters_follows_imports_made_elsewhere(
    seeded_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    with seeded_factory() as session:
        assert search_matters(session, "zhangbei") == []
        assert names(search_matters(session, "sfz", limit=1)) == ["居民身份证申领"]
    new = EXAMPLE_ROW | {"code": "4207039990100", "name": "长辈照护补贴申领", "sites": ["huarong"]}
    retired = EXAMPLE_ROW | {
        "code": "420703000001",
        "name": "居民身份证申领",
        "active": False,
    }
    # Another terminal imports: a new matter, and one made inactive.
    other = create_session_factory(str(seeded_factory.kw["bind"].url))
    try:
        with other.begin() as session:
            import_catalog(session, write_csv(tmp_path / "c.csv", [new, retired]))
    finally:
        other.kw["bind"].dispose()
    with seeded_factory() as session:
        assert names(search_matters(session, "zhangbei")) == ["长辈照护补贴申领"]
        assert names(search_matters(session, "changbei")) == ["长辈照护补贴申领"]
        assert names(search_matters(session, "zbzh")) == ["长辈照护补贴申领"]
        assert "居民身份证申领" not in names(search_matters(session, "sfz"))
        assert "长辈照护补贴申领" in names(browse_matters(session, department="gaj"))
        assert life_event_counts(session, site="huarong")["出生"] > 0


def test_refresh_is_cheap_when_nothing_changed(seeded_factory: sessionmaker[Session]) -> None:
    built = CatalogIndex()
    with seeded_factory() as session:
        assert built.refresh_if_changed(session) is True
        assert built.refresh_if_changed(session) is False
    assert built.builds == 1 and len(built) == 1649 + 5 * 256
