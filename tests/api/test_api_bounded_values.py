"""Dates and times outside 1990-01-01 … 2100-12-31 are refused (422 naming the field), in
every body and query, before they reach the record; nothing breaks later for them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.schemas.common import Body
from tests.builders.bodies import LICENCE

if TYPE_CHECKING:
    from conftest import Bureau

Headers = dict[str, str]
Refused = Callable[[httpx.Response, int], dict[str, Any]]


@pytest.mark.parametrize(
    "paid_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "1989-12-31T23:00:00Z"]
)
def test_a_payment_time_far_outside_the_registry_years_is_refused_naming_it(
    bureau: Bureau, client: TestClient, services: Any, refused: Refused, paid_at: str
) -> None:
    institution_id = bureau.legitimate()
    feed = {"Authorization": "Bearer " + services.keys.create("feed", ["110108"], "资金监管")[1]}
    contract = {
        "institution_id": institution_id,
        "pupil_ref": "HD-2026-0042",
        "guardian_name": "陈静",
        "guardian_phone": "13800138000",
        "course": "少儿美术基础班",
        "paid_lessons": 10,
        "price_per_lesson_fen": 9_000,
        "start_date": "2026-03-02",
        "end_date": "2026-05-31",
    }
    contract_id = client.post("/v1/contracts", json=contract, headers=feed).json()["id"]
    payment = {
        "amount_fen": 90_000,
        "paid_at": paid_at,
        "channel": "微信支付",
        "into_supervised_account": True,
    }
    with bureau.appends_nothing():
        answer = client.post(f"/v1/contracts/{contract_id}/payments", json=payment, headers=feed)
    problem = refused(answer, 422)
    assert "paid_at" in problem["detail"]
    case_file = client.get(f"/v1/institutions/{institution_id}", headers=bureau.headers)
    assert case_file.status_code == 200


def test_a_licence_valid_to_the_year_9999_is_refused_naming_the_field(
    bureau: Bureau, refused: Refused
) -> None:
    institution_id = bureau.register()
    answer = bureau.client.post(
        f"/v1/institutions/{institution_id}/licence",
        json={**LICENCE, "valid_to": "9999-12-31"},
        headers=bureau.headers,
    )
    assert "valid_to" in refused(answer, 422)["detail"]


def test_a_view_as_of_the_year_1_is_refused(
    bureau: Bureau, client: TestClient, refused: Refused
) -> None:
    institution_id = bureau.register()
    regulator = client.get(
        f"/v1/institutions/{institution_id}", params={"as_of": "0001-01-01"}, headers=bureau.headers
    )
    assert "as_of" in refused(regulator, 422)["detail"]
    public = client.get(f"/v1/public/institutions/{institution_id}", params={"as_of": "9999-12-31"})
    refused(public, 422)


def test_every_date_and_time_of_every_body_is_refused_outside_the_years() -> None:
    def bodies(cls: type[Body]) -> list[type[Body]]:
        return [cls, *(b for sub in cls.__subclasses__() for b in bodies(sub))]

    checked = 0
    for body in bodies(Body):
        for name, field in body.model_fields.items():
            kind = str(field.annotation)
            if "date" not in kind:
                continue
            value = "9999-12-31T00:00:00+08:00" if "datetime" in kind else "9999-12-31"
            with pytest.raises(ValidationError) as refusal:
                body.model_validate({name: value})
            kinds = {e["type"] for e in refusal.value.errors() if e["loc"] == (name,)}
            assert kinds == {"date_out_of_range"}, (body.__name__, name)
            checked += 1
    assert checked > 20
