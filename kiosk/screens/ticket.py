"""取号 (take a ticket). Not open yet: the queue flow of its issue plugs in here."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from kiosk.screens.common import ComingSoonScreen

NAME = "ticket"


def create_screen() -> ComingSoonScreen:
    """The screen shown for this choice (for now: it is not open yet)."""

    return ComingSoonScreen(
        QCoreApplication.translate("TicketScreen", "取号"),
        QCoreApplication.translate("TicketScreen", "取号功能即将开通，请到服务台取号。"),
        QCoreApplication.translate("TicketScreen", "服务台工作人员会为您取号并打印号票。"),
    )
