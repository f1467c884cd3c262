"""The 终端与打印机 page's dialogs (issue #9): a terminal, and its printer as a form.

The printer is chosen from a list of kinds and each kind shows only the fields it needs
(address and port, USB ids, serial device and speed, a folder, a system queue) — never raw
JSON. The dialog only turns the form into the settings dictionary; the terminals service
validates it (:func:`shared.printing.config.validate_printer_config`) and its Chinese reason
is shown in the dialog when it refuses. Keys the form does not show (an ESC/POS profile's
``width_dots``, ``timeout`` …) are kept as they were for the same kind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from reception.i18n import QT_TRANSLATE_NOOP, translate
from reception.modules.admin.org_dialogs import RecordDialog, line
from reception.modules.admin.terminal_ops import TerminalForm
from shared.printing.config import BAUD_RATES, ESCPOS_KINDS
from shared.services.org import SiteInfo
from shared.services.org.workbook_format import TERMINAL_KIND_ZH
from shared.services.terminals import TerminalInfo

CONTEXT = "PrinterDialog"
PRINTER_KINDS = {
    "none": QT_TRANSLATE_NOOP(CONTEXT, "不设打印机（号码只在屏幕上显示）"),
    "escpos-network": QT_TRANSLATE_NOOP(CONTEXT, "网络热敏打印机（ESC/POS）"),
    "escpos-usb": QT_TRANSLATE_NOOP(CONTEXT, "USB 热敏打印机（ESC/POS）"),
    "escpos-serial": QT_TRANSLATE_NOOP(CONTEXT, "串口热敏打印机（ESC/POS）"),
    "pdf-folder": QT_TRANSLATE_NOOP(CONTEXT, "保存为 PDF 文件（到文件夹）"),
    "system": QT_TRANSLATE_NOOP(CONTEXT, "系统打印机（打印队列）"),
}
#: The keys each kind's form shows; other stored keys are carried over unchanged.
FORM_KEYS = {
    "escpos-network": ("host", "port", "check_status"),
    "escpos-usb": ("vendor", "product", "check_status"),
    "escpos-serial": ("device", "baud", "check_status"),
    "pdf-folder": ("path",),
    "system": ("name",),
    "none": (),
}


def printer_text(info: TerminalInfo) -> str:
    """A terminal's printer in a few Chinese words (the stored settings, not English)."""
    config = info.printer or {}
    kind = config.get("kind", "none")
    if info.printer_summary.startswith("invalid"):
        return translate(CONTEXT, "设置有误，请重新设置")
    if kind == "escpos-network":
        return f"{translate(CONTEXT, '网络热敏')} {config.get('host')}:{config.get('port')}"
    if kind == "escpos-usb":
        return f"{translate(CONTEXT, 'USB 热敏')} {config.get('vendor')}:{config.get('product')}"
    if kind == "escpos-serial":
        return f"{translate(CONTEXT, '串口热敏')} {config.get('device')} @{config.get('baud')}"
    if kind == "pdf-folder":
        return f"PDF {config.get('path')}"
    if kind == "system":
        name = config.get("name") or translate(CONTEXT, "默认")
        return f"{translate(CONTEXT, '系统打印机')} {name}"
    return translate(CONTEXT, "无")


def printer_kind_text(kind: str) -> str:
    """A printer kind in Chinese."""
    word = PRINTER_KINDS.get(kind)
    return translate(CONTEXT, word) if word else kind


class TerminalDialog(RecordDialog):
    """新增 or 编辑 a terminal: code, kind, site (fixed once created), location."""

    def __init__(
        self,
        sites: Sequence[SiteInfo],
        terminal: TerminalInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("terminal_dialog", parent)
        self.adding = terminal is None
        self.setWindowTitle(self.tr("新增终端") if terminal is None else self.tr("编辑终端"))
        self.code = line(
            "terminal_code", self.tr("终端编号"), terminal.code if terminal else "", 40
        )
        self.code.setReadOnly(terminal is not None)
        self.code.setPlaceholderText(self.tr("如 kiosk-01"))
        self.kind = QComboBox()
        self.kind.setObjectName("terminal_kind")
        self.kind.setAccessibleName(self.tr("终端类型"))
        for kind, text in TERMINAL_KIND_ZH.items():
            self.kind.addItem(text, kind)
        self.site = QComboBox()
        self.site.setObjectName("terminal_site")
        self.site.setAccessibleName(self.tr("所在站点"))
        current = terminal.site_code if terminal else None
        for site in sites:
            if site.active or site.code == current:
                self.site.addItem(f"{site.name}（{site.code}）", site.code)
        self.location = line(
            "terminal_location", self.tr("位置"), terminal.location if terminal else ""
        )
        self.location.setPlaceholderText(self.tr("如 一楼大厅入口左侧"))
        if terminal is not None:
            self.kind.setCurrentIndex(max(self.kind.findData(terminal.kind), 0))
            self.site.setCurrentIndex(max(self.site.findData(terminal.site_code), 0))
            self.site.setEnabled(False)
        self.form.addRow(self.tr("终端编号(&C)"), self.code)
        self.form.addRow(self.tr("类型(&K)"), self.kind)
        self.form.addRow(self.tr("站点(&S)"), self.site)
        self.form.addRow(self.tr("位置(&L)"), self.location)

    def value(self) -> TerminalForm:
        return TerminalForm(
            self.code.text().strip(),
            str(self.kind.currentData()),
            str(self.site.currentData() or ""),
            self.location.text().strip(),
        )


class PrinterDialog(RecordDialog):
    """A terminal's printer as a form; :meth:`value` is the settings dictionary."""

    def __init__(self, terminal: TerminalInfo, parent: QWidget | None = None) -> None:
        super().__init__("printer_dialog", parent)
        self.setWindowTitle(self.tr("设置打印机：{code}").format(code=terminal.code))
        self.code = terminal.code
        self._stored: Mapping[str, Any] = dict(terminal.printer or {})
        stored_kind = str(self._stored.get("kind") or "none")

        self.kind = QComboBox()
        self.kind.setObjectName("printer_kind")
        self.kind.setAccessibleName(self.tr("打印机类型"))
        for kind in PRINTER_KINDS:
            self.kind.addItem(printer_kind_text(kind), kind)
        self.form.addRow(self.tr("类型(&K)"), self.kind)
        #: The form rows of each kind (shown only while that kind is chosen).
        self._rows: dict[str, list[QWidget]] = {}

        none_note = QLabel(self.tr("这台终端不打印：号码只在屏幕上显示。"))
        none_note.setProperty("role", "muted")
        self._add_page("none", [("", none_note)])

        self.host = line("printer_host", self.tr("打印机地址"), self._text("host"), 100)
        self.host.setPlaceholderText(self.tr("IP 地址或主机名，如 10.0.0.50"))
        self.port = QSpinBox()
        self.port.setObjectName("printer_port")
        self.port.setAccessibleName(self.tr("端口"))
        self.port.lineEdit().setAccessibleName(self.tr("端口"))  # its text field, read aloud too
        self.port.setRange(1, 65535)
        self.port.setValue(int(self._stored.get("port", 9100)))
        self._add_page(
            "escpos-network", [(self.tr("地址(&H)"), self.host), (self.tr("端口(&O)"), self.port)]
        )

        self.vendor = line("printer_vendor", self.tr("USB 厂商编号"), self._text("vendor"), 6)
        self.vendor.setPlaceholderText("0x0416")
        self.product = line("printer_product", self.tr("USB 产品编号"), self._text("product"), 6)
        self.product.setPlaceholderText("0x5011")
        self._add_page(
            "escpos-usb",
            [(self.tr("厂商编号(&V)"), self.vendor), (self.tr("产品编号(&P)"), self.product)],
        )

        self.device = line("printer_device", self.tr("串口设备"), self._text("device"), 100)
        self.device.setPlaceholderText(self.tr("如 /dev/ttyUSB0 或 COM3"))
        self.baud = QComboBox()
        self.baud.setObjectName("printer_baud")
        self.baud.setAccessibleName(self.tr("波特率"))
        for rate in BAUD_RATES:
            self.baud.addItem(str(rate), rate)
        self.baud.setCurrentIndex(max(self.baud.findData(int(self._stored.get("baud", 9600))), 0))
        self._add_page(
            "escpos-serial",
            [(self.tr("串口(&D)"), self.device), (self.tr("波特率(&B)"), self.baud)],
        )

        self.folder = line("printer_folder", self.tr("保存文件夹"), self._text("path"), 300)
        self.folder.setPlaceholderText(self.tr("完整路径，如 /var/lib/servicehall/tickets"))
        self.browse = QPushButton(self.tr("选择…"))
        self.browse.setObjectName("printer_browse")
        self.browse.setAccessibleName(self.tr("选择保存文件夹"))
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse)
        folder_box = QWidget()
        folder_box.setLayout(folder_row)
        folder_row.setContentsMargins(0, 0, 0, 0)
        self._add_page("pdf-folder", [(self.tr("文件夹(&F)"), folder_box)])

        self.queue_name = QComboBox()
        self.queue_name.setObjectName("printer_queue_name")
        self.queue_name.setAccessibleName(self.tr("系统打印机名称"))
        self.queue_name.setEditable(True)
        self.queue_name.lineEdit().setAccessibleName(self.tr("系统打印机名称"))
        self.queue_name.setMinimumContentsLength(24)
        self._add_page("system", [(self.tr("打印机(&N)"), self.queue_name)])

        self.check_status = QCheckBox(self.tr("打印前检查纸张和连接（推荐）"))
        self.check_status.setObjectName("printer_check_status")
        self.check_status.setAccessibleName(self.tr("打印前检查纸张和连接"))
        self.check_status.setChecked(bool(self._stored.get("check_status", True)))

        self.form.addRow("", self.check_status)
        self.kind.currentIndexChanged.connect(self.on_kind_current_index_changed)
        self.browse.clicked.connect(self.on_browse_clicked)
        self.kind.setCurrentIndex(max(self.kind.findData(stored_kind), 0))
        self.on_kind_current_index_changed()

    def _text(self, key: str) -> str:
        value = self._stored.get(key)
        return "" if value is None else str(value)

    def _add_page(self, kind: str, rows: Sequence[tuple[str, QWidget]]) -> None:
        for label, widget in rows:
            if label:
                self.form.addRow(label, widget)
            else:
                self.form.addRow(widget)
        self._rows[kind] = [widget for _, widget in rows]

    def set_kind(self, kind: str) -> None:
        """Choose a printer kind (as picking it in the list would)."""
        self.kind.setCurrentIndex(self.kind.findData(kind))

    @Slot()
    def on_kind_current_index_changed(self) -> None:
        kind = str(self.kind.currentData())
        for shown, widgets in self._rows.items():
            for widget in widgets:
                self.form.setRowVisible(widget, shown == kind)
        self.form.setRowVisible(self.check_status, kind in ESCPOS_KINDS)
        self.adjustSize()
        if kind == "system" and self.queue_name.count() == 0:
            self.queue_name.addItem(self.tr("（系统默认打印机）"), "")
            for name in QPrinterInfo.availablePrinterNames():
                self.queue_name.addItem(name, name)
            stored = self._text("name") if self._stored.get("kind") == "system" else ""
            if stored:
                index = self.queue_name.findData(stored)
                if index < 0:
                    self.queue_name.addItem(stored, stored)
                    index = self.queue_name.count() - 1
                self.queue_name.setCurrentIndex(index)

    @Slot()
    def on_browse_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("选择保存 PDF 的文件夹"), self.folder.text()
        )
        if folder:
            self.folder.setText(folder)

    def value(self) -> dict[str, Any]:
        kind = str(self.kind.currentData())
        config: dict[str, Any] = {"kind": kind}
        if self._stored.get("kind") == kind:
            config.update(
                {k: v for k, v in self._stored.items() if k != "kind" and k not in FORM_KEYS[kind]}
            )
        if kind == "escpos-network":
            config.update(host=self.host.text().strip(), port=self.port.value())
        elif kind == "escpos-usb":
            config.update(vendor=self.vendor.text().strip(), product=self.product.text().strip())
        elif kind == "escpos-serial":
            config.update(device=self.device.text().strip(), baud=int(self.baud.currentData()))
        elif kind == "pdf-folder":
            config["path"] = self.folder.text().strip()
        elif kind == "system":
            index = self.queue_name.currentIndex()
            typed = self.queue_name.currentText().strip()
            chosen = self.queue_name.itemData(index) if index >= 0 else None
            name = (
                chosen if chosen is not None and self.queue_name.itemText(index) == typed else typed
            )
            if name:
                config["name"] = str(name)
        if kind in ESCPOS_KINDS:
            config["check_status"] = self.check_status.isChecked()
        return config
