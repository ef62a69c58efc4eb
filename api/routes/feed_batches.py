"""The batch feed: banks and teaching platforms report up to 1,000 contract facts at once."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import PrincipalDep, ServicesDep
from api.feed_batches import PATH, report_batch
from api.schemas.feed_batches import FeedBatch, FeedBatchAnswer

router = APIRouter(prefix=PATH, tags=["training contracts"])


@router.post("", response_model=FeedBatchAnswer, status_code=200)
def report_feed_batch(
    body: FeedBatch, request: Request, services: ServicesDep, principal: PrincipalDep
) -> Response:
    """Report a batch of payments, lessons, releases and refunds: each judged as its single
    report, a refused fact recording nothing; once per ``batch_id``."""
    metrics = getattr(request.app.state, "metrics", None)
    answer = report_batch(services, principal, body, metrics)
    headers = {"Idempotency-Replayed": "true"} if answer.replayed else {}
    # The same compact UTF-8 JSON as JSONResponse, encoded by orjson (a result per fact).
    return Response(
        orjson.dumps(answer.body),
        status_code=answer.status_code,
        headers=headers,
        media_type="application/json",
    )
