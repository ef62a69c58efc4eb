"""Who the demo institutions are: districts, names, codes and people, drawn from a seed.

The same seed always gives the same institutions, credit codes and people; the stories (which
institution gets suspended, revoked, converted...) are fixed by ``PLANS``, so every seed tells
every story.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from registry.domain.districts import KNOWN_DISTRICTS
from registry.domain.institution import Institution
from registry.domain.uscc import ALPHABET, check_character


@dataclass(frozen=True)
class District:
    code: str
    short: str  # 海淀区
    city: str  # 北京
    province: str  # 京: ICP filings and decision numbers
    bureau_abbr: str  # 海: decision numbers such as 京海教罚〔2026〕7号
    streets: tuple[str, ...]

    @property
    def full_name(self) -> str:
        return KNOWN_DISTRICTS[self.code]

    @property
    def branch(self) -> str:
        """How banks name their branch here: 北京海淀, 上海浦东."""
        return self.city + self.short.removesuffix("新区").removesuffix("区")

    def authority(self, sector: str) -> str:
        """The department approving licences in this sector (非学科类: culture, sports)."""
        if sector == "arts":
            return f"{self.full_name}文化和旅游局"
        if sector == "sports":
            return f"{self.full_name}体育局"
        return f"{self.full_name}{'教育委员会' if self.city == '北京' else '教育局'}"


def _district(names: str, streets: str) -> District:
    code, short, city, province, abbr = names.split()
    return District(code, short, city, province, abbr, tuple(streets.split()))


DISTRICTS = {
    d.code: d
    for d in (
        _district("110101 东城区 北京 京 东", "东直门内大街 王府井大街 雍和宫大街"),
        _district("110102 西城区 北京 京 西", "西直门南大街 德胜门外大街 月坛北街"),
        _district("110105 朝阳区 北京 京 朝", "建国路 朝阳北路 北辰东路"),
        _district("110108 海淀区 北京 京 海", "中关村大街 学院路 知春路"),
        _district("310101 黄浦区 上海 沪 黄", "南京东路 淮海中路 复兴中路"),
        _district("310104 徐汇区 上海 沪 徐", "漕溪北路 天钥桥路 宜山路"),
        _district("310115 浦东新区 上海 沪 浦", "世纪大道 张杨路 锦绣路"),
        _district("440104 越秀区 广州 粤 越", "中山五路 东风中路 农林下路"),
        _district("440106 天河区 广州 粤 天", "天河路 体育西路 华夏路"),
        _district("510104 锦江区 成都 蜀 锦", "红星路三段 东大街 书院南街"),
        _district("510107 武侯区 成都 蜀 武", "人民南路四段 科华北路 武侯祠大街"),
    )
}

CITY_BANKS = {"北京": "北京银行", "上海": "上海银行", "广州": "广州银行", "成都": "成都银行"}
NATIONAL_BANKS = tuple("中国工商银行 中国建设银行 中国银行 中国农业银行 招商银行 交通银行".split())

# Name words and the subjects they teach, by sector.
SUBJECTS: dict[str, dict[str, tuple[str, ...]]] = {
    "arts": {
        "艺术": ("美术", "书法", "舞蹈", "钢琴", "戏剧表演"),
        "美术": ("美术", "书法", "国画"),
        "舞蹈": ("中国舞", "芭蕾", "街舞"),
        "音乐": ("钢琴", "声乐", "小提琴"),
        "书画": ("书法", "国画"),
    },
    "sports": {
        "体育": ("篮球", "足球", "游泳", "跆拳道", "跳绳"),
        "篮球": ("篮球", "体能训练"),
        "游泳": ("游泳",),
        "武术": ("武术", "跆拳道"),
        "击剑": ("击剑",),
    },
    "tech": {
        "科技": ("科学实验", "航模", "天文"),
        "编程": ("少儿编程", "人工智能"),
        "机器人": ("机器人", "少儿编程"),
        "科创": ("科学实验", "创客"),
    },
    "academic": {"": ("数学", "英语", "语文")},
}
BRANDS = {
    "arts": "七彩虹 墨韵 尚美 艺蕾 华彩 彩虹桥 童心 晨曦 星火 小橙子 青禾 雅韵 梦想家 蒲公英 紫藤",
    "sports": "乐动 跃动 飞扬 阳光 雏鹰 蓝鲸 鸿鹄 天天向上 卓越 同心 劲松 冠军 少年强",
    "tech": "启航 格物 创想 睿思 星空 未来星 致远 知行 智慧树 蓝天 极客 小牛顿 奇点",
    "academic": "智学 明德 思源 博雅 乐学 新苗 启明星 学而思源 立人",
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶"
GIVEN_NAMES = (
    "伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 志强 建国 晓燕 "
    "海燕 子涵 雨萱 浩然 思远 欣怡 宇航 文博 佳怡 俊杰 婷婷 嘉豪 梦琪 一鸣"
).split()


@dataclass(frozen=True)
class Plan:
    """One line of the demo: where, which story, which sector, online or not, which legal form."""

    district: str
    story: str
    sector: str  # arts, sports, tech or academic
    online: bool = False
    legal_form: str | None = None  # None: the seed decides


# The story each demo institution lives through (registry.demo.stories). A conversion brings its
# non-profit successor along, so 34 plans make 36 institutions.
PLANS = (
    Plan("110108", "licensed", "tech", online=True),
    Plan("110108", "converted", "academic"),
    Plan("110108", "overdue", "arts"),
    Plan("110108", "suspended", "sports"),
    Plan("110108", "licensed", "arts"),
    Plan("110101", "licensed", "arts"),
    Plan("110101", "rectified", "sports"),
    Plan("110101", "closed_voluntarily", "arts"),
    Plan("110102", "legacy_academic", "academic", legal_form="non_profit"),
    Plan("110102", "licensed", "sports"),
    Plan("110102", "penalised", "tech"),
    Plan("110105", "revoked", "arts", legal_form="company"),
    Plan("110105", "licensed", "sports"),
    Plan("110105", "pending", "arts"),
    Plan("110105", "unsupervised", "tech"),
    Plan("310101", "licensed", "arts"),
    Plan("310101", "suspension_lifted", "arts"),
    Plan("310101", "rectified", "tech"),
    Plan("310104", "converting", "academic"),
    Plan("310104", "licensed", "sports"),
    Plan("310104", "overdue", "tech"),
    Plan("310115", "licensed", "tech", online=True),
    Plan("310115", "absconded", "sports", legal_form="company"),
    Plan("310115", "rectified", "arts"),
    Plan("440104", "licensed", "tech"),
    Plan("440104", "penalised", "arts"),
    Plan("440104", "blacklist_lifted", "sports"),
    Plan("440106", "licensed", "arts"),
    Plan("440106", "pending", "tech", online=True),
    Plan("440106", "suspension_lifted", "sports"),
    Plan("510104", "licensed", "arts", online=True),
    Plan("510104", "overdue", "sports"),
    Plan("510107", "rectified", "tech"),
    Plan("510107", "unsupervised", "arts"),
)


@dataclass
class DemoInstitution:
    """A demo institution: its story, its registration fields and the people and words it uses."""

    story: str
    sector: str
    district: District
    registration: dict[str, Any]
    staff: list[dict[str, Any]] = field(default_factory=list)
    successor: DemoInstitution | None = None

    @property
    def id(self) -> UUID:
        return Institution.create_id(self.registration["credit_code"])

    @property
    def name(self) -> str:
        return str(self.registration["name"])


class People:
    """Names, numbers and codes drawn from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.brands = {f: self.rng.sample(b.split(), len(b.split())) for f, b in BRANDS.items()}
        self.used_codes: set[str] = set()

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))

    def credit_code(self, prefix: str, district: str) -> str:
        """A valid USCC: registering authority and type, the district, an organisation code."""
        while True:
            # Organisation codes of the 2015 reform begin MA (companies) or MJ (民办非企业).
            lead = "MA" if prefix == "91" else "MJ"
            body = "".join(self.rng.choice(ALPHABET) for _ in range(7))
            first17 = f"{prefix}{district}{lead}{body}"
            code = first17 + check_character(first17)
            if code not in self.used_codes:
                self.used_codes.add(code)
                return code

    def address(self, d: District) -> str:
        street = self.rng.choice(d.streets)
        return f"{d.full_name}{street}{self.rng.randint(1, 399)}号{self.rng.randint(1, 6)}层"

    def icp_number(self, d: District) -> str:
        return f"{d.province}ICP备{self.rng.randint(2019, 2024)}{self.digits(6)}号"

    def staff_member(self, sector: str, subject: str, district: District) -> dict[str, Any]:
        """A teacher or coach; academic staff always hold a teacher qualification certificate."""
        certified = sector == "academic" or self.rng.random() < 0.6
        qualification: str | None = None
        if sector == "sports":
            qualification = "sports_instructor_certificate"
        elif certified:
            qualification = "teacher_certificate"
        number = f"{self.rng.randint(2008, 2023)}{district.code[:4]}{self.digits(9)}"
        return {
            "name": self.person(),
            "role": f"{subject}{'教练' if sector == 'sports' else '教师'}",
            "qualification": qualification,
            "certificate_no": number if qualification else None,
            "serving_school_teacher": False,
        }


def demo_institutions(seed: int) -> list[DemoInstitution]:
    """One demo institution per plan, in loading order; conversion successors hang off theirs."""
    people = People(seed)
    return [_institution(people, plan) for plan in PLANS]


def everyone(institutions: list[DemoInstitution]) -> list[DemoInstitution]:
    """The institutions and their successors, each successor right after its predecessor."""
    return [i for inst in institutions for i in (inst, inst.successor) if i is not None]


def _institution(people: People, plan: Plan) -> DemoInstitution:
    d = DISTRICTS[plan.district]
    rng = people.rng
    word, pool = rng.choice(list(SUBJECTS[plan.sector].items()))
    subjects = rng.sample(pool, min(2, len(pool)))
    brand = people.brands[plan.sector].pop()
    if plan.sector == "academic" and plan.story in ("converted", "converting"):
        legal_form, name = "company", f"{d.city}{brand}教育科技有限公司"
    elif plan.sector == "academic":
        legal_form, name = "non_profit", f"{d.city}市{d.short}{brand}文化培训学校"
    else:
        legal_form = plan.legal_form or ("company" if rng.random() < 0.6 else "non_profit")
        suffix = "培训有限公司" if legal_form == "company" else rng.choice(("培训学校", "培训中心"))
        name = f"{d.short}{brand}{word}{suffix}"
    prefix = "91" if legal_form == "company" else "52"
    inst = DemoInstitution(
        story=plan.story,
        sector=plan.sector,
        district=d,
        registration={
            "name": name,
            "credit_code": people.credit_code(prefix, d.code),
            "district_code": d.code,
            "address": people.address(d),
            "category": "academic" if plan.sector == "academic" else "non_academic",
            "subjects": subjects,
            "delivery": "online" if plan.online else "offline",
            "legal_form": legal_form,
            "legal_representative": people.person(),
            "icp_number": people.icp_number(d) if plan.online else None,
        },
    )
    inst.staff = [
        people.staff_member(plan.sector, subjects[i % len(subjects)], d)
        for i in range(rng.randint(2, 4))
    ]
    if plan.story in ("converted", "converting"):
        inst.successor = _successor(people, inst, brand)
    return inst


def _successor(people: People, predecessor: DemoInstitution, brand: str) -> DemoInstitution:
    """The non-profit school (USCC 52) that takes over a converting academic company."""
    d = predecessor.district
    story = "successor" if predecessor.story == "converted" else "successor_pending"
    successor = DemoInstitution(
        story=story,
        sector="academic",
        district=d,
        registration={
            **predecessor.registration,
            "name": f"{d.city}市{d.short}{brand}培训学校",
            "credit_code": people.credit_code("52", d.code),
            "legal_form": "non_profit",
            "successor_of": predecessor.id,
        },
    )
    successor.staff = [
        people.staff_member("academic", s, d) for s in predecessor.registration["subjects"]
    ]
    return successor
