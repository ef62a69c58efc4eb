"""A contract signed, or a fee collected, on a day the institution may not enrol is recorded and
flagged, judged on the effective dates of the decisions (docs/domain.md §4.6:
``enrolment.not_permitted``, ``licence.expired``)."""

from __future__ import annotations

from datetime import date

from registry.domain import rules
from registry.domain.contract import TrainingContract
from registry.domain.enrolment import in_force_on
from registry.domain.institution import Institution
from tests.builders.contracts import payment, shanghai, signing
from tests.builders.given import Given
from tests.builders.principals import BANK_FEED as FEED


def signed_on(inst: Institution, day: date) -> TrainingContract:
    return TrainingContract.sign(**signing(), institution=in_force_on(inst, day), signed_on=day)


def flagged(contract: TrainingContract) -> list[str]:
    return [b["rule"] for b in contract.breaches]


def test_enrolment_not_permitted_flags_a_contract_signed_ten_days_into_a_suspension(
    given: Given,
) -> None:
    suspended = given.supervised(given.suspended())  # effective from 2025-05-06

    contract = signed_on(suspended, date(2025, 5, 16))

    assert flagged(contract) == [rules.ENROLMENT_NOT_PERMITTED.id]
    assert "suspended" in contract.breaches[0]["detail"]


def test_enrolment_not_permitted_waits_for_the_effective_date_of_a_suspension(
    given: Given,
) -> None:
    suspended = given.supervised(given.suspended())  # effective from 2025-05-06

    assert in_force_on(suspended, date(2025, 5, 5))["status"] == "licensed"
    assert flagged(signed_on(suspended, date(2025, 5, 5))) == []


def test_enrolment_not_permitted_flags_a_contract_of_a_revoked_institution(given: Given) -> None:
    revoked = given.revoked()
    assert revoked.revocation is not None
    effective = date.fromisoformat(revoked.revocation["effective_on"])

    assert flagged(signed_on(revoked, effective)) == [rules.ENROLMENT_NOT_PERMITTED.id]


def test_enrolment_not_permitted_flags_a_contract_of_a_ceased_institution(given: Given) -> None:
    ceased = given.ceased()
    assert ceased.cessation is not None
    on = date.fromisoformat(ceased.cessation["ceased_on"])

    assert flagged(signed_on(ceased, on)) == [rules.ENROLMENT_NOT_PERMITTED.id]


def test_enrolment_not_permitted_flags_a_contract_of_an_unlicensed_institution(
    given: Given,
) -> None:
    contract = signed_on(given.registered(), date(2026, 3, 1))

    assert flagged(contract) == [rules.ENROLMENT_NOT_PERMITTED.id]
    assert "no licence" in contract.breaches[0]["detail"]


def test_licence_expired_flags_a_contract_signed_the_day_after_the_licence_ended(
    given: Given,
) -> None:
    school = given.supervised(given.licensed())  # valid to 2028-02-29

    assert flagged(signed_on(school, date(2028, 2, 29))) == []
    assert flagged(signed_on(school, date(2028, 3, 1))) == [
        rules.ENROLMENT_NOT_PERMITTED.id,
        rules.LICENCE_EXPIRED.id,
    ]


def test_licence_expired_no_longer_flags_once_the_licence_is_renewed(given: Given) -> None:
    school = given.supervised(given.licensed())
    school.renew_licence(valid_to=date(2031, 2, 28), renewed_on=date(2028, 2, 1), actor=given.actor)

    assert flagged(signed_on(school, date(2029, 3, 1))) == []


def fee_on(inst: Institution, day: date) -> list[str]:
    contract = TrainingContract.sign(**signing())
    contract.collect_fee(
        **payment(paid_at=shanghai(day.isoformat(), "10:00"), covers_until=None),
        institution=in_force_on(inst, day),
        actor=FEED,
    )
    return flagged(contract)


def test_licence_expired_flags_a_fee_collected_a_year_after_the_licence_ran_out(
    given: Given,
) -> None:
    school = given.supervised(given.licensed())  # valid to 2028-02-29

    assert rules.LICENCE_EXPIRED.id not in fee_on(school, date(2028, 2, 28))
    assert rules.LICENCE_EXPIRED.id in fee_on(school, date(2029, 3, 1))


def test_prepaid_institution_operating_judges_a_suspension_on_its_effective_date(
    given: Given,
) -> None:
    suspended = given.supervised(given.suspended())  # effective from 2025-05-06

    assert rules.PREPAID_INSTITUTION_OPERATING.id not in fee_on(suspended, date(2025, 5, 5))
    assert rules.PREPAID_INSTITUTION_OPERATING.id in fee_on(suspended, date(2025, 5, 16))


# -- one fold of what was in force: annulled, lifted and ended decisions ----------------------


def test_prepaid_institution_operating_flags_a_fee_paid_during_a_suspension_since_lifted(
    given: Given,
) -> None:
    suspended = given.supervised(given.suspended())  # effective from 2025-05-06
    suspended.lift_suspension(
        decision_no="海教复招〔2025〕4号",
        lifted_on=date(2025, 5, 20),
        today=date(2025, 5, 20),
        actor=given.actor,
    )

    assert rules.PREPAID_INSTITUTION_OPERATING.id in fee_on(suspended, date(2025, 5, 16))
    assert rules.PREPAID_INSTITUTION_OPERATING.id not in fee_on(suspended, date(2025, 5, 21))


def test_enrolment_not_permitted_leaves_out_an_annulled_suspension(given: Given) -> None:
    suspended = given.supervised(given.suspended())  # effective from 2025-05-06
    suspension = next(d for d in suspended.decisions if d.kind == "EnrolmentSuspended")
    suspended.annul_decision(
        version=suspension.version,
        decision_no="海复决〔2025〕7号",
        annulled_on=date(2025, 6, 1),
        reason="行政复议撤销",
        actor=given.actor,
    )

    assert flagged(signed_on(suspended, date(2025, 5, 16))) == []


def test_prepaid_supervision_in_place_judges_the_supervision_in_force_on_the_payment_day(
    given: Given,
) -> None:
    school = given.supervised(given.licensed())  # supervised from 2025-03-01
    school.end_fund_supervision(ended_on=date(2026, 1, 10), reason="协议到期", actor=given.actor)

    assert rules.PREPAID_SUPERVISION_IN_PLACE.id not in fee_on(school, date(2025, 12, 1))
    assert rules.PREPAID_SUPERVISION_IN_PLACE.id in fee_on(school, date(2026, 2, 1))
    assert rules.PREPAID_SUPERVISION_IN_PLACE.id in fee_on(school, date(2025, 2, 1))


def test_licence_expired_flags_a_fee_paid_between_the_licence_end_and_a_later_renewal(
    given: Given,
) -> None:
    school = given.supervised(given.licensed())  # valid to 2028-02-29
    school.renew_licence(
        valid_to=date(2031, 2, 28), renewed_on=date(2028, 3, 15), actor=given.actor
    )

    assert rules.LICENCE_EXPIRED.id in fee_on(school, date(2028, 3, 10))
    assert rules.LICENCE_EXPIRED.id not in fee_on(school, date(2028, 3, 16))


def test_enrolment_not_permitted_flags_a_contract_dated_before_the_institution_entered_the_register(
    given: Given,
) -> None:
    school = given.supervised(given.licensed())
    registered_on = date.fromisoformat(school.registered_on)

    contract = signed_on(school, registered_on.replace(year=registered_on.year - 1))

    assert flagged(contract) == [rules.ENROLMENT_NOT_PERMITTED.id]
    assert "not yet in the register" in contract.breaches[0]["detail"]
