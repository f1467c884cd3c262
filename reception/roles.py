"""Staff roles as the console shows them.

The codes come from :data:`shared.models.ROLES`; the labels are Chinese source strings marked
for Qt Linguist and translated when shown.
"""

from __future__ import annotations

from collections.abc import Iterable

from reception.i18n import QT_TRANSLATE_NOOP, translate

CONTEXT = "Roles"

ROLE_LABELS: dict[str, str] = {
    "admin": QT_TRANSLATE_NOOP("Roles", "系统管理员"),
    "manager": QT_TRANSLATE_NOOP("Roles", "项目经理"),
    "guide": QT_TRANSLATE_NOOP("Roles", "咨询引导"),
    "assistant": QT_TRANSLATE_NOOP("Roles", "帮办代办"),
    "window": QT_TRANSLATE_NOOP("Roles", "综合窗口"),
    "docent": QT_TRANSLATE_NOOP("Roles", "讲解接待"),
}


def role_label(role: str) -> str:
    """The translated label of one role (the code itself for an unknown role)."""
    source = ROLE_LABELS.get(role)
    if source is None:
        return role
    return translate(CONTEXT, source)


def roles_text(roles: Iterable[str]) -> str:
    """Several roles as one line, in the canonical order: ``项目经理、咨询引导``."""
    wanted = set(roles)
    ordered = [r for r in ROLE_LABELS if r in wanted] + sorted(wanted - set(ROLE_LABELS))
    return "、".join(role_label(r) for r in ordered)
