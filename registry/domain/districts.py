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


def is_district_code(code: str) -> bool:
    """Six digits whose province part (first two) is a real province range and not 00."""
    return bool(_DISTRICT.match(code)) and code[2:] != "0000" and int(code[:2]) >= 11


def district_name(code: str) -> str | None:
    return KNOWN_DISTRICTS.get(code)
