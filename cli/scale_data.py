"""Institutions at national scale, each drawn from ``(seed, n)`` alone: the scale generator.

Institution ``n`` of a seed is always the same legal person (name, credit code, district) with
the same regulatory life (licence, staff, supervision, inspections and rectification, suspension,
penalties, revocation, closure, blacklisting, conversion to non-profit) and the same prepaid
contracts (fees, lessons, escrow releases, refunds), some of them against the rules. Nothing
depends on which institutions came before, so a load can stop anywhere and resume.

Every change goes through the aggregates' own commands, which check their rules, so the events
are those the registry would have written; ``build`` answers the new aggregates of one
institution (its successor, contracts and roster included) for one ``Registry.save``.
``registry demo --institutions N`` and ``bench/`` both load through this module.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from registry.domain.clock import SHANGHAI
from registry.domain.contract import TrainingContract
from registry.domain.contract_checks import add_months
from registry.domain.institution import Institution
from registry.domain.principal import Principal
from registry.domain.roster import ContractRoster
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


class Life:
    """Draws one institution's life and writes it through its aggregates' commands."""

    def __init__(self, seed: int, n: int, contracts: int) -> None:
        self.seed, self.n = seed, n
        self.who = identity(seed, n)
        self.rng = random.Random(f"scale:{seed}:{n}:life")
        self.mean_contracts = contracts
        self.actor = GENERATOR.as_actor()

    # -- small draws -------------------------------------------------------------------------

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def digits(self, k: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(k))

    def day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def decision_no(self, kind: str, on: date) -> str:
        p = self.who.place
        return f"{p.province}{p.short[0]}教{kind}〔{on.year}〕{self.rng.randint(1, 400)}号"

    # -- the institution ---------------------------------------------------------------------

    def build(self) -> list[Aggregate]:
        """The institution's new aggregates, in the order to save them."""
        who, rng = self.who, self.rng
        word, pool = rng.choice(list(SUBJECTS[who.sector].items()))
        subjects = rng.sample(pool, min(len(pool), rng.randint(1, 2)))
        self.subjects = subjects
        online = who.sector == "tech" and rng.random() < 0.15
        inst = self.register(word, subjects, online)
        made: list[Aggregate] = [inst]
        if who.sector == "academic":
            made += self.academic_life(inst)
        else:
            made += self.ordinary_life(inst)
        return made

    def register(
        self,
        word: str,
        subjects: list[str],
        online: bool,
        *,
        credit_code: str | None = None,
        legal_form: str | None = None,
        successor_of: UUID | None = None,
    ) -> Institution:
        who, rng = self.who, self.rng
        p, form = who.place, legal_form or who.legal_form
        brand = rng.choice(BRANDS)
        if who.sector == "academic":
            name = (
                f"{p.city}{brand}教育科技有限公司"
                if form == "company"
                else f"{p.city}市{p.short}{brand}文化培训学校"
            )
        else:
            name = f"{p.short}{brand}{word}{rng.choice(SUFFIXES[form])}"
            if rng.random() < 0.35:
                name += f"（{rng.choice(p.streets)}校区）"
        return Institution.register(
            name=name,
            credit_code=credit_code or who.credit_code,
            district_code=p.code,
            address=f"{p.name}{rng.choice(p.streets)}{rng.randint(1, 999)}号"
            f"{rng.randint(1, 12)}层{rng.randint(1, 30):02d}室",
            category="academic" if who.sector == "academic" else "non_academic",
            subjects=subjects,
            delivery="online" if online else "offline",
            legal_form=form,
            legal_representative=self.person(),
            icp_number=f"{p.province}ICP备{rng.randint(2018, 2025)}{self.digits(6)}号"
            if online
            else None,
            successor_of=successor_of,
            actor=self.actor,
        )

    def license(self, inst: Institution, valid_from: date) -> date:
        """Licence for three years, renewed while the institution keeps operating."""
        sector = self.who.sector
        p = self.who.place
        authority = {
            "arts": f"{p.name}文化和旅游局",
            "sports": f"{p.name}体育局",
        }.get(sector, f"{p.name}{'教育委员会' if p.city == '北京' else '教育局'}")
        valid_to = valid_from + timedelta(days=3 * 365)
        inst.issue_licence(
            licence_no=f"教民{p.code}{self.rng.randint(1, 9)}{self.n % 10**6:06d}{self.digits(2)}",
            approving_authority=authority,
            valid_from=valid_from,
            valid_to=valid_to,
            actor=self.actor,
        )
        return valid_to

    def staff(self, inst: Institution) -> None:
        for _ in range(self.rng.choice((1, 1, 1, 2, 2))):
            subject = self.rng.choice(self.subjects)
            sector = self.who.sector
            certified = sector == "academic" or self.rng.random() < 0.6
            qualification = (
                "sports_instructor_certificate"
                if sector == "sports"
                else "teacher_certificate"
                if certified
                else None
            )
            inst.file_staff_member(
                name=self.person(),
                role=f"{subject}{'教练' if sector == 'sports' else '教师'}",
                qualification=qualification,
                certificate_no=(
                    f"{self.rng.randint(2008, 2024)}{self.who.place.code[:4]}{self.digits(9)}"
                    if qualification
                    else None
                ),
                serving_school_teacher=False,
                actor=self.actor,
            )

    def supervise(self, inst: Institution) -> None:
        bank = self.rng.choice((*BANKS, f"{self.who.place.city}银行"))
        reserve = self.rng.random() < 0.3
        inst.establish_fund_supervision(
            mode="risk_reserve" if reserve else "bank_custody",
            bank=bank,
            account_no=f"6{self.digits(18)}",
            agreement_no=f"JG-{self.who.place.code}-{self.n:07d}",
            reserve_fen=self.rng.choice((200_000, 500_000, 1_000_000)) * 100 if reserve else None,
            actor=self.actor,
        )

    def ordinary_life(self, inst: Institution) -> list[Aggregate]:
        """A non-academic institution: most are licensed and supervised, some are sanctioned or
        close, and families sign prepaid contracts with those that operate."""
        rng = self.rng
        registered = self.day_between(date(2018, 1, 1), date(2025, 12, 31))
        if rng.random() < 0.06:
            return []  # still waiting for its licence
        licensed = registered + timedelta(days=rng.randint(20, 120))
        valid_to = self.license(inst, licensed)
        self.staff(inst)
        supervised = rng.random() < 0.95
        if supervised:
            self.supervise(inst)
        while valid_to < AS_OF and rng.random() < 0.85:
            valid_to += timedelta(days=3 * 365)
            inst.renew_licence(valid_to=valid_to, actor=self.actor)
        day = licensed
        open_deadline = self.inspections(inst, licensed)
        contracts = self.contracts(inst, licensed)
        fate = rng.random()
        if fate < 0.03 and not open_deadline:
            day = self.day_between(max(licensed, date(2024, 1, 1)), AS_OF - timedelta(days=60))
            inst.suspend_enrolment(
                decision_no=self.decision_no("停", day),
                reason="预收费资金未纳入监管",
                effective_from=day,
                actor=self.actor,
            )
            if rng.random() < 0.5:
                lifted = day + timedelta(days=rng.randint(15, 50))
                inst.lift_suspension(
                    decision_no=self.decision_no("复", lifted),
                    lifted_on=lifted,
                    today=AS_OF,
                    actor=self.actor,
                )
        if rng.random() < 0.025:
            decided = self.day_between(max(licensed, date(2023, 1, 1)), AS_OF)
            fine = rng.choice((0, 5_000, 10_000, 30_000, 50_000)) * 100
            inst.impose_penalty(
                decision_no=self.decision_no("罚", decided),
                kinds=["warning", "fine"] if fine else ["warning"],
                fine_fen=fine,
                illegal_gains_fen=rng.choice((0, 0, 12_000_00)),
                decided_on=decided,
                actor=self.actor,
            )
        if fate > 0.993 and inst.status in ("licensed", "suspended"):
            self.revoke(inst)
        elif fate > 0.975:
            self.cease(inst, abnormal=fate > 0.990)
        return [*contracts]

    def inspections(self, inst: Institution, licensed: date) -> bool:
        """Inspections with findings, rectification orders and their checks; answers whether
        an order is left open past its deadline."""
        rng = self.rng
        overdue = False
        for _ in range(rng.choice((0, 0, 1, 1, 1, 2))):
            on = self.day_between(licensed, AS_OF - timedelta(days=10))
            inspection_id = f"insp-{self.seed}-{self.n}-{on.isoformat()}-{rng.randint(0, 9999)}"
            rectify = rng.random() < 0.3
            findings = [
                {"code": f"F-{FINDINGS.index(f) + 1:02d}", "description": f[0], "severity": f[1]}
                for f in rng.sample(FINDINGS, rng.randint(1, 2))
            ]
            inst.record_inspection(
                inspection_id=inspection_id,
                inspected_on=on,
                kind=rng.choice(("routine", "routine", "complaint", "special")),
                inspectors=[self.person(), self.person()],
                findings=findings if rectify else [],
                result="rectify" if rectify else "pass",
                actor=self.actor,
            )
            if not rectify:
                continue
            order_id = f"order-{inspection_id}"
            deadline = on + timedelta(days=rng.choice((15, 30, 60)))
            inst.order_rectification(
                order_id=order_id,
                inspection_id=inspection_id,
                items=[f["description"] for f in findings],
                issued_on=on,
                deadline=deadline,
                actor=self.actor,
            )
            check = rng.random()
            if check < 0.15 and deadline < AS_OF:
                overdue = True  # left open past its deadline
                continue
            verified = min(deadline, AS_OF)
            if check < 0.3:
                inst.verify_rectification(
                    order_id=order_id, verified_on=verified, outcome="failed", actor=self.actor
                )
            inst.verify_rectification(
                order_id=order_id, verified_on=verified, outcome="completed", actor=self.actor
            )
        return overdue

    def revoke(self, inst: Institution) -> None:
        rng = self.rng
        served = self.day_between(date(2024, 6, 1), AS_OF - timedelta(days=40))
        effective = served + timedelta(days=rng.randint(15, 30))
        inst.revoke_licence(
            decision_no=self.decision_no("吊", served),
            reason="以非学科类名义违规开展学科类培训，拒不整改",
            notice_served_on=served,
            effective_on=effective,
            actor=self.actor,
        )
        if rng.random() < 0.5:
            self.blacklist(inst, effective, "吊销办学许可证")
        if rng.random() < 0.5:
            inst.deregister(
                deregistered_on=effective + timedelta(days=rng.randint(10, 30)),
                reason="办学许可证被吊销",
                actor=self.actor,
            )

    def cease(self, inst: Institution, abnormal: bool) -> None:
        rng = self.rng
        on = self.day_between(date(2024, 1, 1), AS_OF - timedelta(days=30))
        inst.cease_operations(
            kind="abnormal" if abnormal else "voluntary",
            ceased_on=on,
            reason="门店突然关闭，负责人失联" if abnormal else "经营调整，主动停办",
            actor=self.actor,
        )
        if abnormal:
            self.blacklist(inst, on + timedelta(days=rng.randint(3, 20)), "卷款跑路，拒不退费")
        elif rng.random() < 0.6:
            inst.deregister(
                deregistered_on=on + timedelta(days=rng.randint(20, 60)),
                reason="终止办学，预收费已清退",
                actor=self.actor,
            )

    def blacklist(self, inst: Institution, on: date, reason: str) -> None:
        inst.blacklist(
            reasons=[reason], decision_no=self.decision_no("黑", on), listed_on=on, actor=self.actor
        )
        if self.rng.random() < 0.15 and inst.status != "ceased":
            later = on + timedelta(days=self.rng.randint(180, 400))
            inst.remove_from_blacklist(
                decision_no=self.decision_no("移", later), removed_on=later, actor=self.actor
            )

    def academic_life(self, inst: Institution) -> list[Aggregate]:
        """Academic training: non-profits licensed before 双减 keep operating; companies convert
        to non-profit (营转非), half of them done, with the successor school registered."""
        rng = self.rng
        licensed = self.day_between(date(2016, 1, 1), BEFORE_DOUBLE_REDUCTION)
        valid_to = self.license(inst, licensed)
        self.staff(inst)
        self.supervise(inst)
        while valid_to < AS_OF:
            valid_to += timedelta(days=3 * 365)
            inst.renew_licence(valid_to=valid_to, actor=self.actor)
        if self.who.legal_form == "non_profit":
            self.inspections(inst, date(2022, 1, 1))
            return self.contracts(inst, date(2023, 1, 1))
        started = self.day_between(date(2021, 9, 1), date(2023, 12, 31))
        brand = inst.name.removeprefix(self.who.place.city).removesuffix("教育科技有限公司")
        inst.start_conversion(
            started_on=started,
            planned_successor_name=f"{self.who.place.city}市{self.who.place.short}{brand}培训学校",
            actor=self.actor,
        )
        if rng.random() < 0.5:
            return []
        successor = self.register(
            "",
            list(inst.subjects),
            False,
            credit_code=credit_code(self.seed, 2 * self.n + 1, "non_profit", inst.district_code),
            legal_form="non_profit",
            successor_of=inst.id,
        )
        self.license(successor, started + timedelta(days=rng.randint(60, 200)))
        self.staff(successor)
        self.supervise(successor)
        completed = started + timedelta(days=rng.randint(210, 400))
        inst.complete_conversion(
            successor=successor, open_contracts=0, completed_on=completed, actor=self.actor
        )
        if rng.random() < 0.5:
            inst.deregister(
                deregistered_on=completed + timedelta(days=30),
                reason="营转非完成，原机构注销",
                actor=self.actor,
            )
        return [successor, *self.contracts(successor, completed)]

    # -- prepaid contracts -------------------------------------------------------------------

    def contracts(self, inst: Institution, since: date) -> list[Aggregate]:
        """The institution's contracts and its roster; about ``mean_contracts`` of them."""
        mean = self.mean_contracts
        count = self.rng.randint(0, 2 * mean) if mean else 0
        if count == 0:
            return []
        roster = ContractRoster(institution_id=inst.id)
        made: list[Aggregate] = []
        for k in range(count):
            contract = self.contract(inst, since, k)
            roster.enrol(contract.id)
            made.append(contract)
        return [*made, roster]

    def contract(self, inst: Institution, since: date, k: int) -> TrainingContract:
        rng, actor = self.rng, self.actor
        start = self.day_between(max(since, date(2025, 3, 1)), AS_OF - timedelta(days=45))
        months = 3 if rng.random() > 0.03 else rng.choice((4, 6))  # beyond the rules: > 3 months
        end = start + timedelta(days=30 * months)
        lessons = rng.choice((12, 16, 20, 24, 30, 40)) if months == 3 else 48
        # Within the rules one charge is at most ¥5,000 (500,000 fen).
        prices = [
            p for p in (6_000, 8_000, 9_000, 12_000, 15_000, 20_000) if p * lessons <= 500_000
        ]
        price = rng.choice(prices or [6_000])
        if rng.random() < 0.01:
            lessons, price = 80, 8_000  # over 60 lessons and ¥5,000 in one charge
        offline = inst.delivery == "offline"
        contract = TrainingContract.sign(
            institution_id=inst.id,
            district_code=inst.district_code,
            category=inst.category,
            pupil_ref=f"S{self.seed}-{self.n}-{k}",
            guardian_name=self.person(),
            guardian_phone=f"1{rng.choice('3578')}{self.digits(9)}",
            course=rng.choice(inst.subjects) + rng.choice(("基础班", "提高班", "集训营", "兴趣班")),
            paid_lessons=lessons,
            gift_lessons=rng.choice((0, 0, 2, 4)),
            price_per_lesson_fen=price,
            start_date=start,
            end_date=end,
            supervision_mode=(inst.supervision or {}).get("mode"),
            actor=actor,
        )
        paid_at = datetime.combine(start - timedelta(days=rng.randint(0, 7)), time(19), SHANGHAI)
        contract.collect_fee(
            amount_fen=lessons * price,
            paid_at=paid_at,
            channel=rng.choice(("bank_transfer", "wechat_pay", "alipay", "pos")),
            into_supervised_account=rng.random() > 0.03,  # beyond the rules: outside it
            lessons_covered=lessons,
            # Within the rules a charge covers at most three months from the day it is paid.
            covers_until=end - timedelta(days=1)
            if months > 3
            else min(end, add_months(paid_at.date(), 3)) - timedelta(days=1),
            institution={"status": "licensed", "supervision": inst.supervision},
            actor=actor,
        )
        sessions = rng.randint(0, min(4, lessons // 2))
        academic = inst.category == "academic"
        hour = 18 if academic else rng.choice((9, 10, 14, 16, 18)) if offline else 19
        first = start + timedelta(days=(7 - start.weekday()) % 7 if academic else 0)  # a Monday
        length = timedelta(minutes=90 if offline else 60)
        for week in range(sessions):
            when = datetime.combine(first + timedelta(days=7 * week), time(hour), SHANGHAI)
            late = rng.random() < 0.03  # beyond the rules: ends after 20:30
            if late:
                when = datetime.combine(when.date(), time(19, 30), SHANGHAI)
            contract.consume_lessons(
                lessons=2,
                starts_at=when,
                ends_at=when + length,
                delivery="offline" if offline else "online",
                actor=actor,
            )
        if sessions and rng.random() < 0.5:
            contract.release_escrow(amount_fen=int(contract.consumed_value_fen), actor=actor)
        if rng.random() < 0.04:
            refund = contract.unconsumed_fen
            if refund > 0:
                contract.refund(
                    amount_fen=refund,
                    paid_at=paid_at + timedelta(days=rng.randint(20, 40)),
                    actor=actor,
                )
                contract.terminate(
                    by="guardian",
                    reason="孩子课业安排调整，申请退费",
                    terminated_on=(paid_at + timedelta(days=40)).date(),
                    actor=actor,
                )
        return contract


def build(seed: int, n: int, contracts_per_institution: int) -> list[Aggregate]:
    """Institution ``n`` of ``seed`` with everything new that belongs to it, ready to save."""
    return Life(seed, n, contracts_per_institution).build()


def pending_events(aggregates: list[Aggregate]) -> int:
    return sum(len(a.pending_events) for a in aggregates)


def summary_of(aggregates: list[Any]) -> dict[str, int]:
    """Counts by aggregate kind, for progress reports."""
    out = {"institutions": 0, "contracts": 0}
    for a in aggregates:
        if isinstance(a, Institution):
            out["institutions"] += 1
        elif isinstance(a, TrainingContract):
            out["contracts"] += 1
    return out
