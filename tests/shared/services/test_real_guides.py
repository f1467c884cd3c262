"""Real published 办事指南 (issue #11, item 6), loaded as a hall's IT person would, on both
backends: every guide reads back field by field — nothing lost, nothing invented — and
export → import (workbook or single-sheet CSV) gives the same guides."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.models import ServiceMatter
from shared.services.catalog import get_guide
from shared.services.catalog_io import catalog_rows, export_catalog, import_catalog
from shared.services.catalog_text import NOT_PUBLISHED, guide_sections
from shared.services.catalog_values import count_of, limit_days
from tests.support import real_guides as rg


def _import(factory: sessionmaker[Session], tmp_path: Path) -> list[dict[str, Any]]:
    guides = rg.load_guides()
    with factory.begin() as session:
        rg.set_up_hall(session, guides)
    path = rg.build_workbook(tmp_path / "real-guides.xlsx", guides)
    with factory.begin() as session:
        result = import_catalog(session, path, actor="it")
    assert len(result.inserted) == len(guides) and not result.updated
    return guides


def _codes(factory: sessionmaker[Session]) -> dict[str, str]:
    with factory() as session:
        return {m.name: m.code for m in session.scalars(select(ServiceMatter))}


def test_the_fixture_is_real_and_varied() -> None:
    guides = rg.load_guides()
    assert len(guides) >= 20
    governments = {g["source"]["government"] for g in guides}
    assert len(governments) >= 8
    assert all(g["source"]["url"].startswith("http") for g in guides)
    quirks = " ".join(q for g in guides for q in g["quirks"])
    for quirk in ("traditional", "ASCII", "truncated"):
        assert quirk in quirks, quirk


def test_every_real_guide_reads_back_field_by_field(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    guides = _import(factory, tmp_path)
    codes = _codes(factory)
    with factory() as session:
        for published in guides:
            code = codes[rg.clean(published["name"])]
            guide = get_guide(session, code)
            expected = rg.expected_guide(published)
            for field, value in expected.items():
                got = getattr(guide, field)
                if field == "materials":
                    got = rg.materials_read_back(got)
                assert got == value, (published["name"], field)
            # The code is the published one, else made here and marked so.
            if published["code"]:
                assert (guide.code, guide.code_derived) == (published["code"], False)
            else:
                assert guide.code.startswith("SYS-") and guide.code_derived
            # Numbers are read from the published text only, never made up.
            for text, days in (
                (guide.legal_limit_text, guide.legal_limit_days),
                (guide.promised_limit_text, guide.promised_limit_days),
            ):
                assert days == limit_days(text)
                if days:
                    assert re.search(rf"(?<!\d){days}\s*个?工作日", text or ""), text
            if guide.visits is not None:
                assert guide.visits_text and (
                    str(guide.visits) in guide.visits_text or "一次" in guide.visits_text
                )
            for group in guide.materials:
                for item in group["items"]:  # 份数 left empty: read from 数量, or none
                    assert item["count"] == count_of(item["quantity"])
            # Where the page said nothing, the guide says 请咨询窗口 or nothing at all.
            sections = {s.key: s for s in guide_sections(guide)}
            for key, field in (
                ("fee", "fee"),
                ("hours", "hours"),
                ("visits", "visits"),
                ("conditions", "conditions"),
            ):
                assert sections[key].published == (published[field] is not None), key
                if published[field] is None:
                    assert sections[key].lines == (NOT_PUBLISHED,)
            assert sections["materials"].published == bool(published["materials"])
            assert sections["steps"].published == bool(published["steps"])


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_real_guides_survive_export_and_import_again(
    factory: sessionmaker[Session], tmp_path: Path, suffix: str
) -> None:
    _import(factory, tmp_path)
    path = tmp_path / f"again{suffix}"
    with factory() as session:
        before = catalog_rows(session)
        export_catalog(session, path)
    with factory.begin() as session:
        result = import_catalog(session, path)
    assert not result.inserted and not result.updated
    assert len(result.unchanged) == len(before)
    with factory() as session:
        assert catalog_rows(session) == before
