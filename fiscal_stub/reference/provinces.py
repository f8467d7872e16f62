"""The 31 provincial-level regions (GB/T 2260), with a few cities each for addresses and units.

Each city carries a real district code, so generated ID numbers and credit codes start with a
plausible administrative division.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    name: str
    district: str
    district_code: str


@dataclass(frozen=True)
class ProvinceInfo:
    code: str
    name: str
    short: str
    cities: tuple[City, ...]

    @property
    def municipality(self) -> bool:
        return self.name.endswith("市")

    @property
    def finance_department(self) -> str:
        return f"{self.name}财政局" if self.municipality else f"{self.name}财政厅"

    @property
    def capital(self) -> City:
        return self.cities[0]


def _p(code: str, name: str, short: str, *cities: tuple[str, str, str]) -> ProvinceInfo:
    return ProvinceInfo(code, name, short, tuple(City(*c) for c in cities))


PROVINCES: tuple[ProvinceInfo, ...] = (
    _p(
        "11",
        "北京市",
        "北京",
        ("北京市", "东城区", "110101"),
        ("北京市", "朝阳区", "110105"),
        ("北京市", "海淀区", "110108"),
    ),
    _p("12", "天津市", "天津", ("天津市", "和平区", "120101"), ("天津市", "南开区", "120104")),
    _p("13", "河北省", "河北", ("石家庄市", "长安区", "130102"), ("唐山市", "路北区", "130203")),
    _p("14", "山西省", "山西", ("太原市", "小店区", "140105"), ("大同市", "平城区", "140213")),
    _p(
        "15",
        "内蒙古自治区",
        "内蒙古",
        ("呼和浩特市", "新城区", "150102"),
        ("包头市", "昆都仑区", "150203"),
        ("赤峰市", "红山区", "150402"),
        ("鄂尔多斯市", "东胜区", "150602"),
        ("通辽市", "科尔沁区", "150502"),
        ("呼伦贝尔市", "海拉尔区", "150702"),
        ("巴彦淖尔市", "临河区", "150802"),
        ("兴安盟", "乌兰浩特市", "152201"),
    ),
    _p("21", "辽宁省", "辽宁", ("沈阳市", "和平区", "210102"), ("大连市", "中山区", "210202")),
    _p("22", "吉林省", "吉林", ("长春市", "南关区", "220102"), ("吉林市", "昌邑区", "220202")),
    _p("23", "黑龙江省", "黑龙江", ("哈尔滨市", "道里区", "230102"), ("齐齐哈尔市", "龙沙区", "230202")),
    _p("31", "上海市", "上海", ("上海市", "黄浦区", "310101"), ("上海市", "徐汇区", "310104")),
    _p("32", "江苏省", "江苏", ("南京市", "玄武区", "320102"), ("苏州市", "姑苏区", "320508")),
    _p("33", "浙江省", "浙江", ("杭州市", "西湖区", "330106"), ("宁波市", "海曙区", "330203")),
    _p("34", "安徽省", "安徽", ("合肥市", "瑶海区", "340102"), ("芜湖市", "镜湖区", "340202")),
    _p("35", "福建省", "福建", ("福州市", "鼓楼区", "350102"), ("厦门市", "思明区", "350203")),
    _p("36", "江西省", "江西", ("南昌市", "东湖区", "360102"), ("赣州市", "章贡区", "360702")),
    _p("37", "山东省", "山东", ("济南市", "历下区", "370102"), ("青岛市", "市南区", "370202")),
    _p("41", "河南省", "河南", ("郑州市", "中原区", "410102"), ("洛阳市", "老城区", "410302")),
    _p("42", "湖北省", "湖北", ("武汉市", "江岸区", "420102"), ("宜昌市", "西陵区", "420502")),
    _p("43", "湖南省", "湖南", ("长沙市", "芙蓉区", "430102"), ("湘潭市", "雨湖区", "430302")),
    _p("44", "广东省", "广东", ("广州市", "越秀区", "440104"), ("深圳市", "罗湖区", "440303")),
    _p("45", "广西壮族自治区", "广西", ("南宁市", "兴宁区", "450102"), ("柳州市", "城中区", "450202")),
    _p("46", "海南省", "海南", ("海口市", "秀英区", "460105"), ("三亚市", "海棠区", "460202")),
    _p("50", "重庆市", "重庆", ("重庆市", "渝中区", "500103"), ("重庆市", "万州区", "500101")),
    _p("51", "四川省", "四川", ("成都市", "锦江区", "510104"), ("绵阳市", "涪城区", "510703")),
    _p("52", "贵州省", "贵州", ("贵阳市", "南明区", "520102"), ("遵义市", "红花岗区", "520302")),
    _p("53", "云南省", "云南", ("昆明市", "五华区", "530102"), ("曲靖市", "麒麟区", "530302")),
    _p("54", "西藏自治区", "西藏", ("拉萨市", "城关区", "540102"), ("日喀则市", "桑珠孜区", "540202")),
    _p("61", "陕西省", "陕西", ("西安市", "新城区", "610102"), ("宝鸡市", "渭滨区", "610302")),
    _p("62", "甘肃省", "甘肃", ("兰州市", "城关区", "620102"), ("天水市", "秦州区", "620502")),
    _p("63", "青海省", "青海", ("西宁市", "城东区", "630102"), ("海东市", "乐都区", "630202")),
    _p("64", "宁夏回族自治区", "宁夏", ("银川市", "兴庆区", "640104"), ("石嘴山市", "大武口区", "640202")),
    _p("65", "新疆维吾尔自治区", "新疆", ("乌鲁木齐市", "天山区", "650102"), ("克拉玛依市", "独山子区", "650202")),
)

BY_CODE: dict[str, ProvinceInfo] = {p.code: p for p in PROVINCES}

# Where an Inner Mongolia resident's bills come from: mostly home, then Beijing (referral
# hospitals), then the neighbouring provinces, and now and then anywhere else.
NEIGHBOURS: dict[str, tuple[str, ...]] = {
    "15": ("23", "22", "21", "13", "14", "61", "64", "62"),
    "11": ("12", "13", "15", "21"),
    "21": ("22", "23", "15", "13"),
}


def province_weights(home: str) -> dict[str, int]:
    """Relative share of bills per issuing province for a resident living in ``home``."""
    near = NEIGHBOURS.get(home, ("11",))
    weights = {code: 1 for code in BY_CODE}
    for code in near:
        weights[code] = 12
    weights["11"] = max(weights["11"], 60)
    weights[home] = 700
    return weights
