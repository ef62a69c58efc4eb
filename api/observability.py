"""Operations: ``/metrics`` in Prometheus format, and one log line per request.

Metrics (prometheus-client, one registry per app):

- ``registry_http_requests_total{method,route,status}`` and
  ``registry_http_request_duration_seconds{method,route}`` (a histogram); ``route`` is the
  route's template (``/v1/institutions/{institution_id}``), never the raw path;
- ``registry_commands_total{command,outcome}``: each command the API ran, by its type and
  outcome (``ok``, ``rule_violation``, ``conflict``, ``forbidden``, ``not_found``, ``invalid``);
- read when scraped: ``registry_log_head`` (the notification log's last position),
  ``registry_projection_position{projection}`` and ``registry_projection_lag{projection}``,
  ``registry_idempotency_reservations_in_progress``.

Each request is logged once (logger ``registry.http``) with its request id (``X-Request-ID``,
taken from the request when it is a plain token, else made here, and sent back) and the id of
the key that made it. Nothing else of the request is logged: no header, no query string, no
body, so no key and no personal data reach the log. ``REGISTRY_LOG_FORMAT=json`` writes the
logs as JSON lines.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterator
from contextvars import ContextVar

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from registry.adapters.store import idempotency_records
from registry.domain import errors

log = logging.getLogger("registry.http")

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
key_id: ContextVar[str | None] = ContextVar("key_id", default=None)

OUTCOMES: tuple[tuple[type[errors.RegistryError], str], ...] = (
    (errors.RuleViolation, "rule_violation"),
    (errors.InvalidInput, "invalid"),
    (errors.Conflict, "conflict"),
    (errors.Forbidden, "forbidden"),
    (errors.NotFound, "not_found"),
)


class Metrics:
    """The app's metrics registry and the instruments the API updates."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "registry_http_requests",
            "HTTP requests answered, by route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "registry_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template.",
            ["method", "route"],
            registry=self.registry,
        )
        self.commands = Counter(
            "registry_commands",
            "Commands the API ran, by command type and outcome.",
            ["command", "outcome"],
            registry=self.registry,
        )

    def command(self, name: str, error: BaseException | None) -> None:
        outcome = "ok"
        if error is not None:
            outcome = next((o for cls, o in OUTCOMES if isinstance(error, cls)), "error")
        self.commands.labels(name, outcome).inc()


class StateCollector(Collector):
    """Gauges read from the registry when scraped: the log head, the projections, the
    idempotency reservations still running."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        services = getattr(self.app.state, "services", None)
        if services is None:
            return
        head = services.registry.store.head()
        yield GaugeMetricFamily(
            "registry_log_head", "Position of the last event in the notification log.", head
        )
        positions = services.projector.positions()
        position = GaugeMetricFamily(
            "registry_projection_position",
            "Last log position each read model applied.",
            labels=["projection"],
        )
        lag = GaugeMetricFamily(
            "registry_projection_lag",
            "Events each read model is behind the log head.",
            labels=["projection"],
        )
        for name, at in sorted(positions.items()):
            position.add_metric([name], at)
            lag.add_metric([name], max(0, head - at))
        yield position
        yield lag
        with services.engine.connect() as conn:
            running = conn.execute(
                select(func.count())
                .select_from(idempotency_records)
                .where(idempotency_records.c.status_code.is_(None))
            ).scalar_one()
        yield GaugeMetricFamily(
            "registry_idempotency_reservations_in_progress",
            "Idempotency-Keys reserved by a write that has not answered yet.",
            running,
        )


class RequestObserver:
    """ASGI middleware: request id in and out, the request's metrics and its one log line."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        asked = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = asked if REQUEST_ID.match(asked) else uuid.uuid4().hex
        rid_token, key_token = request_id.set(rid), key_id.set(None)
        scope.setdefault("state", {})["request_id"] = rid
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope["method"]
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(seconds)
            log.info(
                "%s %s %s",
                method,
                route,
                status,
                extra={
                    "request_id": rid,
                    "key_id": scope["state"].get("key_id"),
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 1),
                },
            )
            request_id.reset(rid_token)
            key_id.reset(key_token)


class RequestContext(logging.Filter):
    """Adds the current request id and key id to every log record made while serving it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        if getattr(record, "key_id", None) is None:
            record.key_id = key_id.get()
        return True


def configure_logging(level: str, fmt: str) -> None:
    """The root logger: JSON lines (``json``) or plain text, with request and key ids."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestContext())
    if fmt == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter(
                "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(key_id)s] %(message)s"
            )
        )
    root = logging.getLogger()
    # Replace the handler an earlier app installed, and no one else's.
    root.handlers = [h for h in root.handlers if not getattr(h, "registry_handler", False)]
    handler.registry_handler = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)


def remember_key(request: Request, principal_id: str) -> None:
    """Called once a key is known: its id goes on the request's log line."""
    request.scope.setdefault("state", {})["key_id"] = principal_id
    key_id.set(principal_id)


def install(app: FastAPI, log_level: str, log_format: str) -> Metrics:
    """``/metrics``, the request observer and the log format."""
    configure_logging(log_level, log_format)
    metrics = Metrics()
    metrics.registry.register(StateCollector(app))
    app.state.metrics = metrics
    app.add_middleware(RequestObserver, metrics=metrics)

    @app.get("/metrics", include_in_schema=False)
    def scrape() -> Response:
        """Prometheus text format (no key: put it behind the network, like /health)."""
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return metrics
