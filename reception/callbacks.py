"""Callbacks from background work that outlive the widget they were meant for.

A background operation may finish after its page was closed (staff logged out). Its
callback must then do nothing instead of touching a deleted Qt object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject

T = TypeVar("T")


def guarded(owner: QObject, callback: Callable[[T], Any]) -> Callable[[T], None]:
    """``callback``, called only while ``owner`` still exists."""

    def call(value: T) -> None:
        if shiboken6.isValid(owner):
            callback(value)

    return call
