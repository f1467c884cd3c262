"""办事指南 (service guides). Not open yet: guide search and browsing plug in here."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from kiosk.screens.common import ComingSoonScreen

NAME = "guide"


def create_screen() -> ComingSoonScreen:
    """The screen shown for this choice (for now: it is not open yet)."""

    return ComingSoonScreen(
        QCoreApplication.translate("GuideScreen", "办事指南"),
        QCoreApplication.translate("GuideScreen", "办事指南功能即将开通，请到服务台咨询。"),
        QCoreApplication.translate("GuideScreen", "服务台工作人员会告诉您需要带哪些材料。"),
    )
