"""暂停服务: what the kiosk says when it cannot work, honest about who is there to help.

While the hall is staffed the desk can help (请到服务台办理). Outside its hours nobody is at
the desk in the 24-hour zone, so the screen offers the hall's hotline (``service_hotline``,
12345 by default) and, when set, a QR code to the online service hall (``online_hall_url``)
instead. The database is what failed, so these come from the last status the kiosk read.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QWidget

from kiosk.screens.common import MessageScreen, wrapped_label
from shared.qt.qr import QrView


def _tr(text: str) -> str:
    return QCoreApplication.translate("OutageScreen", text)


class OutageScreen(MessageScreen):
    """暂停服务, with the help there is now: the desk, or the hotline and the online hall."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_tr("暂停服务"), "", with_home=False, parent=parent)
        layout = self.layout()
        self.qr = QrView(side=280)
        self.qr.setObjectName("onlineHallQr")
        self.qr.setAccessibleName(_tr("网上办事大厅二维码"))
        self.qr_caption = wrapped_label("", "kiosk_detail")
        self.qr_caption.setObjectName("onlineHallCaption")
        # Under the message and detail, above the bottom stretch.
        layout.insertWidget(4, self.qr, 0, Qt.AlignmentFlag.AlignHCenter)  # type: ignore[attr-defined]
        layout.insertWidget(5, self.qr_caption)  # type: ignore[attr-defined]
        self.set_help(None, "12345", "")

    def set_help(self, staffed: bool | None, hotline: str, online_hall: str) -> None:
        """Say who can help: the desk (``staffed``), nobody (the hotline and the online hall),
        or, not knowing the hours (never connected), both."""
        back = _tr("本机恢复后会自动回到首页。")
        if staffed:
            self.set_message(
                _tr("本机暂时无法使用，请到服务台办理。"),
                _tr("工作人员会为您办理，给您带来不便，敬请谅解。") + back,
            )
        elif staffed is None:
            self.set_message(
                _tr("本机暂时无法使用。有工作人员在岗时，请到服务台办理。"),
                _tr("也可拨打 {hotline} 政务服务便民热线咨询。").format(hotline=hotline) + back,
            )
        else:
            self.set_message(
                _tr("本机暂时无法使用，现在服务台无人值守。"),
                _tr("请拨打 {hotline} 政务服务便民热线咨询，或在办理时间再来。").format(
                    hotline=hotline
                )
                + back,
            )
        show_qr = bool(online_hall) and not staffed
        self.qr.set_payload(online_hall if show_qr else "")
        self.qr.setVisible(show_qr)
        self.qr_caption.setText(_tr("用手机扫码，到网上办事大厅办理") if show_qr else "")
        self.qr_caption.setVisible(show_qr)
