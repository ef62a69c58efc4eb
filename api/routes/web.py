"""The public web page: parents check an institution before they pay (no key, never personal data).

Server-rendered HTML from ``api/templates`` with one small stylesheet from ``api/static``: no
script, no build step, nothing fetched from elsewhere, so it works offline. Each section of a
page is one read-model query. Errors are answered as HTML pages, not problem+json.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import AwareDatetime

from api import labels
from api.deps import ServicesDep
from api.errors import STATUS_OF
from api.paging import Cursor, decode_cursor, encode_cursor
from api.schemas.common import PRINTABLE, Day
from registry.domain.clock import today
from registry.domain.districts import KNOWN_DISTRICTS
from registry.domain.errors import InvalidInput, RegistryError

HERE = Path(__file__).resolve().parent.parent
TEMPLATES = Jinja2Templates(directory=HERE / "templates")
TEMPLATES.env.globals.update(L=labels, DISTRICTS=sorted(KNOWN_DISTRICTS.items()))

PAGE_SIZE = 50

NOT_FOUND: labels.Label = ("未找到", "Not found")
BAD_REQUEST: labels.Label = ("请求有误", "Bad request")


def _error_page(request: Request, status: int, title: labels.Label, detail: str) -> Response:
    context = {"status": status, "title": title, "detail": detail}
    return TEMPLATES.TemplateResponse(request, "error.html", context, status_code=status)


class HtmlRoute(APIRoute):
    """A page route: the registry's errors and bad parameters answer as HTML pages."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handle(request)
            except RequestValidationError as exc:
                # A malformed id in the path names no institution; anything else is a bad query.
                if any(e.get("loc", ("",))[0] == "path" for e in exc.errors()):
                    return _error_page(request, 404, NOT_FOUND, "没有这个机构 No such institution")
                return _error_page(request, 400, BAD_REQUEST, "请检查搜索条件 Check the search")
            except RegistryError as exc:
                status = next(
                    (code for cls, (code, _) in STATUS_OF.items() if isinstance(exc, cls)), 400
                )
                title = NOT_FOUND if status == 404 else BAD_REQUEST
                return _error_page(request, status, title, exc.detail)

        return page


router = APIRouter(route_class=HtmlRoute, include_in_schema=False)


def install(app: FastAPI) -> None:
    """Serve the page at ``/`` and its stylesheet under ``/static``."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")


@router.get("/", response_class=HTMLResponse, status_code=200)
def home(
    request: Request,
    services: ServicesDep,
    q: Annotated[str | None, Query(max_length=100, pattern=PRINTABLE)] = None,
    district: Annotated[str, Query(pattern=r"^(\d{6})?$")] = "",
    category: Literal["", "academic", "non_academic"] = "",
    legitimate_only: bool = False,
    after: Cursor = None,
) -> Response:
    """The search form and, once a search is made, the matching institutions of every status."""
    searched = q is not None or bool(district or category)
    query = (q or "").strip()
    rows: list[dict[str, Any]] = []
    next_page = None
    if searched:
        items = services.views.search_register(
            q=query or None,
            district_code=district or None,
            category=category or None,
            legitimate_only=legitimate_only,
            after_name=_after(after),
            limit=PAGE_SIZE + 1,
        )
        page = items[:PAGE_SIZE]
        rows = [{**item, "standing": labels.standing(item, item["blacklisting"])} for item in page]
        if len(items) > PAGE_SIZE:
            params = {"q": query, "district": district, "category": category}
            if legitimate_only:
                params["legitimate_only"] = "true"
            params["after"] = encode_cursor({"after": [page[-1]["name"], page[-1]["id"]]})
            next_page = "/?" + urlencode(params)
    context = {
        "searched": searched,
        "continued": after is not None,
        "q": query,
        "district": district,
        "category": category,
        "legitimate_only": legitimate_only,
        "rows": rows,
        "next_page": next_page,
        "today": today(),
    }
    return TEMPLATES.TemplateResponse(request, "index.html", context)


@router.get("/institutions/{institution_id}", response_class=HTMLResponse, status_code=200)
def institution(
    request: Request,
    institution_id: UUID,
    services: ServicesDep,
    as_of: Annotated[Day | None, Query(description="in force at the end of this day")] = None,
    known_at: Annotated[AwareDatetime | None, Query(description="as recorded by then")] = None,
) -> Response:
    """One institution: its standing, licence, supervision, dated status history and penalties;
    with ``as_of`` as in force at the end of that day, with ``known_at`` as recorded by then."""
    item = services.views.public_institution(str(institution_id), as_of, known_at)
    dated = as_of is not None or known_at is not None
    blacklisting = (
        item.pop("blacklisting", None)
        if dated
        else services.views.blacklist_entry(str(institution_id))
    )
    context = {
        "item": item,
        "blacklisting": blacklisting,
        "standing": labels.standing(item, blacklisting),
        "today": date.fromisoformat(item["as_of"]) if item.get("as_of") else today(),
        "dated": dated,
    }
    return TEMPLATES.TemplateResponse(request, "institution.html", context)


def _after(cursor: str | None) -> tuple[str, str] | None:
    after = decode_cursor(cursor).get("after")
    if after is None:
        return None
    if not (isinstance(after, list) and len(after) == 2 and all(isinstance(x, str) for x in after)):
        raise InvalidInput("the cursor is not one this page issued", "after")
    return (after[0], after[1])
