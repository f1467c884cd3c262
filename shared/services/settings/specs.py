"""Every stored setting: its type, range or format, Chinese label and default (pure).

A value arrives as text from the CLI, the console or the workbook; :meth:`SettingSpec.parse`
turns it into the stored JSON value or refuses it with the reason, and :meth:`SettingSpec.text`
writes it back the same way. Values written by code are checked by :meth:`SettingSpec.check`,
so a bad value never reaches the table by any path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shared.errors import ValidationError
from shared.services.weekly_hours import check_hours, check_time, hours_text, parse_hours_text

#: Staffed hours every working day: the product's Huarong default (spec §1).
DEFAULT_HALL_HOURS = {
    "weekdays": [0, 1, 2, 3, 4],
    "sessions": [["08:30", "12:00"], ["14:30", "17:30"]],
}
#: The 24-hour self-service zone.
DEFAULT_SELF_SERVICE_HOURS = {"weekdays": [0, 1, 2, 3, 4, 5, 6], "sessions": [["00:00", "24:00"]]}


#: How a yes/no setting may be typed (the console, the CLI, the workbook).
YES = frozenset({"是", "开", "开启", "yes", "y", "on", "true", "1"})
NO = frozenset({"否", "关", "关闭", "no", "n", "off", "false", "0"})


@dataclass(frozen=True)
class SettingSpec:
    """One setting: how it is read, checked and shown.

    ``site_scoped`` settings may differ per site (a site's value wins over the hall-wide one);
    ``secret`` ones are never listed, shown or set through the settings commands (they have
    their own commands: the kiosk PIN, the QR signing key).
    """

    key: str
    label_zh: str
    help_en: str
    kind: str
    default: Any
    site_scoped: bool = True
    secret: bool = False
    minimum: int | None = None
    maximum: int | None = None
    checker: Callable[[Any], Any] | None = field(default=None, compare=False)

    def check(self, value: Any) -> Any:
        """``value`` normalised, or :class:`ValidationError` naming the key and the rule."""
        try:
            return self._check(value)
        except ValidationError as exc:
            raise ValidationError(
                f"{self.key}: {exc}", f"{self.label_zh}：{exc.message_zh}"
            ) from None

    def _check(self, value: Any) -> Any:
        if self.checker is not None:
            return self.checker(value)
        if self.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValidationError(f"must be a whole number, got {value!r}", "应为整数。")
            low, high = self.minimum, self.maximum
            if (low is not None and value < low) or (high is not None and value > high):
                raise ValidationError(
                    f"must be between {low} and {high}, got {value}", f"应在 {low} 至 {high} 之间。"
                )
            return value
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise ValidationError(f"must be yes or no, got {value!r}", "应为 是 或 否。")
            return value
        raise ValidationError(f"no checker for kind {self.kind}")

    def parse(self, text: str) -> Any:
        """The value typed as ``text``, checked."""
        raw = str(text).strip()
        try:
            if self.kind == "int":
                if not re.fullmatch(r"[+-]?\d+", raw):
                    raise ValidationError(f"must be a whole number, got {raw!r}", "应为整数。")
                return self.check(int(raw))
            if self.kind == "hours":
                return self.check(parse_hours_text(raw))
            if self.kind == "bool":
                if raw.lower() in YES:
                    return True
                if raw.lower() in NO:
                    return False
                raise ValidationError(f"must be yes or no, got {raw!r}", "应为 是 或 否。")
            if self.kind == "list":
                items = [p.strip() for p in re.split(r"[,，、;；]", raw) if p.strip()]
                return self.check(items)
            return self.check(raw)
        except ValidationError as exc:
            if str(exc).startswith(f"{self.key}:"):
                raise
            raise ValidationError(
                f"{self.key}: {exc}", f"{self.label_zh}：{exc.message_zh}"
            ) from None

    def text(self, value: Any) -> str:
        """How the value is written back (the same form :meth:`parse` reads)."""
        if self.secret:
            return "（已设置）" if value else "（未设置）"
        if self.kind == "hours":
            return hours_text(value)[1]
        if self.kind == "list":
            return "、".join(str(v) for v in value)
        if self.kind == "bool":
            return "是" if value else "否"
        return str(value)


def _cutover(value: Any) -> str:
    checked = check_time(str(value))
    if checked > "06:00":
        raise ValidationError(
            f"the business day must start between 00:00 and 06:00, got {checked}",
            "业务日切换时间应在 00:00 至 06:00 之间（营业时间之外）。",
        )
    return checked


def _levels(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ValidationError("give at least one level", "至少填写一个等级。")
    levels = [str(v).strip() for v in value]
    if any(not v or len(v) > 10 for v in levels):
        raise ValidationError("each level is 1 to 10 characters", "每个等级 1 至 10 个字。")
    if len(set(levels)) != len(levels):
        raise ValidationError("levels repeat", "等级重复。")
    if len(levels) > 8:
        raise ValidationError("at most 8 levels", "最多 8 个等级。")
    return levels


def _reasons(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ValidationError("give at least one reason", "至少填写一个原因。")
    reasons = [str(v).strip() for v in value]
    if any(not r or len(r) > 12 for r in reasons):
        raise ValidationError("each reason is 1 to 12 characters", "每个原因 1 至 12 个字。")
    if len(set(reasons)) != len(reasons):
        raise ValidationError("reasons repeat", "原因重复。")
    if len(reasons) > 12:
        raise ValidationError("at most 12 reasons", "最多 12 个原因。")
    return reasons


def _hotline(value: Any) -> str:
    text = str(value).strip()
    if not re.fullmatch(r"[0-9][0-9-]{2,19}", text):
        raise ValidationError(
            f"a phone number of 3-20 digits and dashes, got {text!r}", "应为电话号码，如 12345。"
        )
    return text


def _web_address(value: Any) -> str:
    text = str(value or "").strip()
    if text and not re.fullmatch(r"https?://[^\s/]+\.[^\s]{1,290}", text):
        raise ValidationError(
            f"a web address starting http:// or https://, got {text!r}",
            "应为以 http:// 或 https:// 开头的网址，或留空。",
        )
    return text


def _secret(value: Any) -> Any:
    if value is not None and not isinstance(value, str):
        raise ValidationError("a secret is stored as text")
    return value


def _int(key: str, label: str, help_en: str, default: int, low: int, high: int) -> SettingSpec:
    return SettingSpec(key, label, help_en, "int", default, minimum=low, maximum=high)


SPECS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec(
            "hall_hours",
            "大厅营业时间",
            "staffed hall hours per weekday, e.g. '周一至周五 08:30-12:00, 14:30-17:30'",
            "hours",
            DEFAULT_HALL_HOURS,
            checker=check_hours,
        ),
        SettingSpec(
            "self_service_hours",
            "24小时自助区开放时间",
            "hours of the self-service zone, e.g. '周一至周日 00:00-24:00'",
            "hours",
            DEFAULT_SELF_SERVICE_HOURS,
            checker=check_hours,
        ),
        SettingSpec(
            "business_day_cutover",
            "业务日切换时间",
            "when a new business day starts (tickets restart from 001), HH:MM, 00:00-06:00",
            "time",
            "00:00",
            checker=_cutover,
        ),
        _int(
            "priority_overdue_minutes",
            "优先服务超时提醒（分钟）",
            "minutes before an unaccepted priority request is flagged overdue (1-120)",
            5,
            1,
            120,
        ),
        _int(
            "privacy_retention_days",
            "个人信息保存期限（天）",
            "days personal data is kept before it is purged (7-3650)",
            180,
            7,
            3650,
        ),
        _int(
            "elderly_age",
            "老年人优先年龄",
            "age from which a visitor counts as elderly for priority service (60-100)",
            70,
            60,
            100,
        ),
        _int(
            "recall_grace_minutes",
            "过号可重呼时限（分钟）",
            "minutes within which a no-show may be recalled (0-240)",
            15,
            0,
            240,
        ),
        SettingSpec(
            "change_retention_days",
            "同步记录保存天数",
            "days the change feed keeps its records; a terminal offline longer reloads in full"
            " (3-90)",
            "int",
            14,
            site_scoped=False,
            minimum=3,
            maximum=90,
        ),
        SettingSpec(
            "change_feed_floor",
            "已清理的同步记录",
            "the highest pruned change-feed revision (kept by the feed itself)",
            "int",
            0,
            site_scoped=False,
            secret=True,
            minimum=0,
        ),
        SettingSpec(
            "reception_levels",
            "参观接待等级",
            "reception levels a tour may carry, in order of importance, e.g. '一般、重要、重大'",
            "list",
            ["一般", "重要", "重大"],
            site_scoped=False,
            checker=_levels,
        ),
        SettingSpec(
            "kiosk_voice",
            "自助机语音引导",
            "speak each kiosk screen's heading and result aloud in 长辈模式 and after 语音 is"
            " pressed (是/否)",
            "bool",
            True,
        ),
        _int(
            "kiosk_voice_volume",
            "自助机语音音量",
            "the kiosk's speech volume, 0-100",
            80,
            0,
            100,
        ),
        SettingSpec(
            "service_hotline",
            "便民服务热线",
            "the phone number the kiosk offers when nobody is at the desk (e.g. 12345)",
            "text",
            "12345",
            checker=_hotline,
        ),
        SettingSpec(
            "online_hall_url",
            "网上办事大厅网址",
            "the online service hall the kiosk offers as a QR code when nobody is at the desk"
            " (https://…, or empty for none)",
            "text",
            "",
            checker=_web_address,
        ),
        _int(
            "rating_case_days",
            "差评整改时限（工作日）",
            "working days within which a bad rating's case must be closed (1-60)",
            15,
            1,
            60,
        ),
        SettingSpec(
            "rating_reasons",
            "不满意原因选项",
            "the reasons a visitor may pick for a bad rating, e.g. '态度生硬、等候太久'",
            "list",
            ["态度生硬", "一次性告知不到位", "等候太久", "材料要求不清", "办理效率低", "其他"],
            checker=_reasons,
        ),
        SettingSpec(
            "kiosk_pin_hash",
            "自助机管理密码",
            "the kiosk admin PIN's hash (set with 'hall kiosk set-pin')",
            "secret",
            None,
            secret=True,
            checker=_secret,
        ),
        SettingSpec(
            "installation_secret",
            "二维码签名密钥",
            "the key that signs ticket QR codes (made on first use)",
            "secret",
            None,
            site_scoped=False,
            secret=True,
            checker=_secret,
        ),
    )
}


def spec_for(key: str) -> SettingSpec:
    """The spec of ``key``, or :class:`ValidationError` listing the known keys."""
    spec = SPECS.get(key)
    if spec is None:
        known = ", ".join(k for k, s in SPECS.items() if not s.secret)
        raise ValidationError(f"unknown setting {key!r} (known: {known})", "没有这个设置项。")
    return spec
