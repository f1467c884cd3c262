"""The service-matter catalog (办事指南)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Column, ForeignKey, String, Table, Text
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
    "其他行政权力",
    "公共服务",
)
#: Who a matter serves (服务对象); a matter may serve both, stored as ``个人、法人``.
AUDIENCES = ("个人", "法人")

matter_sites = Table(
    "matter_sites",
    Base.metadata,
    Column("matter_id", ForeignKey("service_matters.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
)


class ServiceMatter(IdMixin, CreatedMixin, Base):
    """One service matter (事项) and its guide (spec §8).

    ``materials`` is a list of ``{"name", "original", "copy"}`` dicts (counts of originals
    and copies); ``steps`` a list of strings. A time limit of 0 working days means 即办.
    ``audience`` holds 个人, 法人 or both joined by ``、`` (see :attr:`audience_tags`);
    ``life_events`` the life-event tags (出生, 上学, 开办, …) the kiosk browses by;
    ``location`` the window or place where it is handled; ``queue_prefix`` the queue (at each
    of its sites) a ticket for it goes to. Only :mod:`shared.services.catalog_io` writes it.
    """

    __tablename__ = "service_matters"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("departments.id"), index=True)
    matter_type: Mapped[str] = mapped_column(String(20))
    audience: Mapped[str] = mapped_column(String(20), default="个人")
    queue_prefix: Mapped[str] = mapped_column(String(4), default="A")
    location: Mapped[str] = mapped_column(String(100), default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    materials: Mapped[list[Any]] = mapped_column(default=list)
    steps: Mapped[list[Any]] = mapped_column(default=list)
    legal_limit_days: Mapped[int] = mapped_column(default=0)
    promised_limit_days: Mapped[int] = mapped_column(default=0)
    fee: Mapped[str] = mapped_column(String(100), default="不收费")
    visits: Mapped[int] = mapped_column(default=1)
    phone: Mapped[str] = mapped_column(String(40), default="")
    online_url: Mapped[str] = mapped_column(String(300), default="")
    life_events: Mapped[list[Any]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(default=True)

    department: Mapped[Department] = relationship()
    sites: Mapped[list[Site]] = relationship(secondary=matter_sites)

    @property
    def audience_tags(self) -> list[str]:
        """``["个人"]``, ``["法人"]`` or both."""
        return [tag for tag in AUDIENCES if tag in self.audience]
