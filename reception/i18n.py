"""Marking strings for translation where no widget's ``self.tr()`` is at hand.

Qt Linguist's ``pyside6-lupdate`` finds ``QT_TRANSLATE_NOOP(context, text)`` by name; this
typed stand-in returns the source text as ``str`` (PySide6's own returns ``object``), and the
text is translated when shown with ``QCoreApplication.translate(context, text)``.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Mark ``text`` for translation in ``context``; returns it unchanged."""
    return text


def translate(context: str, text: str) -> str:
    """``text`` translated in ``context`` (the source text when no translation is loaded)."""
    return str(QCoreApplication.translate(context, text))
