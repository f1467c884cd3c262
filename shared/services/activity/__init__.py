"""The hall's activity as staff read it: change-feed records told as sentences.

The change feed carries codes (``kind`` = ``ticket``, ``action`` = ``called``, an id); the
console's 实时动态 page shows people what happened instead: "A012 在 9 号窗口被呼叫",
"参观团「…」已签到", "绿色通道请求 K7C3AX 已接单". The wording lives here, on the domain side of
the wall, so any front end describes a change the same way.

A batch of records is described with a bounded number of indexed queries
(:func:`describe_changes`: one query per kind of row the batch refers to, see
:mod:`~shared.services.activity.facts`), because the page follows the feed all day. Sentences
never hold internal numbers (revisions, ids) or personal data. A record whose row is gone, or
a kind this terminal does not know (written by a newer one), still gets a plain sentence.
Each entry has a category (号票, 叫号, 窗口, 优先服务, 参观接待, 设置管理, 其他) staff filter by.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.changes import RESYNC, ChangeRecord, changes_after, latest_revision
from shared.models import Change
from shared.services.activity.facts import load_facts
from shared.services.activity.sentences import sentence
from shared.services.activity.words import (
    ACTION_LABELS,
    CALLING_ACTIONS,
    CATEGORIES,
    CATEGORY_KINDS,
    KIND_CATEGORY,
    KIND_LABELS,
    ActivityEntry,
    Category,
    category_label,
    category_of,
    describe_change,
    format_change_time,
    kind_label,
)

#: How many past changes the live panel loads when it opens (and per category filter).
RECENT_LIMIT = 50
#: How far back (in revisions) the "other" category looks for kinds it does not know.
OTHER_WINDOW = 5000

__all__ = [
    "ACTION_LABELS",
    "CALLING_ACTIONS",
    "CATEGORIES",
    "CATEGORY_KINDS",
    "KIND_LABELS",
    "RECENT_LIMIT",
    "ActivityEntry",
    "Category",
    "category_label",
    "category_of",
    "describe_change",
    "describe_changes",
    "format_change_time",
    "kind_label",
    "recent_activity",
    "recent_changes",
    "recent_changes_of",
]


def describe_changes(
    session: Session, records: Sequence[ChangeRecord], *, home_site: str | None = None
) -> list[ActivityEntry]:
    """The records as ready-to-show lines, newest first, in a bounded number of queries.

    Args:
        session: a (read) session.
        records: change-feed records, in any order.
        home_site: the console's site code; records of other sites name their site (by
            default the hall's first site is home).

    Returns:
        One :class:`ActivityEntry` per record, sorted newest first by time.
    """
    batch = list(records)
    if not batch:
        return []
    facts = load_facts(session, batch, home_site)
    entries = [
        ActivityEntry(
            revision=record.revision,
            at=record.at,
            category=category_of(record.kind, record.action),
            description=sentence(record, facts),
            kind=record.kind,
            action=record.action,
        )
        for record in batch
    ]
    return sorted(entries, key=lambda e: e.sort_key, reverse=True)


def recent_changes(session: Session, limit: int = RECENT_LIMIT) -> list[ChangeRecord]:
    """The last ``limit`` changes of the feed, oldest first (what a live panel opens with)."""
    if limit <= 0:
        return []
    newest = latest_revision(session)
    return changes_after(session, max(0, newest - limit), limit=limit)


def recent_changes_of(
    session: Session, category: str, limit: int = RECENT_LIMIT
) -> list[ChangeRecord]:
    """The last ``limit`` changes of one category, oldest first.

    One query per kind on the ``(kind, revision)`` index, walked from the newest end, so the
    cost does not grow with the feed's history. Kinds nobody declared (``other``) are looked
    for among the last :data:`OTHER_WINDOW` revisions only.
    """
    if limit <= 0:
        return []
    found: list[Change] = []
    if category == "other":
        known = [*sorted(KIND_CATEGORY), RESYNC]
        floor = max(0, latest_revision(session) - OTHER_WINDOW)
        found = list(
            session.scalars(
                select(Change)
                .where(Change.revision > floor, Change.kind.not_in(known))
                .order_by(Change.revision.desc())
                .limit(limit)
            )
        )
    for kind in CATEGORY_KINDS.get(category, ()):
        query = select(Change).where(Change.kind == kind)
        if kind == "ticket":
            calling = Change.action.in_(CALLING_ACTIONS)
            query = query.where(calling if category == "calling" else ~calling)
        found.extend(session.scalars(query.order_by(Change.revision.desc()).limit(limit)))
    newest = sorted(found, key=lambda row: row.revision)[-limit:]
    return [_as_record(row) for row in newest]


def recent_activity(
    session: Session,
    *,
    category: str | None = None,
    limit: int = RECENT_LIMIT,
    home_site: str | None = None,
) -> list[ActivityEntry]:
    """The last ``limit`` changes (of one category, or all) described, newest first.

    What the live panel opens with, and what it loads when staff pick a category.
    """
    records = (
        recent_changes(session, limit)
        if category is None
        else recent_changes_of(session, category, limit)
    )
    return describe_changes(session, records, home_site=home_site)


def _as_record(row: Change) -> ChangeRecord:
    return ChangeRecord(
        revision=row.revision,
        kind=row.kind,
        entity_id=row.entity_id,
        action=row.action,
        site_id=str(row.site_id) if row.site_id else None,
        at=row.at,
    )
