"""评价 (rate a service). Not open yet: ratings and 办不成事 reports plug in here."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from kiosk.screens.common import ComingSoonScreen

NAME = "rating"


def create_screen() -> ComingSoonScreen:
    """The screen shown for this choice (for now: it is not open yet)."""

    return ComingSoonScreen(
        QCoreApplication.translate("RatingScreen", "评价"),
        QCoreApplication.translate("RatingScreen", "评价功能即将开通，请到服务台提出您的意见。"),
        QCoreApplication.translate("RatingScreen", "您的意见和建议，工作人员会认真记录。"),
    )
