"""What catalog search knows besides the catalog: aliases, synonyms and guide views (issue #11).

Citizens name a matter in their own words (补办身份证, 上户口, 低保), not as the catalog
does (居民身份证补领, 出生登记, 最低生活保障). The hall teaches search those words in two
ways, both edited with ``hall catalog aliases import|export``:

- :class:`MatterAlias`: another name for one matter (``上户口`` for 出生登记).
- :class:`SearchSynonym`: a word that means another word wherever it is typed (``补办`` ↔
  ``补领``), adding to the list shipped in ``resources/search/synonyms.csv``.

:class:`GuideViewCount` counts how often the kiosk showed each matter's guide, per site and
day: a small aggregate that search reads (with recent ticket counts) to rank equally good
matches by how often the matter is asked for. One row per site, day and matter, bumped by an
upsert, so a view costs one indexed statement and reading a recent window reads a range of
the primary key, never the history of tickets or views.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, CreatedMixin, IdMixin


class MatterAlias(IdMixin, CreatedMixin, Base):
    """Another name citizens use for one matter; ``source`` says where it is used (a URL)."""

    __tablename__ = "matter_aliases"
    __table_args__ = (UniqueConstraint("matter_id", "alias"),)

    matter_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("service_matters.id", ondelete="CASCADE")
    )
    alias: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(500), default="")
    note: Mapped[str] = mapped_column(String(200), default="")


class SearchSynonym(IdMixin, CreatedMixin, Base):
    """A word the hall added that means another (matched both ways, one step)."""

    __tablename__ = "search_synonyms"
    __table_args__ = (UniqueConstraint("term", "means"),)

    term: Mapped[str] = mapped_column(String(100))
    means: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(500), default="")
    note: Mapped[str] = mapped_column(String(200), default="")


class GuideViewCount(Base):
    """How many times the kiosk showed a matter's guide at a site on one hall-local day.

    The primary key leads with the day, so "the last N days" is one range of it.
    """

    __tablename__ = "guide_view_counts"

    day: Mapped[date] = mapped_column(primary_key=True)
    site_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )
    matter_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("service_matters.id", ondelete="CASCADE"), primary_key=True
    )
    views: Mapped[int] = mapped_column(default=0)
