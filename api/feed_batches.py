"""A feed's batch, once per batch id: judged by the registry, answered one result per fact.

The batch id is the batch's Idempotency-Key (``feed-batch:<id>``, per key): the answer commits
in the transaction that records the batch's facts, so a batch sent again after a crash, a
timeout or a lost answer is answered from the first time and records nothing twice. The same
id with another body is a 409. ``registry feed load`` without ``--server`` uses this too.
"""

from __future__ import annotations

from typing import Any

from api.errors import STATUS_OF
from api.schemas.feed_batches import FeedBatch
from registry.adapters.idempotency import AnswerRow, Claim, StoredAnswer, request_fingerprint
from registry.application.feed_batches import BatchResult, FactOutcome
from registry.bootstrap import Services
from registry.domain.errors import Conflict, RegistryError, RuleViolation
from registry.domain.principal import Principal

PATH = "/v1/feed-batches"


def report_batch(
    services: Services, principal: Principal, batch: FeedBatch, metrics: Any = None
) -> StoredAnswer:
    """Judge ``batch`` once per batch id (``Registry.report_facts``); its answer."""
    facts = batch.commands()

    def run(claim: Claim) -> tuple[int, dict[str, Any]]:
        stored: list[tuple[BatchResult, dict[str, Any]]] = []  # the answers written

        def acknowledge(result: BatchResult) -> AnswerRow:
            stored.append((result, answer_of(batch, result)))
            return claim.answer(200, stored[-1][1])

        result = services.registry.report_facts(principal, facts, acknowledge=acknowledge)
        if metrics is not None:
            for fact, outcome in zip(facts, result.outcomes, strict=True):
                metrics.command(type(fact).__name__, outcome.refusal)
        body = next((b for r, b in stored if r is result), None)
        return 200, body if body is not None else answer_of(batch, result)

    fingerprint = request_fingerprint("POST", PATH, batch.model_dump(mode="json"))
    return services.idempotency.run(
        principal.id,
        f"feed-batch:{batch.batch_id}",
        fingerprint,
        run,
        reused=lambda: Conflict(
            f"batch {batch.batch_id} was sent before with other facts; "
            "a new batch needs a new batch id"
        ),
    )


def answer_of(batch: FeedBatch, result: BatchResult) -> dict[str, Any]:
    """The answer document (``FeedBatchAnswer``) of a judged batch."""
    results = [_fact_result(batch.facts[o.index].kind, o) for o in result.outcomes]
    return {
        "batch_id": batch.batch_id,
        "position": result.position,
        "recorded": result.recorded,
        "refused": len(results) - result.recorded,
        "results": results,
    }


def _fact_result(kind: str, outcome: FactOutcome) -> dict[str, Any]:
    return {
        "index": outcome.index,
        "kind": kind,
        "contract_id": str(outcome.contract_id),
        "status": outcome.status,
        "version": outcome.version,
        "position": outcome.position,
        "breaches": list(outcome.breaches),
        "refusal": None if outcome.refusal is None else _refusal(outcome.refusal),
    }


def _refusal(error: RegistryError) -> dict[str, Any]:
    status, title = next(
        (answer for cls, answer in STATUS_OF.items() if isinstance(error, cls)), (400, "Refused")
    )
    rule = error.rule if isinstance(error, RuleViolation) else None
    return {"status": status, "title": title, "detail": error.detail, "rule": rule}
