"""The organisation workbook's sheets and columns, and how its cells read and write (pure).

A new hall's IT person fills this workbook in Excel, so every sheet has Chinese headers (row 1)
and a help row (row 2) that import skips; data starts on row 3, and every row number a problem
names is the one Excel shows. Cells are written as text, so codes keep their leading zeros and
``08:30`` is not turned into a fraction of a day; cells Excel typed anyway (numbers, times,
dates) are read back as the text they show.

A terminal's printer is one readable cell — ``escpos-network 10.0.0.50:9100``,
``escpos-usb 0x0416:0x5011``, ``escpos-serial /dev/ttyUSB0@9600``, ``pdf-folder /path``,
``system 前台打印机``, ``none`` — with optional ``key=value`` settings after it
(``width_dots=384 native_qr=false``); :func:`parse_printer` turns it into the printer settings
that :func:`shared.printing.config.validate_printer_config` checks, and :func:`printer_text`
writes them back the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from shared.errors import ValidationError
from shared.printing.config import DEFAULT_TIMEOUT, validate_printer_config
from shared.services.catalog_format import cell_text


@dataclass(frozen=True)
class Column:
    """One column: the key the code uses, the Chinese header, whether import needs it."""

    key: str
    header: str
    help: str
    required: bool = True


@dataclass(frozen=True)
class SheetSpec:
    """One sheet: its title and columns."""

    title: str
    columns: tuple[Column, ...]

    def header(self, key: str) -> str:
        """The header of column ``key`` (for problems)."""
        return next(c.header for c in self.columns if c.key == key)


SITES = SheetSpec(
    "站点",
    (
        Column("code", "编码", "字母、数字、-、_，如 east-hall；已有编码将被更新"),
        Column("name", "名称", "如 东城区政务服务中心"),
        Column("kind", "类型", "区级中心、分中心 或 乡镇便民服务中心"),
        Column("address", "地址", "可空"),
        Column("phone", "电话", "可空"),
    ),
)
DEPARTMENTS = SheetSpec(
    "部门",
    (
        Column("code", "编码", "如 gaj；事项目录的“实施部门”可填此编码"),
        Column("name", "名称", "全称，不可重复，如 区公安分局"),
        Column("short_name", "简称", "可空，如 公安"),
    ),
)
QUEUES = SheetSpec(
    "业务队列",
    (
        Column("site", "站点", "站点编码"),
        Column("prefix", "字头", "一到两个大写字母，号票为 A001 形式"),
        Column("name", "名称", "如 综合受理"),
        Column("description", "说明", "可空"),
        Column(
            "policy", "叫号规则", "strict（优先号始终优先）或 interleave N（每 N 个普通号穿插一个）"
        ),
        Column("minutes", "默认办理时长(分钟)", "1–240，无历史数据时用于估计等候时间"),
        Column("departments", "服务部门", "部门编码，多个用 、 或 , 分隔；可空"),
    ),
)
WINDOWS = SheetSpec(
    "窗口",
    (
        Column("site", "站点", "站点编码"),
        Column("number", "窗口号", "1–999"),
        Column("name", "名称", "可空，默认“N号窗口”"),
        Column("location", "告知群众的位置", "如 一楼公安户政区"),
        Column("queues", "服务队列", "本站点的队列字头，多个用 、 或 , 分隔"),
    ),
)
TERMINALS = SheetSpec(
    "终端",
    (
        Column("code", "编码", "如 kiosk-01"),
        Column(
            "kind", "类型", "自助机、接待台、叫号屏、评价器（或 kiosk、desk、board、rating_pad）"
        ),
        Column("site", "站点", "站点编码"),
        Column("location", "位置", "如 一楼大厅入口"),
        Column(
            "printer",
            "打印机",
            "escpos-network 10.0.0.50:9100、escpos-usb 0x0416:0x5011、"
            "escpos-serial /dev/ttyUSB0@9600、pdf-folder /路径、system 打印机名 或 none",
        ),
    ),
)
HOURS = SheetSpec(
    "营业时间",
    (
        Column("site", "站点", "站点编码；空 = 全部站点的默认营业时间"),
        Column("zone", "区域", "大厅（有人值守）或 自助区（24小时自助服务区）"),
        Column("days", "星期", "如 周一至周五、周六、周六、周日"),
        Column("start", "开始", "如 08:30；一行一个时段；开始与结束都空 = 当天不开放"),
        Column("end", "结束", "如 12:00；自助区可写 24:00"),
    ),
)
CALENDAR = SheetSpec(
    "节假日",
    (
        Column("date", "日期", "如 2026-10-01"),
        Column("site", "站点", "站点编码；空 = 全部站点"),
        Column("kind", "类型", "休息、调休上班 或 延时服务"),
        Column("name", "名称", "如 国庆节"),
        Column("start", "开始", "调休上班可空（按平日时段）；延时服务必填；一行一个时段"),
        Column("end", "结束", "同上"),
    ),
)
SETTINGS = SheetSpec(
    "设置",
    (
        Column("key", "键", "设置项的键，见 hall settings list"),
        Column("label", "名称", "仅供阅读，导入时忽略", required=False),
        Column("value", "值", "空 = 不修改"),
        Column("site", "站点", "站点编码；空 = 全部站点"),
    ),
)
SHEETS = (SITES, DEPARTMENTS, QUEUES, WINDOWS, TERMINALS, HOURS, CALENDAR, SETTINGS)
HEADER_ROW, HELP_ROW, FIRST_DATA_ROW = 1, 2, 3

ZONES = {"大厅": "hall_hours", "自助区": "self_service_hours"}
ZONE_WORDS = {
    **ZONES,
    "hall": "hall_hours",
    "有人值守": "hall_hours",
    "self-service": "self_service_hours",
    "自助服务区": "self_service_hours",
    "24小时自助区": "self_service_hours",
    "24小时自助服务区": "self_service_hours",
}
ZONE_OF_KEY = {key: word for word, key in ZONES.items()}
TERMINAL_KIND_ZH = {"kiosk": "自助机", "desk": "接待台", "board": "叫号屏", "rating_pad": "评价器"}
TERMINAL_KIND_WORDS = {
    **{code: code for code in TERMINAL_KIND_ZH},
    **{word: code for code, word in TERMINAL_KIND_ZH.items()},
    "rating-pad": "rating_pad",
    "取号机": "kiosk",
    "咨询台": "desk",
    "显示屏": "board",
    "评价器(平板)": "rating_pad",
}
CALENDAR_WORDS_OUT = {"holiday": "休息", "workday": "调休上班", "extended": "延时服务"}
LIST_SPLIT = re.compile(r"[、,，;；\s]+")
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def text_of(value: Any) -> str:
    """A cell as the text it shows: Excel times as ``HH:MM``, dates as ``YYYY-MM-DD``."""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        if value.date() <= date(1900, 1, 1):  # a time Excel stored as a date-time
            return f"{value:%H:%M}"
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return f"{value:%H:%M}"
    return cell_text(value)


def split_list(text: str) -> list[str]:
    """``A、B, C`` → ``["A", "B", "C"]``."""
    return [part for part in LIST_SPLIT.split(text) if part]


def parse_date(text: str) -> date:
    """``2026-10-01`` / ``2026/10/1`` / ``2026年10月1日`` → a date."""
    match = _DATE_RE.match(text.strip())
    try:
        if match is None:
            raise ValueError
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise ValidationError(
            f"not a date (YYYY-MM-DD): {text!r}", f"“{text}”不是有效的日期（年-月-日）。"
        ) from None


def parse_terminal_kind(text: str) -> str:
    """``kiosk`` or 自助机 (and the other kinds) → the stored kind."""
    kind = TERMINAL_KIND_WORDS.get(text.strip().lower()) or TERMINAL_KIND_WORDS.get(text.strip())
    if kind is None:
        raise ValidationError(
            f"unknown terminal kind {text!r} (kiosk/自助机, desk/接待台, board/叫号屏, "
            "rating_pad/评价器)",
            f"终端类型“{text}”无效（自助机、接待台、叫号屏、评价器）。",
        )
    return kind


def parse_zone(text: str) -> str:
    """大厅 / 自助区 → the setting key of that zone's weekly hours."""
    key = ZONE_WORDS.get(text.strip())
    if key is None:
        raise ValidationError(
            f"unknown zone {text!r} (大厅 or 自助区)", f"区域“{text}”无效，应为 大厅 或 自助区。"
        )
    return key


# -- printers ------------------------------------------------------------------------------

_MAIN_KEYS = {
    "escpos-network": ("host", "port"),
    "escpos-usb": ("vendor", "product"),
    "escpos-serial": ("device", "baud"),
    "pdf-folder": ("path",),
    "system": ("name",),
    "none": (),
}
_DEFAULTS: dict[str, Any] = {"timeout": DEFAULT_TIMEOUT, "check_status": True}
_NO_STATUS = ", no status check"


def _option(text: str) -> tuple[str, Any]:
    key, _, raw = text.partition("=")
    value: Any = raw
    if raw.lower() in ("true", "false"):
        value = raw.lower() == "true"
    elif re.fullmatch(r"\d+", raw):
        value = int(raw)
    elif re.fullmatch(r"\d+\.\d*", raw):
        value = float(raw)
    return key.strip(), value


def parse_printer(text: str) -> dict[str, Any]:
    """A printer cell → validated printer settings (see the module docstring)."""
    text = text.strip()
    if text.lower() in ("", "none", "无"):
        return validate_printer_config(None)
    config: dict[str, Any] = {}
    if text.endswith(_NO_STATUS):  # as `hall terminal list` shows it
        text, config["check_status"] = text[: -len(_NO_STATUS)].rstrip(), False
    kind, _, rest = text.partition(" ")
    kind, rest = kind.strip().lower(), rest.strip()
    config["kind"] = kind
    if kind not in _MAIN_KEYS:
        return validate_printer_config({"kind": kind})  # refused: names the known kinds
    if kind in ("pdf-folder", "system"):
        if rest and rest != "(default)":
            config[_MAIN_KEYS[kind][0]] = rest
        return validate_printer_config(config)
    words = rest.split()
    address = [w for w in words if "=" not in w]
    for word in words:
        if "=" in word:
            key, value = _option(word)
            config[key] = value
    if kind in _MAIN_KEYS and kind != "none":
        if len(address) != 1:
            raise ValidationError(
                f"printer: write '{kind} ADDRESS [key=value ...]', got {text!r}",
                f"打印机“{text}”格式有误，应为“{kind} 地址”。",
            )
        first, second = _MAIN_KEYS[kind]
        separator = "@" if kind == "escpos-serial" else ":"
        main, sep, extra = address[0].rpartition(separator)
        if not sep:
            main, extra = address[0], ""
        config[first] = main
        if extra:
            config[second] = int(extra) if extra.isdigit() and kind != "escpos-usb" else extra
    elif address:
        raise ValidationError(
            f"printer: unexpected {' '.join(address)!r} after {kind!r}", f"打印机“{text}”格式有误。"
        )
    return validate_printer_config(config)


def printer_text(config: dict[str, Any] | None) -> str:
    """Printer settings → the cell :func:`parse_printer` reads back to the same settings."""
    c = validate_printer_config(config or None)
    kind = c["kind"]
    if kind == "none":
        return "none"
    if kind == "escpos-network":
        main = f"{c['host']}:{c['port']}"
    elif kind == "escpos-usb":
        main = f"{c['vendor']}:{c['product']}"
    elif kind == "escpos-serial":
        main = f"{c['device']}@{c['baud']}"
    else:
        main = str(c.get(_MAIN_KEYS[kind][0]) or "")
    options = []
    for key, value in c.items():
        if key == "kind" or key in _MAIN_KEYS[kind] or _DEFAULTS.get(key) == value:
            continue
        shown = (
            str(value).lower()
            if isinstance(value, bool)
            else f"{value:g}"
            if isinstance(value, float)
            else str(value)
        )
        options.append(f"{key}={shown}")
    return " ".join(part for part in (kind, main, *options) if part)


def stored_printer(config: dict[str, Any] | None) -> dict[str, Any] | None:
    """A terminal's stored printer settings normalised, or ``None`` if they no longer pass."""
    try:
        return validate_printer_config(config or None)
    except ValidationError:
        return None
