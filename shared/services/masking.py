"""Masking personal data for screens, lists and the CLI (spec §10: 138****1234, 张*).

Pure functions, no database: every place that shows a visitor's name, phone or address shows
it through these until an assistant reveals it (an audited act, see
:func:`shared.services.priority.reveal_contact`). A masked value never tells the length of a
masked address, and never more than the first three and last four digits of a phone number.
"""

from __future__ import annotations

import re

MASK = "*"
#: What stands for the hidden part of an address (a fixed width hides the length).
ADDRESS_MASK = "****"
#: Administrative units an address may keep up to (the coarse "where" a plan needs).
_ADMIN_UNIT = re.compile(r"(省|自治区|市|区|县|镇|乡|街道)")
#: How far into an address the kept prefix may reach.
_ADDRESS_PREFIX_MAX = 12


def mask_phone(phone: str | None) -> str:
    """``13812341234`` → ``138****1234``; short or odd values are masked whole.

    Args:
        phone: a phone number (anything; spaces and dashes are ignored).

    Returns:
        The masked text, or ``""`` for no value.
    """
    if not phone:
        return ""
    digits = re.sub(r"[\s-]", "", phone)
    if len(digits) < 8:
        return MASK * len(digits)
    return digits[:3] + MASK * (len(digits) - 7) + digits[-4:]


def mask_name(name: str | None) -> str:
    """``张三`` → ``张*``, ``欧阳娜娜`` → ``欧***``: the first character stays.

    A one-character name is masked whole (it would otherwise be shown as is).
    """
    if not name:
        return ""
    text = name.strip()
    if len(text) <= 1:
        return MASK * len(text)
    return text[0] + MASK * (len(text) - 1)


def mask_address(address: str | None) -> str:
    """``华容区华容镇建设路12号`` → ``华容区华容镇****``: the district or township stays.

    The kept prefix ends at the last administrative unit (省, 市, 区, 县, 镇, 乡, 街道) found
    within the first twelve characters; without one only the first two characters stay.
    """
    if not address:
        return ""
    text = address.strip()
    end = 0
    for match in _ADMIN_UNIT.finditer(text[:_ADDRESS_PREFIX_MAX]):
        end = match.end()
    if end == 0 or end >= len(text):
        end = min(2, max(len(text) - 1, 0))
    return text[:end] + ADDRESS_MASK
