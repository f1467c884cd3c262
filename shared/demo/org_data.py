"""The demo hall's fixed shape: sites, departments, queues, windows, staff, venues."""

from __future__ import annotations

# (code, name, kind, address)
SITES = [
    ("huarong", "华容区政务服务中心", "district", "鄂州市华容区华容大道8号"),
    ("wuhan-new-city", "武汉新城分中心", "subcentre", "鄂州市华容区葛店新城大道66号"),
    ("town-huarong", "华容镇便民服务中心", "township", "华容镇新华路12号"),
    ("town-miaoling", "庙岭镇便民服务中心", "township", "庙岭镇庙岭街18号"),
    ("town-duandian", "段店镇便民服务中心", "township", "段店镇段店大道21号"),
    ("town-linjiang", "临江乡便民服务中心", "township", "临江乡临江路9号"),
    ("town-putuan", "蒲团乡便民服务中心", "township", "蒲团乡蒲团街3号"),
]

# (code, name, short name, queue prefix at the district hall)
DEPARTMENTS = [
    ("gaj", "区公安分局", "公安", "D"),
    ("rsj", "区人力资源和社会保障局", "人社", "C"),
    ("ybj", "区医疗保障局", "医保", "C"),
    ("zrzy", "区自然资源和规划分局", "自然资源", "B"),
    ("bdc", "区不动产登记中心", "不动产", "B"),
    ("scjg", "区市场监督管理局", "市场监管", "E"),
    ("zjj", "区住房和城乡建设局", "住建", "A"),
    ("mzj", "区民政局", "民政", "A"),
    ("swj", "区税务局", "税务", "F"),
    ("wjj", "区卫生健康局", "卫健", "A"),
    ("jyj", "区教育局", "教育", "A"),
    ("jtj", "区交通运输局", "交通", "A"),
    ("nyj", "区农业农村局", "农业农村", "A"),
    ("slj", "区水利和湖泊局", "水利", "A"),
    ("sthj", "区生态环境分局", "生态环境", "A"),
    ("wlj", "区文化和旅游局", "文旅", "A"),
    ("tyjr", "区退役军人事务局", "退役军人", "A"),
    ("sfj", "区司法局", "司法", "A"),
    ("yjj", "区应急管理局", "应急", "A"),
    ("cgj", "区城市管理执法局", "城管", "A"),
    ("cl", "区残疾人联合会", "残联", "A"),
    ("fgj", "区发展和改革局", "发改", "E"),
    ("czj", "区财政局", "财政", "A"),
    ("swuj", "区商务局", "商务", "E"),
    ("kjj", "区科技和经济信息化局", "经信", "E"),
    ("gjj", "区住房公积金管理部", "公积金", "G"),
    ("tjj", "区统计局", "统计", "A"),
    ("xfj", "区消防救援大队", "消防", "E"),
    ("crj", "区出入境管理大队", "出入境", "D"),
]

# Queues per site kind: (prefix, name, description, default service minutes)
DISTRICT_QUEUES = [
    ("A", "综合受理", "各部门综合事项", 10),
    ("B", "不动产登记", "不动产登记、抵押、查询", 15),
    ("C", "社保医保", "社会保险、医疗保障", 8),
    ("D", "公安户政", "户口、居民身份证、出入境", 8),
    ("E", "企业开办", "营业执照、许可、涉企事项", 15),
    ("F", "税务", "税费申报、发票", 10),
    ("G", "公积金", "住房公积金提取、贷款", 10),
    ("H", "综合出件", "领取办理结果", 4),
]
SUBCENTRE_QUEUES = [
    ("A", "综合受理", "各部门综合事项", 10),
    ("C", "社保医保", "社会保险、医疗保障", 8),
    ("E", "企业开办", "营业执照、涉企事项", 15),
]
TOWNSHIP_QUEUES = [
    ("A", "综合受理", "民政、农业、计生等便民事项", 10),
    ("C", "社保医保", "社会保险、医疗保障", 8),
]

# Windows per queue prefix at the district hall: 31 windows in all.
DISTRICT_WINDOWS = {"A": 8, "B": 5, "C": 5, "D": 4, "E": 4, "F": 2, "G": 2, "H": 1}

# (username, display name, roles); every demo password is DEMO_PASSWORD.
DEMO_PASSWORD = "demo1234"
DEMO_STAFF = [
    ("admin", "系统管理员", ("admin",)),
    ("manager", "周经理", ("manager",)),
    ("guide1", "陈晓燕", ("guide",)),
    ("guide2", "刘婷", ("guide",)),
    ("guide3", "黄敏", ("guide",)),
    ("assistant1", "吴芳", ("assistant",)),
    ("assistant2", "郑红", ("assistant",)),
    ("assistant3", "孙丽", ("assistant",)),
    ("window1", "杨帆", ("window",)),
    ("window2", "赵磊", ("window",)),
    ("window3", "钱进", ("window",)),
    ("docent1", "王丽", ("docent",)),
    ("docent2", "李娜", ("docent",)),
    ("docent3", "张静", ("docent",)),
]

# (code, name, capacity) at the district site.
VENUES = [("hall", "政务服务大厅", 60), ("centre", "数字乡村指挥中心", 30)]
ROUTES = [
    ("hall", "政务服务大厅", [{"venue": "hall", "minutes": 45}]),
    ("centre", "数字乡村指挥中心", [{"venue": "centre", "minutes": 40}]),
    (
        "both",
        "大厅 + 指挥中心",
        [{"venue": "hall", "minutes": 40}, {"venue": "centre", "minutes": 40}],
    ),
]

# (code, kind, location) at the district site.
TERMINALS = [
    ("kiosk-01", "kiosk", "24小时自助服务区 1号机"),
    ("kiosk-02", "kiosk", "24小时自助服务区 2号机"),
    ("desk-01", "desk", "一楼咨询引导台"),
    ("board-01", "board", "一楼大厅叫号屏"),
]
# Terminals that "print" demo tickets as PDFs into this folder under the data directory, so
# the demo kiosk shows the whole 取号 flow without a receipt printer.
DEMO_PDF_PRINTERS = {"kiosk-01": "printed"}
