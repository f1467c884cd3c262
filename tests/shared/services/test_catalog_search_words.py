"""Catalog search in citizens' words (issue #11 item 4): several words in any order, filler
words, synonyms, traditional characters, aliases, materials and departments, and ties broken
by demand. On both backends (the index is built from each)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.changes import record_change
from shared.models import MatterAlias, ServiceMatter
from shared.services.catalog_demand import record_guide_view
from shared.services.catalog_search import CatalogIndex, material_names
from shared.services.catalog_terms import STOP_WORDS, Vocabulary, shipped_synonyms
from shared.services.tickets import issue_ticket


def built(factory: sessionmaker[Session]) -> CatalogIndex:
    index = CatalogIndex()
    with factory() as session:
        assert index.refresh_if_changed(session)
    return index


def names(hits: list[object]) -> list[str]:
    return [h.name for h in hits]  # type: ignore[attr-defined]


def test_several_words_in_any_order_and_natural_questions(
    seeded_factory: sessionmaker[Session],
) -> None:
    index = built(seeded_factory)
    for query in (
        "身份证 补办",
        "补办 身份证",
        "补办身份证",
        "身份证丢了怎么补办",
        "我的身份证丢了，在哪里补办？",
    ):
        hits = index.search(query, site="huarong", limit=5)
        assert names(hits)[0] == "居民身份证补领", query
        assert hits[0].kind == "words"
    assert names(index.search("我想办营业执照", site="huarong", limit=5))[0] == (
        "营业执照办理（企业设立登记）"
    )
    # Before issue #11 each of these found nothing: the words are not in any name.
    assert "出生登记（户口）" in names(index.search("上户口", limit=5))
    assert "最低生活保障审核" in names(index.search("低保", site="huarong", limit=5))
    assert "社会保障卡补换" in names(index.search("社保卡丢了", limit=5))
    # Filler words alone are not a query; a question about nothing finds nothing.
    assert index.search("不存在的事项") == []
    assert {"怎么", "如何", "我想", "在哪", "需要什么", "办理"} <= STOP_WORDS


def test_traditional_characters_are_folded_in_queries_and_names(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory.begin() as session:
        matter = session.scalars(
            select(ServiceMatter).where(ServiceMatter.name == "高龄津贴申领")
        ).one()
        matter.name = "高齡津貼申領"  # imported from a page in traditional characters
        record_change(session, "catalog", "all", "imported")
    index = built(seeded_factory)
    assert names(index.search("身份證補辦", site="huarong", limit=1)) == ["居民身份证补领"]
    assert names(index.search("社保卡怎樣補辦？", site="huarong", limit=1)) == ["社会保障卡补换"]
    # The name keeps its published characters; a simplified query finds it, and pinyin too.
    assert names(index.search("高龄津贴", site="huarong", limit=1)) == ["高齡津貼申領"]
    assert names(index.search("gljt", site="huarong", limit=1)) == ["高齡津貼申領"]
    assert names(index.search("ＳＦＺ", limit=1)) == ["居民身份证申领"]  # full width


def test_names_before_aliases_before_materials_and_departments(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory.begin() as session:
        marriage = session.scalars(
            select(ServiceMatter).where(ServiceMatter.name == "结婚登记")
        ).one()
        session.add(MatterAlias(matter_id=marriage.id, alias="户口本加人"))
        record_change(session, "catalog", "aliases", "imported")
    index = built(seeded_factory)
    hits = index.search("户口", site="huarong", limit=200)
    kinds = [h.kind for h in hits]
    assert kinds[0] in ("prefix", "contains")
    alias = kinds.index("alias")
    assert hits[alias].name == "结婚登记"
    assert all(k in ("prefix", "contains", "words") for k in kinds[:alias])
    assert set(kinds[alias + 1 :]) == {"detail"}  # 户口簿 among the materials
    detail = [h for h in hits if h.kind == "detail"]
    assert detail and all("户口" not in h.name for h in detail)
    # A department's name is a detail too: 残疾人联合会 holds 残疾人 in no matter's name here.
    by_department = index.search("残联 联合会", site="huarong", limit=5)
    assert by_department and {h.department_code for h in by_department} == {"cl"}
    assert {h.kind for h in by_department} == {"detail"}


def test_ties_are_broken_by_demand_not_by_name_length(
    seeded_factory: sessionmaker[Session],
) -> None:
    before = names(built(seeded_factory).search("居民身份证", site="huarong", limit=3))
    assert before == ["居民身份证申领", "居民身份证换领", "居民身份证补领"]  # by code
    now = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in the hall
    with seeded_factory.begin() as session:
        for _ in range(3):
            record_guide_view(session, "huarong", "420703000003", now)  # 补领: 3 views
        for key in ("a", "b"):  # 换领: 2 tickets
            issue_ticket(
                session,
                site="huarong",
                queue="D",
                matter="420703000002",
                request_key=key,
                channel="desk",
                override_hours=True,
                now=now,
            )
    index = CatalogIndex(clock=lambda: now)
    with seeded_factory() as session:
        index.refresh_if_changed(session)
        assert index.refresh_demand(session) is False  # read at build: nothing new
    after = names(index.search("居民身份证", site="huarong", limit=3))
    assert after == ["居民身份证补领", "居民身份证换领", "居民身份证申领"]
    # A running index re-ranks on the slow timer, without a catalog change.
    stale = CatalogIndex(clock=lambda: now)
    with seeded_factory() as session:
        stale.refresh_if_changed(session)
    with seeded_factory.begin() as session:
        for _ in range(5):
            record_guide_view(session, "huarong", "420703000001", now)
    with seeded_factory() as session:
        assert stale.refresh_demand(session) is True
    assert names(stale.search("居民身份证", site="huarong", limit=1)) == ["居民身份证申领"]


def test_synonyms_work_both_ways_one_step() -> None:
    vocabulary = Vocabulary([("补办", "补领"), ("补领", "补换"), ("低保", "最低生活保障")])
    assert set(vocabulary.forms["补办"]) == {"补办", "补领"}
    assert set(vocabulary.forms["补领"]) == {"补领", "补办", "补换"}
    assert "补换" not in vocabulary.forms["补办"]  # two steps away

    def count(text: str) -> int:
        return 1 if text in "居民身份证补领" else 0

    reading = vocabulary.terms("我想 补办身份证", count)
    assert [t.text for t in reading.terms] == ["补办", "身份证"]


def test_the_shipped_synonyms_each_name_where_the_word_is_used() -> None:
    synonyms = shipped_synonyms()
    assert len(synonyms) >= 80
    assert all(s.source.startswith(("http://", "https://")) for s in synonyms)
    pairs = {(s.term, s.means) for s in synonyms}
    for pair in (
        ("补办", "补领"),
        ("上户口", "出生登记"),
        ("低保", "最低生活保障"),
        ("营业执照", "个体工商户设立登记"),
        ("营业执照", "企业设立登记"),
        ("医保", "医疗保险"),
        ("社保卡", "社会保障卡"),
    ):
        assert pair in pairs


def test_material_names_read_both_shapes() -> None:
    flat = [{"name": "居民身份证", "original": 1, "copy": 1}, {"name": "户口簿"}]
    grouped = [
        {"title": "身份证明（其中一项）", "rule": "any", "items": [{"name": "护照"}]},
        {"title": None, "rule": "all", "items": [{"name": "申请表", "quantity": "一式三份"}]},
    ]
    assert list(material_names(flat)) == ["居民身份证", "户口簿"]
    assert list(material_names(grouped)) == ["护照", "申请表"]
    assert list(material_names(None)) == [] and list(material_names([1, {"x": 2}])) == []
