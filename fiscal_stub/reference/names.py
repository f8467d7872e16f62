"""Name parts for generated people and issuing units (all combinations are fictitious)."""
from __future__ import annotations

SURNAMES = (
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
    "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
    "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾",
    "丁", "魏", "薛", "叶", "阎", "白", "云", "包", "乌", "奇", "那", "敖",
)
GIVEN_PARTS = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "建", "国", "红", "玉", "兰", "峰",
    "鑫", "婷", "宇", "浩", "凯", "晨", "欣", "雪", "琳", "斌", "波", "辉", "旭", "东", "亮",
)
MONGOLIAN_NAMES = (
    "巴特尔", "乌日娜", "苏日娜", "额尔敦", "其其格", "斯琴", "朝鲁", "萨仁", "哈斯", "阿拉坦",
    "乌兰", "宝音", "图雅", "那仁", "格日勒", "达来", "孟和", "敖登",
)
DEPARTMENTS_OUTPATIENT = ("内科", "外科", "儿科", "妇科", "眼科", "口腔科", "皮肤科", "中医科", "耳鼻喉科", "急诊科")
DEPARTMENTS_INPATIENT = ("心血管内科", "呼吸内科", "消化内科", "普外科", "骨科", "神经内科", "妇产科", "泌尿外科",
                         "肿瘤科")

# (category, name template, USCC prefix). Templates see {province}, {short}, {capital},
# {capital_district} and {city2}; hospitals also carry a level.
UNIT_TEMPLATES: tuple[tuple[str, str, str, str], ...] = (
    ("hospital", "{province}人民医院", "12", "三级甲等"),
    ("hospital", "{capital}第一人民医院", "12", "三级甲等"),
    ("hospital", "{capital}中医医院", "12", "三级乙等"),
    ("hospital", "{city2}中心医院", "12", "二级甲等"),
    ("hospital", "{province}妇幼保健院", "12", "三级甲等"),
    ("hospital", "{capital}{capital_district}社区卫生服务中心", "12", "一级"),
    ("blood", "{province}血液中心", "12", ""),
    ("university", "{short}师范大学", "12", ""),
    ("exam", "{province}教育考试院", "12", ""),
    ("agency", "{capital}不动产登记中心", "12", ""),
    ("court", "{capital}中级人民法院", "11", ""),
    ("court", "{capital}{capital_district}人民法院", "11", ""),
    ("charity", "{province}慈善总会", "51", ""),
    ("housing", "{capital}住宅专项维修资金管理中心", "12", ""),
    ("association", "{province}律师协会", "51", ""),
    ("mutual_aid", "{province}职工互助保障协会", "51", ""),
)

# Units that reimbursed bills in generated history (reimbursement units, not issuers).
REIMBURSERS_MEDICAL = (
    "中国人寿保险股份有限公司内蒙古自治区分公司",
    "中国平安人寿保险股份有限公司内蒙古分公司",
    "中国太平洋人寿保险股份有限公司内蒙古分公司",
)
REIMBURSERS_EMPLOYER = ("呼和浩特市第二中学", "包头市昆都仑区人民政府办公室", "赤峰市红山区教育局")
# The credit-code prefix of each reimburser's kind: insurers are companies (91), a school a public
# institution (12), government offices government bodies (11).
REIMBURSER_PREFIXES = {**{name: "91" for name in REIMBURSERS_MEDICAL}, "呼和浩特市第二中学": "12",
                       "包头市昆都仑区人民政府办公室": "11", "赤峰市红山区教育局": "11"}

# Entries of an inpatient 医疗收费明细 per item code: (name, specification).
DETAIL_NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "0101": (("头孢呋辛钠注射液", "0.75g×1支"), ("氯化钠注射液", "100ml:0.9g"), ("奥美拉唑肠溶胶囊", "20mg×14粒"),
             ("阿莫西林胶囊", "0.25g×24粒")),
    "0102": (("血塞通注射液", "2ml:100mg"), ("复方丹参滴丸", "27mg×180丸"), ("连花清瘟胶囊", "0.35g×24粒")),
    "0201": (("住院诊察费", "每日"),),
    "0301": (("彩色多普勒超声检查", "常规"), ("计算机体层成像平扫", "每部位"), ("常规心电图检查", "十二导联")),
    "0302": (("血常规", "五分类"), ("肝功能检测", "十项"), ("肾功能检测", "三项"), ("凝血四项", "常规")),
    "0401": (("静脉输液", "第一组"), ("换药", "中换药"), ("吸氧", "每小时"), ("雾化吸入", "每次")),
    "0501": (("腹腔镜下阑尾切除术", "常规"), ("麻醉", "全身麻醉"), ("手术监测", "每小时")),
    "0601": (("一次性输液器", "带针"), ("医用外科口罩", "独立包装"), ("可吸收缝线", "3-0")),
    "0701": (("普通病房床位费", "三人间"),),
    "0801": (("二级护理", "每日"),),
    "0901": (("病历工本费", "每份"), ("取暖费", "每日")),
}
