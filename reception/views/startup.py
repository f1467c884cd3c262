"""The screen shown while the console connects to (and migrates) the database."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class StartupView(QWidget):
    """ "Connecting…", or what went wrong with a retry button.

    Signals:
        retry_requested(): staff asked to try connecting again.
    """

    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startup_view")
        self.status = QLabel(self.tr("正在连接数据库…"))
        self.status.setObjectName("startup_status")
        self.status.setProperty("role", "title")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("启动状态"))
        self.retry = QPushButton(self.tr("重新连接"))
        self.retry.setObjectName("startup_retry")
        self.retry.setProperty("role", "primary")
        self.retry.setAccessibleName(self.tr("重新连接数据库"))
        self.retry.hide()

        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.status)
        layout.addWidget(self.retry, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)

        self.retry.clicked.connect(self.on_retry_clicked)

    @Slot()
    def on_retry_clicked(self) -> None:
        self.show_connecting()
        self.retry_requested.emit()

    def show_connecting(self) -> None:
        """Say that the console is connecting."""
        self.status.setText(self.tr("正在连接数据库…"))
        self.retry.hide()

    def show_failure(self, message: str) -> None:
        """Say what went wrong and offer a retry."""
        self.status.setText(message)
        self.retry.show()
        self.retry.setFocus()
