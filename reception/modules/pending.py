"""Modules whose issues have not landed yet: each shows a plain "coming" statement.

No fake data: staff see what the module will do and that it is not open yet. When a module
lands it registers its own file and its entry here is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from reception.i18n import QT_TRANSLATE_NOOP, translate
from reception.registry import ModuleContext, ModuleFactory, ModuleRegistry

CONTEXT = "Modules"


@dataclass(frozen=True)
class Pending:
    """A module still to come: its key, title, roles, and the two sentences shown."""

    key: str
    title: str
    roles: tuple[str, ...]
    notice: str
    purpose: str


PENDING = (
    Pending(
        "reports",
        QT_TRANSLATE_NOOP("Modules", "报表"),
        ("manager", "admin"),
        QT_TRANSLATE_NOOP("Modules", "报表将在下一版本开通。"),
        QT_TRANSLATE_NOOP("Modules", "日报、月报和季度考核报表，可导出 PDF 和 Excel。"),
    ),
)


class ComingSoonPage(QWidget):
    """A page that says its module is not open yet (no signals)."""

    def __init__(self, item: Pending, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"module_{item.key}")
        title = QLabel(translate(CONTEXT, item.title))
        title.setProperty("role", "title")
        self.notice = QLabel(translate(CONTEXT, item.notice))
        self.notice.setProperty("role", "notice")
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName(self.notice.text())
        purpose = QLabel(translate(CONTEXT, item.purpose))
        purpose.setProperty("role", "muted")
        purpose.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.setSpacing(16)
        layout.addWidget(title)
        layout.addWidget(self.notice)
        layout.addWidget(purpose)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)


def _factory(item: Pending) -> ModuleFactory:
    def build(_context: ModuleContext) -> QWidget:
        return ComingSoonPage(item)

    return build


def register(registry: ModuleRegistry) -> None:
    """Register every placeholder module."""
    for item in PENDING:
        registry.register_module(item.key, item.title, item.roles, _factory(item))
