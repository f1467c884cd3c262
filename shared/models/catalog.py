"""The service-matter catalog (办事指南) as governments publish it, and 一件事 bundles.

What a published guide does not say stays empty (``NULL``, or an empty list): nothing here
has a made-up default such as 不收费 or 1 次, and screens show 请咨询窗口 instead (issue #11).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.models.base import Base, CreatedMixin, IdMixin
from shared.models.org import Department, Site

MATTER_TYPES = (
    "行政许可",
    "行政确认",
    "行政裁决",
    "行政给付",
    "行政奖励",
    "行政备案",
    "行政征收",
    "其他行政权力",
    "公共服务",
)
#: Who a matter serves (服务对象); a matter may serve both, stored as ``个人、法人``.
AUDIENCES = ("个人", "法人")
#: How the materials of one group are to be brought: all of them, any one of them, or those
#: that apply to the applicant's case.
MATERIAL_RULES = ("all", "any", "as_applicable")
#: 办件类型 as the platforms usually publish it (another text is kept as published).
HANDLING_TYPES = ("即办件", "承诺件", "上报件", "联办件")

matter_sites = Table(
    "matter_sites",
    Base.metadata,
    Column("matter_id", ForeignKey("service_matters.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
)

bundle_sites = Table(
    "matter_bundle_sites",
    Base.metadata,
    Column("bundle_id", ForeignKey("matter_bundles.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
)


class ServiceMatter(IdMixin, CreatedMixin, Base):
    """One service matter (事项) and its guide as published (spec §8, issue #11).

    ``materials`` is a list of groups, exactly::

        [{"title": str | None, "rule": "all" | "any" | "as_applicable",
          "items": [{"name": str, "quantity": str | None, "count": int | None,
                     "form": str | None, "required": bool | None, "note": str | None,
                     "blank_form": str | None}]}]

    ``quantity`` is the count as published (``一式三份``, ``4张``), ``count`` its number when
    it has one. ``steps`` is a list of strings. Each time limit is the published text plus
    its number of working days when it has one; ``instant`` is 即办. ``visits_text`` is the
    published number of visits (``最多跑一次``) and ``visits`` its number. ``online`` lists
    the channels as ``{"name": str, "url": str | None}`` (a 公众号 has no URL).
    ``code_derived`` marks a code the import made up because the page published none.
    ``audience_text`` is 服务对象 as published; ``audience`` the tags read from it (个人,
    法人 or both joined by ``、``; empty when it names neither) that browsing uses;
    ``matter_type`` is empty when not published. ``queue_prefix``, ``sites`` and
    ``life_events`` are the hall's own settings, not published text.
    Only :mod:`shared.services.catalog_io` writes it.
    """

    __tablename__ = "service_matters"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    code_derived: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str] = mapped_column(String(200), index=True)
    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("departments.id"), index=True)
    matter_type: Mapped[str] = mapped_column(String(20), default="")
    audience: Mapped[str] = mapped_column(String(20), default="")
    audience_text: Mapped[str | None] = mapped_column(Text, default=None)
    queue_prefix: Mapped[str] = mapped_column(String(4), default="A")
    location: Mapped[str | None] = mapped_column(Text, default=None)
    hours: Mapped[str | None] = mapped_column(Text, default=None)
    conditions: Mapped[str | None] = mapped_column(Text, default=None)
    materials: Mapped[list[Any]] = mapped_column(default=list)
    steps: Mapped[list[Any]] = mapped_column(default=list)
    legal_limit_text: Mapped[str | None] = mapped_column(Text, default=None)
    legal_limit_days: Mapped[int | None] = mapped_column(Integer, default=None)
    promised_limit_text: Mapped[str | None] = mapped_column(Text, default=None)
    promised_limit_days: Mapped[int | None] = mapped_column(Integer, default=None)
    instant: Mapped[bool | None] = mapped_column(default=None)
    handling_type: Mapped[str | None] = mapped_column(String(50), default=None)
    visits_text: Mapped[str | None] = mapped_column(String(100), default=None)
    visits: Mapped[int | None] = mapped_column(Integer, default=None)
    fee: Mapped[str | None] = mapped_column(Text, default=None)
    phone: Mapped[str | None] = mapped_column(Text, default=None)
    complaint_phone: Mapped[str | None] = mapped_column(Text, default=None)
    basis: Mapped[str | None] = mapped_column(Text, default=None)
    online: Mapped[list[Any]] = mapped_column(default=list)
    cross_region: Mapped[bool | None] = mapped_column(default=None)
    fully_online: Mapped[bool | None] = mapped_column(default=None)
    index_no: Mapped[str | None] = mapped_column(String(100), default=None)
    source_url: Mapped[str | None] = mapped_column(String(500), default=None)
    life_events: Mapped[list[Any]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(default=True)

    department: Mapped[Department] = relationship()
    sites: Mapped[list[Site]] = relationship(secondary=matter_sites)

    @property
    def audience_tags(self) -> list[str]:
        """``["个人"]``, ``["法人"]``, both, or none when not published."""
        return [tag for tag in AUDIENCES if tag in self.audience]


class MatterBundle(IdMixin, CreatedMixin, Base):
    """A 一件事 bundle (高效办成一件事): several matters, often of several departments, done
    together with one combined material list and one queue.

    ``materials`` and ``steps`` have the shapes of :class:`ServiceMatter`'s and hold the
    bundle's own published list; when it has none, screens show each member's materials.
    ``department`` is the lead department (牵头部门) when one is published.
    """

    __tablename__ = "matter_bundles"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("departments.id"))
    queue_prefix: Mapped[str] = mapped_column(String(4), default="A")
    location: Mapped[str | None] = mapped_column(Text, default=None)
    hours: Mapped[str | None] = mapped_column(Text, default=None)
    conditions: Mapped[str | None] = mapped_column(Text, default=None)
    materials: Mapped[list[Any]] = mapped_column(default=list)
    steps: Mapped[list[Any]] = mapped_column(default=list)
    promised_limit_text: Mapped[str | None] = mapped_column(Text, default=None)
    promised_limit_days: Mapped[int | None] = mapped_column(Integer, default=None)
    visits_text: Mapped[str | None] = mapped_column(String(100), default=None)
    visits: Mapped[int | None] = mapped_column(Integer, default=None)
    fee: Mapped[str | None] = mapped_column(Text, default=None)
    phone: Mapped[str | None] = mapped_column(Text, default=None)
    source_url: Mapped[str | None] = mapped_column(String(500), default=None)
    active: Mapped[bool] = mapped_column(default=True)

    department: Mapped[Department | None] = relationship()
    sites: Mapped[list[Site]] = relationship(secondary=bundle_sites)
    items: Mapped[list[MatterBundleItem]] = relationship(
        back_populates="bundle",
        order_by="MatterBundleItem.position",
        cascade="all, delete-orphan",
    )


class MatterBundleItem(Base):
    """One matter of a 一件事 bundle, in the order the bundle lists them."""

    __tablename__ = "matter_bundle_items"

    bundle_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("matter_bundles.id", ondelete="CASCADE"), primary_key=True
    )
    matter_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("service_matters.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)

    bundle: Mapped[MatterBundle] = relationship(back_populates="items")
    matter: Mapped[ServiceMatter] = relationship()
