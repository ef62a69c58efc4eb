"""Who institution ``n`` of a seed is: its district, sector, legal form and credit code.

The places, name words, brands and people's names the scale generator draws from, and the
identity of each generated institution, drawn from ``(seed, n)`` alone before anything else
about it, so that any institution can be found (and a load resumed) without drawing the rest.
``Draws`` holds the small draws (people, digits, days) every part of a generated life makes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from registry.domain.institution import Institution
from registry.domain.principal import Principal
from registry.domain.uscc import ALPHABET, check_character

# The register as the generated data leave it: every date drawn lies before this day.
AS_OF = date(2026, 10, 31)
BEFORE_DOUBLE_REDUCTION = date(2021, 7, 23)

GENERATOR = Principal(id="scale-generator", role="admin", name="synthetic data generator")


@dataclass(frozen=True)
class Place:
    """A district (GB/T 2260 code) with the words its documents use."""

    code: str
    name: str  # 北京市海淀区
    short: str  # 海淀区
    city: str  # 北京
    province: str  # 京: ICP filings and decision numbers
    streets: tuple[str, ...]


def _place(line: str) -> Place:
    code, name, short, city, province, *streets = line.split()
    return Place(code, name, short, city, province, tuple(streets))


# Real districts of seven provinces and municipalities.
PLACES = tuple(
    _place(line)
    for line in """
110101 北京市东城区 东城区 北京 京 东直门内大街 王府井大街 雍和宫大街 交道口南大街
110102 北京市西城区 西城区 北京 京 西直门南大街 德胜门外大街 月坛北街 广安门内大街
110105 北京市朝阳区 朝阳区 北京 京 建国路 朝阳北路 北辰东路 望京街 酒仙桥路
110106 北京市丰台区 丰台区 北京 京 丰台北路 方庄路 南三环西路
110108 北京市海淀区 海淀区 北京 京 中关村大街 学院路 知春路 万泉河路 上地十街
110114 北京市昌平区 昌平区 北京 京 回龙观西大街 天通苑北街 府学路
310101 上海市黄浦区 黄浦区 上海 沪 南京东路 淮海中路 复兴中路 西藏南路
310104 上海市徐汇区 徐汇区 上海 沪 漕溪北路 天钥桥路 宜山路 衡山路
310105 上海市长宁区 长宁区 上海 沪 延安西路 虹桥路 仙霞路
310112 上海市闵行区 闵行区 上海 沪 七莘路 都市路 莘庄路 虹井路
310115 上海市浦东新区 浦东新区 上海 沪 世纪大道 张杨路 锦绣路 川沙路 金科路
440103 广州市荔湾区 荔湾区 广州 粤 中山七路 芳村大道 龙津西路
440104 广州市越秀区 越秀区 广州 粤 中山五路 东风中路 农林下路
440106 广州市天河区 天河区 广州 粤 天河路 体育西路 华夏路 黄埔大道
440303 深圳市罗湖区 罗湖区 深圳 粤 深南东路 人民南路 东门中路
440304 深圳市福田区 福田区 深圳 粤 深南中路 福华路 莲花路 景田路
440305 深圳市南山区 南山区 深圳 粤 科技园路 南海大道 后海大道 沙河西路
510104 成都市锦江区 锦江区 成都 川 红星路三段 东大街 书院南街
510105 成都市青羊区 青羊区 成都 川 人民中路 青华路 光华大道
510107 成都市武侯区 武侯区 成都 川 人民南路四段 科华北路 武侯祠大街 天府大道
330102 杭州市上城区 上城区 杭州 浙 解放路 庆春路 钱江路
330106 杭州市西湖区 西湖区 杭州 浙 文三路 天目山路 学院路 文一西路
330108 杭州市滨江区 滨江区 杭州 浙 江南大道 滨盛路 长河路
420102 武汉市江岸区 江岸区 武汉 鄂 解放大道 沿江大道 京汉大道
420106 武汉市武昌区 武昌区 武汉 鄂 中南路 武珞路 中北路 和平大道
420111 武汉市洪山区 洪山区 武汉 鄂 珞喻路 雄楚大道 光谷大道
320102 南京市玄武区 玄武区 南京 苏 中山路 北京东路 龙蟠路
320104 南京市秦淮区 秦淮区 南京 苏 中华路 太平南路 升州路
320106 南京市鼓楼区 鼓楼区 南京 苏 中山北路 湖南路 北京西路 广州路
""".strip().splitlines()
)

# Name words and the subjects they teach, by sector.
SUBJECTS: dict[str, dict[str, tuple[str, ...]]] = {
    "arts": {
        "艺术": ("美术", "书法", "舞蹈", "钢琴", "戏剧表演"),
        "美术": ("美术", "书法", "国画", "素描"),
        "舞蹈": ("中国舞", "芭蕾", "街舞", "拉丁舞"),
        "音乐": ("钢琴", "声乐", "小提琴", "古筝"),
        "书画": ("书法", "国画"),
        "戏剧": ("戏剧表演", "主持与口才"),
    },
    "sports": {
        "体育": ("篮球", "足球", "游泳", "跆拳道", "跳绳"),
        "篮球": ("篮球", "体能训练"),
        "足球": ("足球", "体能训练"),
        "游泳": ("游泳",),
        "武术": ("武术", "跆拳道"),
        "击剑": ("击剑",),
        "轮滑": ("轮滑", "滑板"),
    },
    "tech": {
        "科技": ("科学实验", "航模", "天文"),
        "编程": ("少儿编程", "人工智能"),
        "机器人": ("机器人", "少儿编程"),
        "科创": ("科学实验", "创客"),
        "围棋": ("围棋", "国际象棋"),
    },
    "academic": {"": ("数学", "英语", "语文", "物理")},
}
BRANDS = (
    "七彩虹 墨韵 尚美 艺蕾 华彩 彩虹桥 童心 晨曦 星火 小橙子 青禾 雅韵 梦想家 蒲公英 紫藤 乐动 跃动 "  # noqa: E501
    "飞扬 阳光 雏鹰 蓝鲸 鸿鹄 天天向上 卓越 同心 劲松 冠军 少年强 启航 格物 创想 睿思 星空 未来星 "
    "致远 知行 智慧树 蓝天 极客 小牛顿 奇点 智学 明德 思源 博雅 乐学 新苗 启明星 立人 金话筒 百灵鸟 "  # noqa: E501
    "向日葵 小海豚 彩贝 橙果 麦田 远山 云帆 青松 竹韵 松果 海豚湾 满天星 小飞侠 树人 育英 春芽"
).split()
SUFFIXES = {"company": ("培训有限公司", "教育科技有限公司"), "non_profit": ("培训学校", "培训中心")}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶"
GIVEN = (
    "伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 志强 建国 晓燕 "
    "海燕 子涵 雨萱 浩然 思远 欣怡 宇航 文博 佳怡 俊杰 婷婷 嘉豪 梦琪 一鸣 若曦 梓轩 诗涵 子墨"
).split()
BANKS = tuple("中国工商银行 中国建设银行 中国银行 中国农业银行 招商银行 交通银行 邮储银行".split())
FINDINGS = (
    ("未在经营场所公示收费项目和标准", "minor"),
    ("从业人员信息未在醒目位置公示", "minor"),
    ("消防疏散通道堆放杂物", "major"),
    ("未与家长签订培训服务示范合同", "minor"),
    ("一次性收取超过三个月的培训费用", "major"),
    ("预收费未全部进入监管账户", "major"),
    ("聘用人员未取得相应资质", "major"),
    ("培训结束时间晚于20:30", "minor"),
)
SECTORS = (("arts", 35), ("sports", 30), ("tech", 25), ("academic", 10))

# The organisation codes of one seed: n ↦ (n * STRIDE + offset) mod 31**7 is a bijection, so
# no two institutions of a seed share a credit code, yet the codes look scattered.
_SPACE = 31**7
_STRIDE = 2_654_435_761  # coprime with 31


@dataclass(frozen=True)
class Identity:
    """Who institution ``n`` of a seed is, drawn before anything else about it."""

    n: int
    place: Place
    sector: str
    legal_form: str
    credit_code: str

    @property
    def id(self) -> UUID:
        return Institution.create_id(self.credit_code)


def organisation_code(seed: int, k: int) -> str:
    value = (k * _STRIDE + seed * 7_919 + 12_345) % _SPACE
    chars = []
    for _ in range(7):
        value, digit = divmod(value, 31)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def credit_code(seed: int, k: int, legal_form: str, district: str) -> str:
    """A valid USCC (GB 32100-2015): authority and type, district, organisation code, check."""
    prefix, lead = ("91", "MA") if legal_form == "company" else ("52", "MJ")
    first17 = f"{prefix}{district}{lead}{organisation_code(seed, k)}"
    return first17 + check_character(first17)


def identity(seed: int, n: int) -> Identity:
    """Institution ``n`` (1, 2, ...) of ``seed``: its district, sector, legal form and code."""
    rng = random.Random(f"scale:{seed}:{n}:who")
    place = rng.choice(PLACES)
    sector = rng.choices([s for s, _ in SECTORS], [w for _, w in SECTORS])[0]
    if sector == "academic":
        # Academic companies licensed before 双减 are converting; the rest are non-profits.
        legal_form = "company" if rng.random() < 0.3 else "non_profit"
    else:
        legal_form = "company" if rng.random() < 0.6 else "non_profit"
    code = credit_code(seed, 2 * n, legal_form, place.code)
    return Identity(n, place, sector, legal_form, code)


class Draws:
    """Small draws from one seeded generator: people's names, digits, days."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def digits(self, k: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(k))

    def day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def after_the_record(self, inst: Institution, start: date) -> date:
        """``start``, or the last effective day on the record if later: a decision takes
        effect after what it follows (``decision.date_order``)."""
        return max(start, *(d.effective_on for d in inst.decisions))
