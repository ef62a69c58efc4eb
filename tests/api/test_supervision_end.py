"""Fund supervision ends (资金监管终止): the institution is no longer legitimate, and fees it
collects afterwards are recorded and flagged ``prepaid.supervision_in_place``.

海淀区教委 records that the custody agreement of a licensed arts school ended; the public register
stops showing it as legitimate, and the bank's feed still reports a fee, which is flagged.
SQLite and, when reachable, PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime, time

from fastapi.testclient import TestClient

from registry.domain.clock import SHANGHAI
from tests.builders.bodies import PAYMENT, TODAY
from tests.builders.bureau import Bureau
from tests.builders.ledger import Ledger

Headers = dict[str, str]

ENDING = {"reason": "托管协议到期未续签", "ended_on": TODAY.isoformat()}


def listed_as_legitimate(client: TestClient) -> list[str]:
    """The public search lists only legitimate institutions unless asked otherwise."""
    return [i["id"] for i in client.get("/v1/public/institutions").json()["items"]]


def test_an_institution_whose_fund_supervision_ended_is_not_legitimate_on_the_public_register(
    bureau: Bureau, client: TestClient
) -> None:
    school = bureau.legitimate()
    bureau.caught_up()
    assert client.get(f"/v1/public/institutions/{school}").json()["legitimate"] is True
    assert school in listed_as_legitimate(client)

    bureau.decide(school, "supervision/end", ENDING)
    bureau.caught_up()

    page = client.get(f"/v1/public/institutions/{school}").json()
    assert page["legitimate"] is False
    assert page["supervision_mode"] is None
    assert school not in listed_as_legitimate(client)


def test_fees_collected_after_fund_supervision_ended_are_recorded_and_flagged_supervision_in_place(
    ledger: Ledger, bureau: Bureau, regulator_110108: Headers
) -> None:
    school = bureau.legitimate()
    ledger.sign(school)
    bureau.decide(school, "supervision/end", ENDING)

    ledger.reported(
        "payments",
        {**PAYMENT, "paid_at": datetime.combine(TODAY, time(10), SHANGHAI).isoformat()},
    )

    rules = [b["rule"] for b in ledger.read(regulator_110108)["breaches"]]
    assert "prepaid.supervision_in_place" in rules


def test_fees_collected_while_fund_supervision_was_in_place_are_not_flagged_supervision_in_place(
    ledger: Ledger, bureau: Bureau, regulator_110108: Headers
) -> None:
    ledger.sign(bureau.legitimate())

    ledger.reported("payments", PAYMENT)

    rules = [b["rule"] for b in ledger.read(regulator_110108)["breaches"]]
    assert "prepaid.supervision_in_place" not in rules
