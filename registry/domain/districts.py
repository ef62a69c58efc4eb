"""Administrative division codes (GB/T 2260) of the districts a bureau supervises."""

from __future__ import annotations

import re

_DISTRICT = re.compile(r"^[1-8]\d{5}$")

# Names of the districts the registry knows by name; any well-formed code is accepted.
KNOWN_DISTRICTS: dict[str, str] = {
    "110101": "北京市东城区",
    "110102": "北京市西城区",
    "110105": "北京市朝阳区",
    "110108": "北京市海淀区",
    "310101": "上海市黄浦区",
    "310104": "上海市徐汇区",
    "310115": "上海市浦东新区",
    "440104": "广州市越秀区",
    "440106": "广州市天河区",
    "440305": "深圳市南山区",
    "510104": "成都市锦江区",
    "510107": "成都市武侯区",
    "330106": "杭州市西湖区",
    "420106": "武汉市武昌区",
}


# The 31 provincial-level divisions of the mainland (GB/T 2260): the first two digits of every
# district code. School vacations are set per province; a district follows its province's.
PROVINCES: dict[str, str] = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
}


def province_of(district_code: str) -> str:
    """The province a district belongs to: the first two digits of its code."""
    return district_code[:2]


def is_district_code(code: str) -> bool:
    """Six digits whose province part (first two) is a real province range and not 00."""
    return bool(_DISTRICT.match(code)) and code[2:] != "0000" and int(code[:2]) >= 11


def district_name(code: str) -> str | None:
    return KNOWN_DISTRICTS.get(code)
