"""The 31 provincial-level regions by GB/T 2260 code: the first two digits of every bill code."""

from __future__ import annotations

from common.translatable import gettext, lazy_gettext

PROVINCE_NAMES: dict[str, str] = {
    "11": lazy_gettext("北京"),
    "12": lazy_gettext("天津"),
    "13": lazy_gettext("河北"),
    "14": lazy_gettext("山西"),
    "15": lazy_gettext("内蒙古"),
    "21": lazy_gettext("辽宁"),
    "22": lazy_gettext("吉林"),
    "23": lazy_gettext("黑龙江"),
    "31": lazy_gettext("上海"),
    "32": lazy_gettext("江苏"),
    "33": lazy_gettext("浙江"),
    "34": lazy_gettext("安徽"),
    "35": lazy_gettext("福建"),
    "36": lazy_gettext("江西"),
    "37": lazy_gettext("山东"),
    "41": lazy_gettext("河南"),
    "42": lazy_gettext("湖北"),
    "43": lazy_gettext("湖南"),
    "44": lazy_gettext("广东"),
    "45": lazy_gettext("广西"),
    "46": lazy_gettext("海南"),
    "50": lazy_gettext("重庆"),
    "51": lazy_gettext("四川"),
    "52": lazy_gettext("贵州"),
    "53": lazy_gettext("云南"),
    "54": lazy_gettext("西藏"),
    "61": lazy_gettext("陕西"),
    "62": lazy_gettext("甘肃"),
    "63": lazy_gettext("青海"),
    "64": lazy_gettext("宁夏"),
    "65": lazy_gettext("新疆"),
}


def province_name(code: str) -> str:
    name = PROVINCE_NAMES.get(code[:2])
    return str(name) if name is not None else gettext("未知地区")
