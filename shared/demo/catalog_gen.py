"""A generated service-matter catalog, shaped like the provincial platform's.

Names are built from each department's real kinds of business (objects x actions), so search
and screens meet realistic text; the common matters citizens ask for always come first.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from shared.services.catalog_values import count_of

# Matters every hall is asked for; (department code, name, life events, audience, type).
COMMON = [
    ("gaj", "居民身份证申领", ["出生", "上学"], "个人", "行政确认"),
    ("gaj", "居民身份证换领", [], "个人", "行政确认"),
    ("gaj", "居民身份证补领", [], "个人", "行政确认"),
    ("gaj", "临时居民身份证申领", [], "个人", "行政确认"),
    ("gaj", "出生登记（户口）", ["出生"], "个人", "行政确认"),
    ("gaj", "户口迁移", ["住房", "就业"], "个人", "行政确认"),
    ("gaj", "死亡注销户口", ["身后事"], "个人", "行政确认"),
    ("gaj", "居住证申领", ["就业", "住房"], "个人", "公共服务"),
    ("crj", "普通护照签发", ["出入境"], "个人", "行政许可"),
    ("crj", "往来港澳通行证签发", ["出入境"], "个人", "行政许可"),
    ("crj", "往来台湾通行证签发", ["出入境"], "个人", "行政许可"),
    ("rsj", "社会保障卡申领", ["就业", "社保"], "个人", "公共服务"),
    ("rsj", "社会保障卡补换", ["社保"], "个人", "公共服务"),
    ("rsj", "城乡居民养老保险参保登记", ["养老", "社保"], "个人", "公共服务"),
    ("rsj", "失业保险金申领", ["就业"], "个人", "行政给付"),
    ("rsj", "退休申请（企业职工基本养老保险）", ["养老"], "个人", "行政确认"),
    ("ybj", "城乡居民医疗保险参保登记", ["社保", "出生"], "个人", "公共服务"),
    ("ybj", "医保关系转移接续", ["就业", "社保"], "个人", "公共服务"),
    ("ybj", "异地就医备案", ["社保", "养老"], "个人", "公共服务"),
    ("ybj", "医疗费用手工报销", ["社保"], "个人", "行政给付"),
    ("bdc", "不动产登记（首次登记）", ["住房"], "个人", "行政确认"),
    ("bdc", "不动产登记（转移登记）", ["住房"], "个人", "行政确认"),
    ("bdc", "不动产抵押登记", ["住房"], "个人", "行政确认"),
    ("bdc", "不动产登记资料查询", ["住房"], "个人", "公共服务"),
    ("scjg", "营业执照办理（企业设立登记）", ["开办"], "法人", "行政许可"),
    ("scjg", "营业执照变更登记", ["变更"], "法人", "行政许可"),
    ("scjg", "企业注销登记", ["注销"], "法人", "行政许可"),
    ("scjg", "个体工商户设立登记", ["开办", "就业"], "个人", "行政许可"),
    ("scjg", "食品经营许可", ["开办", "经营"], "法人", "行政许可"),
    ("gjj", "住房公积金提取（购房）", ["住房"], "个人", "公共服务"),
    ("gjj", "住房公积金提取（退休）", ["养老"], "个人", "公共服务"),
    ("gjj", "住房公积金个人贷款", ["住房"], "个人", "公共服务"),
    ("mzj", "结婚登记", ["婚育"], "个人", "行政确认"),
    ("mzj", "离婚登记", ["婚育"], "个人", "行政确认"),
    ("mzj", "补领婚姻登记证", ["婚育"], "个人", "行政确认"),
    ("mzj", "最低生活保障审核", ["社保"], "个人", "行政给付"),
    ("mzj", "高龄津贴申领", ["养老"], "个人", "行政给付"),
    ("mzj", "惠民殡葬补贴申领", ["身后事"], "个人", "行政给付"),
    ("wjj", "出生医学证明办理", ["出生", "婚育"], "个人", "公共服务"),
    ("wjj", "生育登记", ["婚育", "出生"], "个人", "公共服务"),
    ("jyj", "义务教育阶段入学登记", ["上学"], "个人", "公共服务"),
    ("swj", "个人所得税汇算清缴", ["就业"], "个人", "其他行政权力"),
    ("swj", "发票领用", ["经营"], "法人", "其他行政权力"),
    ("cl", "残疾人证办理", [], "个人", "行政确认"),
    ("tyjr", "退役军人优待证申领", [], "个人", "公共服务"),
    ("jtj", "道路运输经营许可", ["经营"], "法人", "行政许可"),
]

# Per department: objects it handles and actions on them.
VOCABULARY: dict[str, tuple[list[str], list[str]]] = {
    "gaj": (
        [
            "户口",
            "居民身份证",
            "居住证",
            "户籍证明",
            "犬只",
            "旅馆业特种行业",
            "剧毒化学品购买",
            "烟花爆竹运输",
            "保安服务",
            "机动车登记",
            "驾驶证",
            "枪支持有",
        ],
        ["申领", "变更", "迁入", "迁出", "补办", "注销", "审批", "登记", "查询证明"],
    ),
    "crj": (
        ["普通护照", "港澳通行证", "台湾通行证", "出入境记录", "外国人居留许可", "港澳签注"],
        ["签发", "换发", "补发", "加注", "查询", "延期"],
    ),
    "rsj": (
        [
            "社会保障卡",
            "养老保险",
            "工伤保险",
            "失业保险",
            "就业创业证",
            "职业技能等级证书",
            "人力资源服务许可",
            "劳务派遣经营许可",
            "创业担保贷款",
            "技能补贴",
            "劳动合同备案",
            "劳动保障监察投诉",
        ],
        ["申领", "参保登记", "待遇核定", "关系转移", "变更", "补贴申领", "审批", "备案", "查询"],
    ),
    "ybj": (
        [
            "医疗保险",
            "门诊慢特病待遇",
            "生育保险待遇",
            "异地就医",
            "医保定点医药机构",
            "长期护理保险",
            "医疗救助",
        ],
        ["参保登记", "资格认定", "备案", "待遇申领", "关系转移", "协议管理", "费用报销"],
    ),
    "zrzy": (
        [
            "建设用地规划许可",
            "建设工程规划许可",
            "乡村建设规划许可",
            "土地复垦方案",
            "临时用地",
            "采矿许可",
            "地质灾害危险性评估",
            "测绘资质",
        ],
        ["核发", "变更", "延续", "审批", "审查", "备案", "注销"],
    ),
    "bdc": (
        [
            "国有建设用地使用权",
            "房屋所有权",
            "宅基地使用权",
            "集体土地所有权",
            "土地承包经营权",
            "林权",
            "预告登记",
            "查封登记",
            "异议登记",
            "地役权",
        ],
        ["首次登记", "转移登记", "变更登记", "注销登记", "抵押登记", "更正登记", "查询"],
    ),
    "scjg": (
        [
            "营业执照",
            "食品经营许可",
            "食品生产许可",
            "特种设备使用登记",
            "计量器具检定",
            "药品零售许可",
            "医疗器械经营备案",
            "农民专业合作社登记",
            "个体工商户登记",
            "广告发布登记",
            "小餐饮登记",
        ],
        ["设立登记", "变更登记", "注销登记", "延续", "补发", "备案", "许可"],
    ),
    "zjj": (
        [
            "建筑工程施工许可",
            "商品房预售许可",
            "房屋租赁登记",
            "建筑业企业资质",
            "燃气经营许可",
            "城市建筑垃圾处置核准",
            "公共租赁住房资格",
            "房屋交易网签",
        ],
        ["核发", "变更", "延续", "备案", "审批", "注销", "资格审核"],
    ),
    "mzj": (
        [
            "婚姻登记",
            "最低生活保障",
            "特困人员供养",
            "临时救助",
            "社会团体登记",
            "民办非企业单位登记",
            "养老机构备案",
            "高龄津贴",
            "殡葬补贴",
            "地名命名",
        ],
        ["登记", "审核", "确认", "变更", "注销", "申领", "备案"],
    ),
    "swj": (
        [
            "增值税",
            "个人所得税",
            "企业所得税",
            "发票",
            "税务登记",
            "契税",
            "车船税",
            "纳税证明",
            "出口退税",
        ],
        ["申报", "缴纳", "领用", "代开", "登记", "变更", "注销", "开具", "退税办理"],
    ),
    "wjj": (
        [
            "医疗机构执业登记",
            "医师执业注册",
            "护士执业注册",
            "公共场所卫生许可",
            "出生医学证明",
            "母婴保健技术服务许可",
            "放射诊疗许可",
            "计划生育奖励扶助",
        ],
        ["许可", "注册", "变更", "延续", "注销", "补发", "审核", "申领"],
    ),
    "jyj": (
        [
            "民办学校办学许可",
            "教师资格认定",
            "义务教育入学",
            "学生资助",
            "校外培训机构许可",
            "幼儿园设立",
        ],
        ["审批", "认定", "登记", "申请", "变更", "注销"],
    ),
    "jtj": (
        [
            "道路运输经营许可",
            "道路运输证",
            "出租汽车经营许可",
            "机动车维修经营备案",
            "超限运输车辆行驶公路许可",
            "公路施工许可",
            "从业资格证",
        ],
        ["核发", "换发", "补发", "变更", "注销", "备案", "审批"],
    ),
    "nyj": (
        [
            "农药经营许可",
            "种子生产经营许可",
            "动物防疫条件合格证",
            "兽药经营许可",
            "农村土地承包经营权流转",
            "拖拉机登记",
            "农机购置补贴",
            "渔业捕捞许可",
        ],
        ["核发", "变更", "延续", "注销", "登记", "补贴申领", "审批"],
    ),
    "slj": (
        ["取水许可", "河道管理范围内建设项目", "水土保持方案", "洪水影响评价", "占用农业灌溉水源"],
        ["审批", "变更", "延续", "审查", "备案"],
    ),
    "sthj": (
        ["建设项目环境影响评价", "排污许可", "危险废物经营许可", "辐射安全许可"],
        ["审批", "变更", "延续", "备案", "注销"],
    ),
    "wlj": (
        [
            "娱乐场所经营许可",
            "营业性演出许可",
            "网吧经营许可",
            "旅行社设立许可",
            "文物保护单位修缮",
            "出版物零售许可",
        ],
        ["审批", "变更", "延续", "注销", "备案"],
    ),
    "tyjr": (
        ["退役军人优待证", "退役士兵安置", "伤残抚恤", "烈士褒扬金", "优抚对象补助"],
        ["申领", "认定", "审核", "发放", "变更"],
    ),
    "sfj": (
        ["法律援助", "公证", "人民调解", "基层法律服务工作者执业", "司法鉴定"],
        ["申请", "办理", "核准", "变更", "注销"],
    ),
    "yjj": (
        ["危险化学品经营许可", "烟花爆竹经营许可", "安全生产许可", "生产安全事故应急预案"],
        ["审批", "变更", "延续", "备案", "注销"],
    ),
    "cgj": (
        ["城市道路占用挖掘", "户外广告设置", "城市绿地占用", "市政设施改动", "夜间施工"],
        ["许可", "审批", "延续", "变更", "备案"],
    ),
    "cl": (
        ["残疾人证", "残疾人两项补贴", "残疾人辅助器具适配", "残疾人就业保障金", "残疾人康复救助"],
        ["办理", "申领", "换领", "迁移", "审核"],
    ),
    "fgj": (
        ["企业投资项目核准", "企业投资项目备案", "固定资产投资项目节能审查", "政府定价收费"],
        ["核准", "备案", "变更", "审查", "审批"],
    ),
    "czj": (
        ["政府采购", "会计代理记账许可", "非税收入票据", "财政补贴"],
        ["审批", "变更", "申领", "备案", "注销"],
    ),
    "swuj": (
        ["对外贸易经营者", "成品油零售经营", "单用途预付卡", "酒类经营", "拍卖企业"],
        ["备案", "许可", "变更", "注销", "年度报告"],
    ),
    "kjj": (
        ["高新技术企业", "科技型中小企业", "无线电台设置", "技术合同", "电力设施保护区施工"],
        ["认定", "评价", "审批", "登记", "备案"],
    ),
    "gjj": (
        ["住房公积金", "公积金缴存", "公积金个人贷款", "公积金账户"],
        ["提取", "开户登记", "变更", "贷款申请", "转移接续", "封存", "启封", "查询"],
    ),
    "tjj": (["统计调查项目", "统计数据", "统计执法检查"], ["审批", "查询", "备案"]),
    "xfj": (
        ["公众聚集场所投入使用", "营业前消防安全检查", "建设工程消防验收", "消防设计审查"],
        ["许可", "检查", "验收", "备案", "审查"],
    ),
}

TOWNSHIP_OBJECTS = [
    "农村低保",
    "特困供养",
    "临时救助",
    "高龄津贴",
    "残疾人补贴",
    "城乡居民养老保险",
    "城乡居民医保",
    "农村宅基地",
    "农机购置补贴",
    "耕地地力保护补贴",
    "生育登记",
    "独生子女父母奖励",
    "退役军人优待",
    "计划生育特别扶助",
    "村民建房",
    "农村土地承包",
    "林木采伐",
    "殡葬补贴",
    "就业登记",
    "困难群众医疗救助",
    "孤儿基本生活费",
    "留守儿童关爱",
    "农村危房改造",
    "防返贫监测",
    "城乡公益性岗位",
]
TOWNSHIP_ACTIONS = [
    "申请",
    "初审",
    "登记",
    "变更",
    "资格认证",
    "待遇申领",
    "证明开具",
    "注销",
    "查询",
]

QUALIFIERS = [
    "",
    "（个人）",
    "（企业）",
    "（首次）",
    "（延续）",
    "（补发）",
    "（简易程序）",
    "（告知承诺）",
]
# Supporting materials by audience, so a citizen's guide never asks for a business licence.
MATERIAL_POOL = {
    "个人": [
        "户口簿",
        "授权委托书",
        "结婚证",
        "社会保障卡",
        "近期免冠照片",
        "银行账户信息",
        "房屋租赁合同",
        "村（居）委会证明",
        "医院诊断证明",
        "不动产权证书",
    ],
    "法人": [
        "法定代表人身份证明",
        "授权委托书",
        "经办人居民身份证",
        "公司章程",
        "场地使用证明",
        "银行账户信息",
        "相关资质证书",
        "现场照片",
    ],
}
CONDITIONS = [
    "申请人为本区户籍居民或持有本区居住证的人员。",
    "申请人具有完全民事行为能力，材料真实、完整、有效。",
    "符合国家和省市有关政策规定的条件。",
    "企业依法设立并正常经营，无严重失信记录。",
    "申请事项在本部门法定职权范围内。",
]
STEPS = [
    ["取号", "窗口受理", "审核", "办结", "领取结果"],
    ["网上或窗口申请", "材料审核", "现场核查", "审批决定", "统一窗口出件"],
    ["窗口受理", "即时办结"],
    ["提交申请", "受理", "审查", "决定", "送达"],
]
LIFE_EVENTS_BY_DEPT = {
    "rsj": ["就业", "社保"],
    "ybj": ["社保"],
    "bdc": ["住房"],
    "zjj": ["住房"],
    "gjj": ["住房"],
    "mzj": ["婚育", "养老"],
    "wjj": ["婚育", "出生"],
    "jyj": ["上学"],
    "scjg": ["开办", "经营"],
    "swj": ["经营"],
    "crj": ["出入境"],
    "gaj": ["出生"],
}


@dataclass
class MatterSpec:
    """One generated matter, before it becomes a row."""

    code: str
    name: str
    department: str
    matter_type: str
    audience: str
    queue_prefix: str
    sites: list[str]
    life_events: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)


def _quantity(original: int, copy: int) -> str:
    parts = [f"原件{original}份"] if original else []
    if copy:
        parts.append(f"复印件{copy}份")
    return "，".join(parts)


def _details(rng: random.Random, dept_name: str, audience: str, location: str) -> dict[str, Any]:
    """A generated guide. Every value is made up (it is a demo), but shaped as an import
    would store a published one: quantities as text, time limits and visits as text with
    their number, some fees left unpublished (the kiosk says 请咨询窗口), no source page or
    online address (nothing here claims to be published anywhere)."""
    legal = rng.choice([0, 0, 5, 10, 15, 20, 30])
    promised = 0 if legal == 0 else max(1, legal // rng.choice([2, 3, 4]))
    items: list[dict[str, Any]] = []
    pool = list(MATERIAL_POOL[audience])
    rng.shuffle(pool)
    first = "营业执照" if audience == "法人" else "居民身份证"
    for name in [first, "申请表", *pool[: rng.randint(0, 3)]]:
        if name not in [m["name"] for m in items]:
            quantity = _quantity(1, rng.choice([0, 1, 1, 2]))
            items.append(
                {
                    "name": name,
                    "quantity": quantity,
                    "count": count_of(quantity),
                    "form": None,
                    "required": None,
                    "note": None,
                    "blank_form": None,
                }
            )
    details = {
        "conditions": rng.choice(CONDITIONS),
        "materials": [{"title": None, "rule": "all", "items": items}],
        "steps": rng.choice(STEPS),
        "legal_limit_text": "即办" if legal == 0 else f"{legal}个工作日",
        "legal_limit_days": legal,
        "promised_limit_text": "即办" if promised == 0 else f"{promised}个工作日",
        "promised_limit_days": promised,
        "instant": True if promised == 0 else None,
        "fee": rng.choice(["不收费", "不收费", None, "按规定标准收费"]),
    }
    visits = rng.choice([0, 1, 1, 1, 2])
    details |= {
        "visits_text": f"{visits}次",
        "visits": visits,
        "phone": f"0711-{rng.randint(3200000, 3299999)}",
        "location": location,
    }
    rng.randint(10**9, 10**10 - 1)  # once an invented online address; drawn to keep the seed
    return details


def generate_catalog(
    rng: random.Random,
    departments: list[tuple[str, str, str, str]],
    *,
    district_sites: list[str],
    subcentre_site: str,
    subcentre_prefixes: Collection[str] | None = None,
    townships: list[tuple[str, str]],
    district_count: int = 1649,
    township_count: int = 256,
) -> list[MatterSpec]:
    """District matters (offered at the district hall, a share also at the sub-centre),
    then each township's own matters."""
    dept = {code: (name, prefix) for code, name, _short, prefix in departments}
    specs: list[MatterSpec] = []
    seen: set[str] = set()

    def add(dcode: str, name: str, events: list[str], audience: str, mtype: str) -> None:
        dname, prefix = dept[dcode]
        sites = list(district_sites)
        # Drawn for every matter so the generated catalog stays the same; offered at the
        # sub-centre only when a queue there takes it (the catalog import checks that).
        if rng.random() < 0.35 and (subcentre_prefixes is None or prefix in subcentre_prefixes):
            sites.append(subcentre_site)
        seen.add(name)
        specs.append(
            MatterSpec(
                code=f"4207030{len(specs) + 1:05d}",
                name=name,
                department=dcode,
                matter_type=mtype,
                audience=audience,
                queue_prefix=prefix,
                sites=sites,
                life_events=events,
                fields=_details(rng, dname, audience, f"{prefix}区 {dname}窗口")
                | {"audience_text": audience},
            )
        )

    for dcode, name, events, audience, mtype in COMMON:
        add(dcode, name, events, audience, mtype)
    codes = [code for code, *_ in departments]
    while len(specs) < district_count:
        dcode = rng.choice(codes)
        objects, actions = VOCABULARY[dcode]
        name = rng.choice(objects) + rng.choice(actions) + rng.choice(QUALIFIERS)
        if name in seen:
            continue
        audience = "法人" if any(w in name for w in ("许可", "企业", "经营", "资质")) else "个人"
        mtype = _type_for(name, rng)
        events = list(LIFE_EVENTS_BY_DEPT.get(dcode, []))[: rng.randint(0, 2)]
        add(dcode, name, events, audience, mtype)

    for index, (tcode, tname) in enumerate(townships):
        names: set[str] = set()
        while len(names) < township_count:
            names.add(
                rng.choice(TOWNSHIP_OBJECTS)
                + rng.choice(TOWNSHIP_ACTIONS)
                + rng.choice(QUALIFIERS[:4])
            )
        for serial, name in enumerate(sorted(names), start=1):
            dcode = (
                "mzj"
                if any(w in name for w in ("低保", "救助", "津贴", "殡葬", "孤儿"))
                else (
                    "nyj"
                    if any(w in name for w in ("农", "林", "耕地", "宅基地", "建房"))
                    else "rsj"
                )
            )
            specs.append(
                MatterSpec(
                    code=f"42070310{index + 1}{serial:04d}",
                    name=name,
                    department=dcode,
                    matter_type=_type_for(name, rng),
                    audience="个人",
                    queue_prefix="C" if dcode == "rsj" else "A",
                    sites=[tcode],
                    life_events=list(LIFE_EVENTS_BY_DEPT.get(dcode, []))[:1],
                    fields=_details(rng, tname, "个人", f"{tname}综合窗口")
                    | {"audience_text": "个人"},
                )
            )
    return specs


def _type_for(name: str, rng: random.Random) -> str:
    if "许可" in name or "核发" in name or "审批" in name:
        return "行政许可"
    if "登记" in name or "认定" in name or "确认" in name:
        return "行政确认"
    if "补贴" in name or "津贴" in name or "待遇" in name or "救助" in name:
        return "行政给付"
    if "备案" in name:
        return "行政备案"
    return rng.choice(["公共服务", "公共服务", "其他行政权力"])
