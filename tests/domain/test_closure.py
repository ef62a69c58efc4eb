"""Cessation of operations, the blacklist (黑名单) and deregistration (注销)."""

from __future__ import annotations

from datetime import date

import pytest

from registry.domain.errors import RuleViolation
from tests.builders.events import event_names

# -- cessation -----------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["registered", "licensed", "suspended", "converting"])
def test_an_institution_ceases_operations_from_any_working_state(given, state: str) -> None:
    inst = getattr(given, state)()

    inst.cease_operations(
        kind="voluntary",
        ceased_on=date(2025, 8, 31),
        reason="经营困难，主动停办",
        actor=given.actor,
    )

    assert event_names(inst) == ["OperationsCeased"]
    assert inst.status == "ceased"
    assert inst.cessation == {
        "kind": "voluntary",
        "ceased_on": "2025-08-31",
        "reason": "经营困难，主动停办",
    }


@pytest.mark.parametrize("state", ["ceased", "deregistered"])
def test_an_institution_that_no_longer_operates_cannot_cease_operations(given, state: str) -> None:
    inst = getattr(given, state)()

    with pytest.raises(RuleViolation) as refused:
        inst.cease_operations(
            kind="abnormal", ceased_on=date(2025, 10, 1), reason="门店关闭", actor=given.actor
        )

    assert refused.value.rule == "cessation.state"


# -- blacklist -----------------------------------------------------------------------------


def put_on_blacklist(given, inst, reasons=("卷款跑路，拒不退费",), decision_no="海教黑〔2025〕2号"):
    inst.blacklist(
        reasons=list(reasons),
        decision_no=decision_no,
        listed_on=date(2025, 7, 20),
        actor=given.actor,
    )


def test_an_institution_that_absconded_is_blacklisted(given) -> None:
    inst = given.ceased()

    put_on_blacklist(given, inst)

    assert event_names(inst) == ["Blacklisted"]
    assert inst.blacklisted
    assert inst.blacklisting == {
        "reasons": ["卷款跑路，拒不退费"],
        "decision_no": "海教黑〔2025〕2号",
        "listed_on": "2025-07-20",
    }


@pytest.mark.parametrize("reasons", [(), ("",), ("  ", "\t")])
def test_blacklisting_gives_at_least_one_reason(given, reasons) -> None:
    inst = given.ceased()

    with pytest.raises(RuleViolation) as refused:
        put_on_blacklist(given, inst, reasons=reasons)

    assert refused.value.rule == "blacklist.reason"


def test_blacklisting_needs_a_decision_number(given) -> None:
    inst = given.ceased()

    with pytest.raises(RuleViolation) as refused:
        put_on_blacklist(given, inst, decision_no="")

    assert refused.value.rule == "decision.document_number"


def test_an_institution_is_blacklisted_once_at_a_time(given) -> None:
    inst = given.ceased()
    put_on_blacklist(given, inst)
    inst.collect_events()

    with pytest.raises(RuleViolation) as refused:
        put_on_blacklist(given, inst, decision_no="海教黑〔2025〕3号")

    assert refused.value.rule == "blacklist.state"


def test_a_blacklisted_institution_is_removed_from_the_blacklist(given) -> None:
    inst = given.licensed()
    put_on_blacklist(given, inst, reasons=["虚假宣传"])
    inst.collect_events()

    inst.remove_from_blacklist(
        decision_no="海教黑移〔2026〕1号", removed_on=date(2026, 1, 20), actor=given.actor
    )

    assert event_names(inst) == ["RemovedFromBlacklist"]
    assert not inst.blacklisted


def test_only_a_blacklisted_institution_is_removed_from_the_blacklist(given) -> None:
    inst = given.licensed()

    with pytest.raises(RuleViolation) as refused:
        inst.remove_from_blacklist(
            decision_no="海教黑移〔2026〕1号", removed_on=date(2026, 1, 20), actor=given.actor
        )

    assert refused.value.rule == "blacklist.state"


def test_removal_from_the_blacklist_needs_a_decision_number(given) -> None:
    inst = given.licensed()
    put_on_blacklist(given, inst, reasons=["虚假宣传"])
    inst.collect_events()

    with pytest.raises(RuleViolation) as refused:
        inst.remove_from_blacklist(decision_no="", removed_on=date(2026, 1, 20), actor=given.actor)

    assert refused.value.rule == "decision.document_number"


# -- deregistration ------------------------------------------------------------------------


def deregister(given, inst) -> None:
    inst.deregister(deregistered_on=date(2025, 12, 1), reason="办理注销登记", actor=given.actor)


@pytest.mark.parametrize("state", ["revoked", "ceased", "converted"])
def test_a_revoked_ceased_or_converted_institution_is_deregistered(given, state: str) -> None:
    inst = getattr(given, state)()

    deregister(given, inst)

    assert event_names(inst) == ["Deregistered"]
    assert inst.status == "deregistered"
    assert inst.deregistration == {"deregistered_on": "2025-12-01", "reason": "办理注销登记"}


@pytest.mark.parametrize(
    "state", ["registered", "licensed", "suspended", "converting", "deregistered"]
)
def test_an_institution_still_operating_is_not_deregistered(given, state: str) -> None:
    inst = getattr(given, state)()

    with pytest.raises(RuleViolation) as refused:
        deregister(given, inst)

    assert refused.value.rule == "deregistration.state"


# Every command a regulator can give, applied to a deregistered institution.
COMMANDS_AFTER_DEREGISTRATION = {
    "file_staff_member": lambda g, i: i.file_staff_member(
        name="刘洋",
        role="teacher",
        qualification="teacher_certificate",
        certificate_no="20191100142000318",
        serving_school_teacher=False,
        actor=g.actor,
    ),
    "record_inspection": lambda g, i: i.record_inspection(
        inspection_id="insp-2025-1201",
        inspected_on=date(2025, 12, 1),
        kind="random",
        inspectors=["张伟"],
        findings=[],
        result="pass",
        actor=g.actor,
    ),
    "impose_penalty": lambda g, i: i.impose_penalty(
        decision_no="京海教罚〔2025〕40号",
        kinds=["warning"],
        fine_fen=0,
        illegal_gains_fen=0,
        decided_on=date(2025, 12, 2),
        actor=g.actor,
    ),
    "issue_licence": lambda g, i: i.issue_licence(**g.licence_terms()),
    "renew_licence": lambda g, i: i.renew_licence(
        valid_to=date(2031, 2, 28), renewed_on=date(2028, 2, 1), actor=g.actor
    ),
    "establish_fund_supervision": lambda g, i: i.establish_fund_supervision(
        mode="bank_custody",
        bank="中国工商银行北京海淀支行",
        account_no="0200004509200123456",
        agreement_no="海教监〔2025〕017号",
        reserve_fen=None,
        established_on=date(2025, 12, 1),
        actor=g.actor,
    ),
    "suspend_enrolment": lambda g, i: i.suspend_enrolment(
        decision_no="海教停招〔2025〕9号",
        reason="违规招生",
        effective_from=date(2025, 12, 2),
        actor=g.actor,
    ),
    "revoke_licence": lambda g, i: i.revoke_licence(
        decision_no="京海教罚〔2025〕41号",
        reason="违规招生",
        notice_served_on=date(2025, 12, 2),
        effective_on=date(2025, 12, 20),
        actor=g.actor,
    ),
    "lift_suspension": lambda g, i: i.lift_suspension(
        decision_no="海教复招〔2025〕5号",
        lifted_on=date(2025, 12, 2),
        today=date(2025, 12, 2),
        actor=g.actor,
    ),
    "complete_conversion": lambda g, i: i.complete_conversion(
        successor=g.successor(i.id),
        open_contracts=0,
        completed_on=date(2025, 12, 2),
        actor=g.actor,
    ),
    "start_conversion": lambda g, i: i.start_conversion(
        started_on=date(2025, 12, 2),
        planned_successor_name="北京市海淀区七彩虹艺术学校",
        actor=g.actor,
    ),
    "cease_operations": lambda g, i: i.cease_operations(
        kind="voluntary", ceased_on=date(2025, 12, 2), reason="停办", actor=g.actor
    ),
    "deregister": lambda g, i: deregister(g, i),
}


@pytest.mark.parametrize("command", COMMANDS_AFTER_DEREGISTRATION)
def test_a_deregistered_institution_takes_no_further_regulatory_acts(given, command: str) -> None:
    inst = given.deregistered()

    with pytest.raises(RuleViolation):
        COMMANDS_AFTER_DEREGISTRATION[command](given, inst)

    assert inst.collect_events() == []
    assert inst.status == "deregistered"


@pytest.mark.parametrize("command", ["file_staff_member", "record_inspection", "impose_penalty"])
def test_a_deregistered_institution_is_refused_as_closed(given, command: str) -> None:
    inst = given.deregistered()

    with pytest.raises(RuleViolation) as refused:
        COMMANDS_AFTER_DEREGISTRATION[command](given, inst)

    assert refused.value.rule == "institution.closed"


def test_an_open_order_of_a_deregistered_institution_is_not_verified(given) -> None:
    inst = given.licensed()
    order_id = given.ordered_to_rectify(inst, date(2025, 4, 15), date(2025, 5, 15))
    inst.revoke_licence(
        decision_no="京海教罚〔2025〕21号",
        reason="逾期未整改",
        notice_served_on=date(2025, 6, 2),
        effective_on=date(2025, 6, 20),
        actor=given.actor,
    )
    deregister(given, inst)
    inst.collect_events()

    with pytest.raises(RuleViolation) as refused:
        inst.verify_rectification(
            order_id=order_id, verified_on=date(2025, 12, 5), outcome="completed", actor=given.actor
        )

    assert refused.value.rule == "institution.closed"


def test_a_deregistered_institution_is_not_taken_off_the_blacklist(given) -> None:
    inst = given.ceased()
    put_on_blacklist(given, inst)
    deregister(given, inst)
    inst.collect_events()

    with pytest.raises(RuleViolation) as refused:
        inst.remove_from_blacklist(
            decision_no="海教黑移〔2026〕1号", removed_on=date(2026, 1, 20), actor=given.actor
        )

    assert refused.value.rule == "institution.closed"


def test_cessation_state_lets_a_revoked_institution_be_recorded_as_ceased(given) -> None:
    """Absconding after revocation: the cessation is recorded (and its contracts freeze)."""
    inst = given.revoked()

    inst.cease_operations(
        kind="abnormal", ceased_on=date(2025, 10, 1), reason="吊销后卷款跑路", actor=given.actor
    )

    assert inst.status == "ceased"
    assert inst.cessation is not None and inst.cessation["kind"] == "abnormal"


def test_blacklist_state_lets_a_deregistered_institution_be_blacklisted(given) -> None:
    inst = given.deregistered()

    put_on_blacklist(given, inst)

    assert inst.blacklisted
