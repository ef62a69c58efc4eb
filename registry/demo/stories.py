"""What happens to each demo institution: one function per ``Plan.story``.

Each story answers, for the institution and for a conversion successor it brings in, short notes
of what was done; the status shown beside them is read back from the registry afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from uuid import UUID

from registry.demo.bureau import Bureau
from registry.demo.families import Families
from registry.demo.institutions import DemoInstitution
from registry.domain.commands.institutions import (
    CompleteConversion,
    Deregister,
    RenewLicence,
    StartConversion,
)

Notes = dict[UUID, list[str]]
Story = Callable[[Bureau, DemoInstitution], Notes]
STORIES: dict[str, Story] = {}

DAY = timedelta(days=1)

# Stories whose institution also takes families' prepaid contracts: how many, and whether its
# feed reports breaches (a fee outside the supervised account, a lesson ending at 21:00).
FAMILIES = {
    "licensed": (3, False),
    "rectified": (2, False),
    "penalised": (3, True),
    "suspension_lifted": (2, True),
}


def story(fn: Story) -> Story:
    STORIES[fn.__name__] = fn
    return fn


def live(b: Bureau, inst: DemoInstitution) -> Notes:
    """The institution's story and, when its story has them, its families' contracts."""
    notes = STORIES[inst.story](b, inst)
    if inst.story in FAMILIES:
        count, breaches = FAMILIES[inst.story]
        Families(b).enrol(inst, families=count, since=70, breaches=breaches)
        notes[inst.id].append(
            f"{count} family contracts" + (", breaches flagged" if breaches else "")
        )
    return notes


@story
def pending(b: Bureau, inst: DemoInstitution) -> Notes:
    return {inst.id: ["licence application under review"]}


@story
def unsupervised(b: Bureau, inst: DemoInstitution) -> Notes:
    notes = [b.licence(inst), b.staff(inst), "no fund supervision agreement yet"]
    return {inst.id: notes}


@story
def licensed(b: Bureau, inst: DemoInstitution) -> Notes:
    notes = b.operating(inst)
    on = b.ago(b.rng.randint(15, 120))
    b.inspect(inst, on, b.rng.choice(("routine", "random", "fund_audit")), "pass")
    return {inst.id: [*notes, f"inspected {on}: passed"]}


@story
def rectified(b: Bureau, inst: DemoInstitution) -> Notes:
    notes = b.operating(inst, since=100)
    on = b.ago(b.rng.randint(90, 150))
    codes = tuple(sorted(b.rng.sample(["F-01", "F-02", "F-03", "F-04"], 2)))
    order, deadline = b.inspect_and_order(inst, on, "routine", "rectify", codes)
    b.verify(inst, order, deadline - 3 * DAY, "completed")
    return {inst.id: [*notes, f"inspected {on}: rectification ordered, verified done"]}


@story
def overdue(b: Bureau, inst: DemoInstitution) -> Notes:
    notes = b.operating(inst, since=80)
    on = b.ago(b.rng.randint(60, 90))
    order, deadline = b.inspect_and_order(inst, on, "random", "rectify", ("F-07", "F-09"))
    if b.rng.random() < 0.5:
        b.verify(inst, order, deadline + 2 * DAY, "failed")
        notes.append(f"re-inspected {deadline + 2 * DAY}: not put right")
    b.tally["orders overdue"] += 1
    return {inst.id: [*notes, f"rectification OVERDUE since {deadline}"]}


@story
def penalised(b: Bureau, inst: DemoInstitution) -> Notes:
    notes = b.operating(inst, since=90)
    on = b.ago(b.rng.randint(80, 110))
    order, deadline = b.inspect_and_order(inst, on, "complaint", "rectify", ("F-05",))
    penalty = b.penalise(inst, on + 10 * DAY, 1_000_000)
    b.verify(inst, order, deadline - 5 * DAY, "completed")
    return {inst.id: [*notes, f"complaint {on}: {penalty}; rectified"]}


@story
def suspension_lifted(b: Bureau, inst: DemoInstitution) -> Notes:
    notes = b.operating(inst, since=130)
    on = b.ago(b.rng.randint(120, 160))
    order, deadline = b.inspect_and_order(inst, on, "complaint", "rectify", ("F-05", "F-06"))
    b.suspend(inst, on + 3 * DAY, "一次性收取超过三个月的培训费用且未纳入资金监管")
    b.verify(inst, order, deadline - 2 * DAY, "completed")
    b.lift(inst, deadline + 3 * DAY)
    return {inst.id: [*notes, f"enrolment suspended {on + 3 * DAY}, lifted {deadline + 3 * DAY}"]}


@story
def suspended(b: Bureau, inst: DemoInstitution) -> Notes:
    notes = b.operating(inst, since=60)
    on = b.ago(b.rng.randint(50, 70))
    _, deadline = b.inspect_and_order(inst, on, "complaint", "fail", ("F-05", "F-06"))
    b.tally["orders overdue"] += 1
    b.suspend(inst, on + 3 * DAY, "预收费未进入监管账户，一次性收取超过三个月的培训费用")
    penalty = b.penalise(inst, on + 10 * DAY, 3_000_000, 4_560_000)
    return {
        inst.id: [
            *notes,
            f"enrolment SUSPENDED since {on + 3 * DAY}",
            penalty,
            f"rectification OVERDUE since {deadline}",
        ]
    }


@story
def revoked(b: Bureau, inst: DemoInstitution) -> Notes:
    notes = b.operating(inst, since=230)
    on = b.ago(b.rng.randint(200, 230))
    order, deadline = b.inspect_and_order(inst, on, "special", "fail", ("F-05", "F-08"))
    b.suspend(inst, on + 3 * DAY, "以艺术培训名义违规开展学科类培训")
    b.verify(inst, order, deadline + 2 * DAY, "failed")
    penalty = b.penalise(inst, on + 40 * DAY, 5_000_000, 18_640_000)
    served, effective = on + 50 * DAY, on + 65 * DAY
    b.revoke(inst, served, effective, "擅自开展学科类培训，逾期不改正，情节严重")
    listed = b.blacklist(inst, effective + 5 * DAY, "违规开展学科类培训被吊销办学许可证")
    return {inst.id: [*notes, penalty, f"licence REVOKED {effective}", listed]}


@story
def absconded(b: Bureau, inst: DemoInstitution) -> Notes:
    notes = b.operating(inst, since=60, mode="risk_reserve")
    families = Families(b)
    contracts = families.enrol(inst, families=5, since=58)
    ceased = b.ago(b.rng.randint(40, 55))
    b.cease(inst, "abnormal", ceased, "门店突然关闭，负责人失联，学员预收费未退")
    notes += [
        f"{len(contracts)} family contracts FROZEN",
        *families.disputes(inst, contracts, ceased),
    ]
    b.inspect(inst, ceased + DAY, "complaint", "fail", ("F-10",))
    listed = b.blacklist(inst, ceased + 15 * DAY, "停业后拒不退还学员预收费，卷款跑路")
    return {inst.id: [*notes, f"ABSCONDED {ceased} (abnormal cessation)", listed]}


@story
def closed_voluntarily(b: Bureau, inst: DemoInstitution) -> Notes:
    notes = b.operating(inst, since=220)
    ceased, gone = b.ago(b.rng.randint(180, 220)), b.ago(b.rng.randint(90, 150))
    b.cease(inst, "voluntary", ceased, "经营困难，主动停止办学，学员预收费已全部退清")
    b.act(
        Deregister(
            institution_id=inst.id, deregistered_on=gone, reason="办学许可证已交回，依法注销"
        )
    )
    return {inst.id: [*notes, f"closed voluntarily {ceased}, deregistered {gone}"]}


@story
def blacklist_lifted(b: Bureau, inst: DemoInstitution) -> Notes:
    notes = b.operating(inst, since=420)
    on = b.ago(b.rng.randint(400, 420))
    penalty = b.penalise(inst, on, 2_000_000)
    listed = b.blacklist(inst, on + 5 * DAY, "虚假宣传并拒不退还学员培训费用")
    removed = b.ago(b.rng.randint(60, 120))
    b.unblacklist(inst, removed)
    return {inst.id: [*notes, penalty, f"{listed.lower()}, removed {removed} after refunds"]}


@story
def legacy_academic(b: Bureau, inst: DemoInstitution) -> Notes:
    """A non-profit academic school licensed before 双减: the registry keeps that as history."""
    b.licence(inst, valid_from=date(2020, 9, 1), valid_to=date(2023, 8, 31))
    renewed = date(b.today.year + 2, 8, 31)
    # Renewed in time, from the day the first licence ended.
    b.act(RenewLicence(institution_id=inst.id, valid_to=renewed, renewed_on=date(2023, 8, 31)))
    notes = [f"licensed 2020-09-01 (before 双减), renewed to {renewed}", b.staff(inst)]
    return {inst.id: [*notes, b.supervise(inst, "bank_custody")]}


@story
def converted(b: Bureau, inst: DemoInstitution) -> Notes:
    """营转非: a for-profit academic company licensed before 双减 hands over to a non-profit."""
    successor = inst.successor
    assert successor is not None, "a conversion story has a successor"
    b.licence(inst, valid_from=date(2019, 9, 1), valid_to=date(2025, 8, 31))
    b.staff(inst)
    started, completed = date(2021, 10, 15), date(2022, 6, 30)
    b.act(
        StartConversion(
            institution_id=inst.id, started_on=started, planned_successor_name=successor.name
        )
    )
    b.register(successor)
    licence = b.licence(
        successor, valid_from=date(2022, 3, 1), valid_to=date(b.today.year + 2, 2, 28)
    )
    staff = b.staff(successor)
    funds = b.supervise(successor, "bank_custody")
    b.act(
        CompleteConversion(
            institution_id=inst.id, successor_id=successor.id, completed_on=completed
        )
    )
    b.tally["conversions completed"] += 1
    return {
        inst.id: [
            "licensed 2019-09-01 (before 双减)",
            f"conversion to non-profit started {started}, completed {completed}",
        ],
        successor.id: [f"successor of {inst.name}", licence, staff, funds],
    }


@story
def converting(b: Bureau, inst: DemoInstitution) -> Notes:
    successor = inst.successor
    assert successor is not None, "a conversion story has a successor"
    b.licence(inst, valid_from=date(2020, 3, 1), valid_to=date(b.today.year + 1, 2, 28))
    b.staff(inst)
    started = b.ago(b.rng.randint(60, 120))
    b.act(
        StartConversion(
            institution_id=inst.id, started_on=started, planned_successor_name=successor.name
        )
    )
    b.register(successor)
    b.tally["conversions in progress"] += 1
    return {
        inst.id: [f"converting to non-profit since {started}: no enrolment, no fees"],
        successor.id: [f"successor of {inst.name}", "licence application under review"],
    }
