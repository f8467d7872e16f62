"""The bill types in use in Inner Mongolia, with this project's classification/kind code pairs.

No national table of these pairs is public (DOMAIN.md); docs/fiscal-api.md documents the
ones fixed here. Amount ranges are in fen and describe what a resident typically pays.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ItemKind:
    code: str
    name: str
    unit: str


@dataclass(frozen=True)
class BillType:
    key: str
    name: str
    classification: str
    kind: str
    issuers: tuple[str, ...]
    median_fen: int
    min_fen: int
    max_fen: int
    items: tuple[ItemKind, ...]
    weight: int

    @property
    def medical(self) -> bool:
        """Outpatient and inpatient bills carry the visit details and the insurance settlement split."""
        return self.key.startswith("medical_")

    def code_for(self, province: str, year: int) -> str:
        return f"{province}{self.classification}{self.kind}{year % 100:02d}"

    def bill_name(self, province_name: str) -> str:
        return f"{province_name}{self.name}（电子）"


def _items(*rows: tuple[str, str, str]) -> tuple[ItemKind, ...]:
    return tuple(ItemKind(*row) for row in rows)


OUTPATIENT_ITEMS = _items(
    ("0101", "西药费", "项"),
    ("0102", "中成药费", "项"),
    ("0103", "中草药费", "剂"),
    ("0201", "诊察费", "次"),
    ("0301", "检查费", "项"),
    ("0302", "化验费", "项"),
    ("0401", "治疗费", "次"),
    ("0601", "卫生材料费", "项"),
)
INPATIENT_ITEMS = _items(
    ("0701", "床位费", "日"),
    ("0201", "诊察费", "日"),
    ("0301", "检查费", "项"),
    ("0302", "化验费", "项"),
    ("0401", "治疗费", "项"),
    ("0501", "手术费", "次"),
    ("0801", "护理费", "日"),
    ("0101", "西药费", "项"),
    ("0102", "中成药费", "项"),
    ("0601", "卫生材料费", "项"),
    ("0901", "其他费", "项"),
)

BILL_TYPES: tuple[BillType, ...] = (
    BillType(
        "nontax_general",
        "非税收入一般缴款书",
        "01",
        "01",
        ("university", "agency"),
        80_000,
        2_000,
        1_200_000,
        _items(
            ("1001", "学费", "学年"),
            ("1002", "住宿费", "学年"),
            ("1003", "不动产登记费", "件"),
            ("1004", "证照工本费", "本"),
        ),
        6,
    ),
    BillType(
        "court_fee",
        "人民法院诉讼费票据",
        "01",
        "02",
        ("court",),
        120_000,
        5_000,
        3_000_000,
        _items(("2001", "案件受理费", "件"), ("2002", "申请费", "件")),
        2,
    ),
    BillType(
        "exam_fee",
        "考务费专用票据",
        "01",
        "03",
        ("exam", "university"),
        15_000,
        3_000,
        60_000,
        _items(("3001", "考试费", "科"), ("3002", "报名费", "次")),
        4,
    ),
    BillType(
        "fund_settlement",
        "行政事业单位资金往来结算票据",
        "02",
        "01",
        ("agency", "university"),
        200_000,
        10_000,
        5_000_000,
        _items(("4001", "押金", "笔"), ("4002", "代收代付款", "笔")),
        2,
    ),
    BillType(
        "housing_maintenance",
        "住宅专项维修资金票据",
        "02",
        "02",
        ("housing",),
        1_200_000,
        300_000,
        4_000_000,
        _items(
            ("5001", "住宅专项维修资金", "平方米"),
        ),
        1,
    ),
    BillType(
        "donation",
        "公益事业接受捐赠统一票据",
        "03",
        "01",
        ("charity",),
        20_000,
        1_000,
        1_000_000,
        _items(
            ("6001", "捐赠款", "笔"),
        ),
        3,
    ),
    BillType(
        "association_dues",
        "社会团体会费票据",
        "04",
        "01",
        ("association",),
        60_000,
        10_000,
        300_000,
        _items(
            ("7001", "会费", "年"),
        ),
        2,
    ),
    BillType(
        "mutual_aid",
        "职工互助保障协会票据",
        "04",
        "02",
        ("mutual_aid",),
        10_000,
        3_000,
        50_000,
        _items(
            ("8001", "职工互助保障金", "份"),
        ),
        2,
    ),
    BillType(
        "medical_outpatient",
        "医疗门诊收费票据",
        "06",
        "01",
        ("hospital",),
        18_000,
        1_500,
        600_000,
        OUTPATIENT_ITEMS,
        60,
    ),
    BillType(
        "medical_inpatient",
        "医疗住院收费票据",
        "06",
        "02",
        ("hospital",),
        1_500_000,
        300_000,
        30_000_000,
        INPATIENT_ITEMS,
        14,
    ),
    BillType(
        "blood_supply",
        "临床供血收费专用票据",
        "06",
        "03",
        ("blood",),
        90_000,
        20_000,
        800_000,
        _items(("9001", "悬浮红细胞", "U"), ("9002", "新鲜冰冻血浆", "ml"), ("9003", "血液检测费", "项")),
        1,
    ),
)

BY_KEY: dict[str, BillType] = {t.key: t for t in BILL_TYPES}
BY_PAIR: dict[str, BillType] = {t.classification + t.kind: t for t in BILL_TYPES}
