"""Guides for tests: an all-empty one, a richly published one, and the phrases a screen or
slip invents when it fills an empty field with a default (issue #11)."""

from __future__ import annotations

from typing import Any

from shared.services.catalog_guide import MatterGuide

#: What the kiosk, the console and the slips used to show for fields nobody published.
INVENTED = (
    "不收费",
    "免费",
    "窗口受理",
    "1 次",
    "1次",
    "0次",
    "原件1份",
    "原件 1 份",
    "复印件",
    "无需提交材料",
    "即办",
    "个工作日",
    "扫码查看网上办事指南",
)
NOT_PUBLISHED = "请咨询窗口"


def empty_guide(code: str = "EMPTY-1", name: str = "空白事项") -> MatterGuide:
    """A matter whose page published nothing but its name."""
    return MatterGuide(
        code=code, name=name, department="区民政局", department_code="mzj", queue_prefix="A"
    )


def item(name: str, **published: Any) -> dict[str, Any]:
    """A material item with only what is given published."""
    return {
        "name": name,
        "quantity": None,
        "count": None,
        "form": None,
        "required": None,
        "note": None,
        "blank_form": None,
    } | published


def rich_guide(**changes: Any) -> MatterGuide:
    """A matter published in full, with the quirks real pages have."""
    values: dict[str, Any] = {
        "code": "420703000002",
        "name": "居民身份证换领",
        "department": "区公安分局",
        "department_code": "gaj",
        "queue_prefix": "D",
        "matter_type": "行政确认",
        "location": "区政务服务中心一楼公安户政窗口（周三下午不对外）",
        "hours": "工作日上午8:30-12:00,下午13:30-17:00;",
        "conditions": "公民换领居民身份证,需交验原居民身份证;",
        "materials": (
            {
                "title": None,
                "rule": "all",
                "items": [
                    item("原居民身份证", quantity="原件1份", count=1, form="原件"),
                    item("近期免冠照片", quantity="2张", count=2, note="白底; 不戴帽子"),
                ],
            },
            {
                "title": "户籍证明(其中一项)",
                "rule": "any",
                "items": [item("居民户口簿"), item("户籍证明", required=False)],
            },
        ),
        "steps": ("申请", "受理; 审核", "办结"),
        "legal_limit_text": "60日",
        "promised_limit_text": "绿色通道邮寄7个工作日内;普通15个工作日内",
        "handling_type": "承诺件",
        "visits_text": "最多跑一次",
        "visits": 1,
        "fee": "换领收取工本费20元/证",
        "phone": "0711-3312345",
        "complaint_phone": "12345",
        "online": ({"name": "鄂汇办APP", "url": None},),
        "fully_online": False,
        "index_no": "01525934-9/20240419-00184",
        "source_url": "https://zwfw.hubei.gov.cn/guide/4145482937",
    }
    return MatterGuide(**(values | changes))
