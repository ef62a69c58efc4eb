"""The public API's response cache: answers keyed on the read models' positions, and ETags.

Public reads (``/v1/public/...``, no key, no personal data) depend only on the read models,
and the read models change only when the projector moves their positions. So an answer
computed while the positions were P is the answer for as long as they are still P:

- every public GET first reads the current positions, with a read that *starts after the
  request arrived* (concurrent requests share one such read: one query serves many), so an
  answer is never older than the request;
- an answer cached under P is served only while the positions read are P (any move empties
  the cache); its ``ETag`` names P, and ``If-None-Match`` with it answers 304 while P holds;
- ``?consistent_after=N`` is served from the cache only when every projection has applied N;
  otherwise the request takes the ordinary path, which waits for the projector.

A current institution page that is not kept is read past the router (``api/public_pages.py``)
and kept like the rest. Only 200 answers of JSON routes are kept (the CSV and JSON Lines
downloads stream past it, and the school calendars, read from the log, go past it), at most
``max_entries`` of them and ``max_bytes`` in all, least recently used first out.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from api.public_pages import ROUTE

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[Message], Any]

PREFIX = "/v1/public/"
STREAMED = (".csv", ".jsonl")
# Public answers read from the log itself, not from the read models: the positions do not
# say when they change, so they are never cached.
FROM_THE_LOG = ("/v1/public/calendars/",)


class PositionReader:
    """Reads the projections' positions, one read for every request waiting at the time.

    ``current()`` answers positions from a read that started after it was called: a request
    arriving while a read is under way waits for the next one, which serves every request
    that arrived in between.
    """

    def __init__(self, read: Callable[[], Awaitable[dict[str, int]]]) -> None:
        self._read = read
        self._asked = 0  # tickets handed out
        self._served = 0  # every ticket up to this one has its answer
        self._value: dict[str, int] = {}
        self._reading = False
        self._done = asyncio.Event()

    async def current(self) -> dict[str, int]:
        self._asked += 1
        ticket = self._asked
        while self._served < ticket:
            if self._reading:
                done = self._done
                await done.wait()
                continue
            self._reading = True
            covers = self._asked  # every ticket so far: this read starts after all of them
            try:
                value = await self._read()
            finally:
                self._reading = False
                done, self._done = self._done, asyncio.Event()
                done.set()
            self._value, self._served = value, covers
        return self._value


@dataclass(frozen=True)
class Route:
    """What the request log and the metrics name an answer by (the route's template)."""

    path: str


PAGE_ROUTE = Route(ROUTE)


@dataclass
class Entry:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    route: Route | None = None  # the route that answered it first


class PublicCache:
    """ASGI middleware in front of the app: see the module's docstring."""

    def __init__(
        self,
        app: Any,
        positions: Callable[[Any], Callable[[], Awaitable[dict[str, int]]]],
        max_entries: int = 20_000,
        max_bytes: int = 64 * 1024 * 1024,
    ) -> None:
        self.app = app
        self._positions_of = positions  # the ASGI app → a function reading the positions
        self._reader: PositionReader | None = None
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, str], Entry] = OrderedDict()
        self._bytes = 0
        self._key: tuple[tuple[str, int], ...] = ()
        self._etag = b""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope.get("method") != "GET"
            or not path.startswith(PREFIX)
            or path.endswith(STREAMED)
            or path.startswith(FROM_THE_LOG)
        ):
            await self.app(scope, receive, send)
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        wanted = [v for k, v in query if k == "consistent_after"]
        try:
            positions = await self._reader_for(scope).current()
        except Exception:  # the database is down: the ordinary path answers that properly
            await self.app(scope, receive, send)
            return
        if wanted and not (wanted[0].isdigit() and int(wanted[0]) <= min(positions.values())):
            await self.app(scope, receive, send)  # not there yet (or malformed): it waits
            return
        self._move_to(positions)
        etag = self._etag
        if etag in _if_none_match(scope):
            await _send(send, 304, _validators(etag), b"")
            return
        key = (path, urlencode(sorted((k, v) for k, v in query if k != "consistent_after")))
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
            scope["route"] = entry.route
            await _send(send, entry.status, entry.headers, entry.body)
            return
        if not key[1] and await self._page(scope, send, key, etag):
            return
        await self._fill(scope, receive, send, key, etag)

    async def _page(self, scope: Scope, send: Send, key: tuple[str, str], etag: bytes) -> bool:
        """A current institution page read past the router (``api/public_pages.py``), kept
        like any other answer; False when the ordinary route must answer it."""
        reader = getattr(scope["app"].state, "page_reader", None)
        body = await reader.page(key[0]) if reader is not None else None
        if body is None:
            return False
        headers = [
            (b"content-length", str(len(body)).encode()),
            (b"content-type", b"application/json"),
            *_validators(etag),
        ]
        scope["route"] = PAGE_ROUTE
        await _send(send, 200, headers, body)
        if self._etag == etag and len(body) <= self.max_bytes // 64:
            self._keep(key, Entry(200, headers, body, PAGE_ROUTE))
        return True

    def _reader_for(self, scope: Scope) -> PositionReader:
        if self._reader is None:
            self._reader = PositionReader(self._positions_of(scope["app"]))
        return self._reader

    def _move_to(self, positions: dict[str, int]) -> None:
        key = tuple(sorted(positions.items()))
        if key != self._key:
            self._key = key
            self._etag = (
                b'"'
                + hashlib.blake2b(repr(key).encode(), digest_size=10).hexdigest().encode()
                + b'"'
            )
            self._entries.clear()
            self._bytes = 0

    async def _fill(
        self, scope: Scope, receive: Receive, send: Send, key: tuple[str, str], etag: bytes
    ) -> None:
        """Run the app, add the ETag to a 200, keep it if the positions have not moved since."""
        start: Message | None = None
        chunks: list[bytes] = []
        streaming = False

        async def capture(message: Message) -> None:
            nonlocal start, streaming
            if streaming:
                await send(message)
            elif message["type"] == "http.response.start":
                start = message
                if start["status"] == 200:
                    headers = [h for h in start.get("headers", []) if h[0].lower() != b"etag"]
                    headers += _validators(etag)
                    start = {**start, "headers": headers}
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):  # a stream: pass it on as it comes
                    streaming = True
                    assert start is not None
                    await send(start)
                    await send({**message, "body": b"".join(chunks)})
            else:
                await send(message)

        await self.app(scope, receive, capture)
        if streaming or start is None:
            return
        body = b"".join(chunks)
        await send(start)
        await send({"type": "http.response.body", "body": body})
        if start["status"] == 200 and self._etag == etag and len(body) <= self.max_bytes // 64:
            template = getattr(scope.get("route"), "path", None)
            route = Route(template) if template else None
            self._keep(key, Entry(200, list(start["headers"]), body, route))

    def _keep(self, key: tuple[str, str], entry: Entry) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)
        self._entries[key] = entry
        self._bytes += len(entry.body)
        while self._entries and (
            len(self._entries) > self.max_entries or self._bytes > self.max_bytes
        ):
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= len(dropped.body)


def _validators(etag: bytes) -> list[tuple[bytes, bytes]]:
    """The headers of every answer the cache gives: its ETag, and revalidate before reuse."""
    return [(b"etag", etag), (b"cache-control", b"no-cache")]


def _if_none_match(scope: Scope) -> list[bytes]:
    for name, value in scope.get("headers", []):
        if name == b"if-none-match":
            return [v.strip().removeprefix(b"W/") for v in value.split(b",")]
    return []


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
