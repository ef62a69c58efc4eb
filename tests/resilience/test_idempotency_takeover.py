"""A slow request whose Idempotency-Key a retry took over records nothing; the retry does.

The answer of a keyed write commits in the transaction of its events, under the claim that
reserved the key. A retry may take over a claim older than the takeover time; the first
request, if it was only slow, then finds its claim gone and its events are refused with it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import update

from registry.adapters.idempotency import Claim
from registry.adapters.store import idempotency_records
from registry.bootstrap import Services
from registry.domain.commands.institutions import RegisterInstitution
from registry.domain.errors import InProgress
from registry.domain.principal import Principal

HAIDIAN = Principal(id="k-110108", role="regulator", districts=("110108",), name="海淀区教委")

REGISTRATION = RegisterInstitution(
    name="北京思远教育科技有限公司",
    credit_code="91110108551385082Q",
    district_code="110108",
    address="北京市海淀区中关村大街27号",
    category="non_academic",
    subjects=["美术"],
    delivery="offline",
    legal_form="company",
    legal_representative="李秀英",
)


def test_a_request_whose_key_was_taken_over_records_no_event_and_the_retry_records_one(
    services: Services,
) -> None:
    head = services.registry.store.head()

    def slow_first_request(claim: Claim) -> tuple[int, dict[str, object]]:
        # While it worked, a retry took the key over (its claim now holds the key).
        with services.engine.begin() as conn:
            conn.execute(update(idempotency_records).values(claim="a-retry-took-it-over"))
        services.registry.execute(
            HAIDIAN,
            REGISTRATION,
            acknowledge=lambda result: claim.answer(201, result.as_dict()),
        )
        return 201, {}

    with pytest.raises(InProgress, match="took it over"):
        services.idempotency.run(HAIDIAN.id, "hdjw-0001", "same request", slow_first_request)

    assert services.registry.store.head() == head


def test_a_keyed_write_stores_its_answer_in_the_transaction_of_its_events(
    services: Services,
) -> None:
    claims: list[Claim] = []

    def register(claim: Claim) -> tuple[int, dict[str, object]]:
        claims.append(claim)
        result = services.registry.execute(
            HAIDIAN, REGISTRATION, acknowledge=lambda r: claim.answer(201, r.as_dict())
        )
        return 201, result.as_dict()

    first = services.idempotency.run(HAIDIAN.id, "hdjw-0002", "same request", register)
    again = services.idempotency.run(HAIDIAN.id, "hdjw-0002", "same request", register)

    assert claims[0].written, "the answer was written by the recorder, with the events"
    assert len(claims) == 1
    assert (again.body, again.replayed) == (first.body, True)
    assert first.body["position"] == services.registry.store.head()
