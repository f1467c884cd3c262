"""优先服务 (priority help). Not open yet: green channel and help requests plug in here."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from kiosk.screens.common import ComingSoonScreen

NAME = "priority"


def create_screen() -> ComingSoonScreen:
    """The screen shown for this choice (for now: it is not open yet)."""

    return ComingSoonScreen(
        QCoreApplication.translate("PriorityScreen", "优先服务"),
        QCoreApplication.translate("PriorityScreen", "优先服务功能即将开通，请到服务台说明情况。"),
        QCoreApplication.translate(
            "PriorityScreen", "老年人、残疾人、孕妇等有困难的群众，工作人员会优先为您办理。"
        ),
    )
