"""API errors: always 4xx with {"detail": {"code", "field"?, "detail"?}}; never a 500 for bad input."""
from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from fieldapp.domain.errors import ValidationError


def api_error(status: int, code: str, field: str | None = None, detail: Any = None,
              **extra: Any) -> HTTPException:
    body: dict[str, Any] = {"code": code}
    if field is not None:
        body["field"] = field
    if detail is not None:
        body["detail"] = detail
    body.update(extra)
    return HTTPException(status_code=status, detail=body)


async def read_limited(request: Request, max_bytes: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to be too large."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise api_error(413, "too_large", detail=max_bytes)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise api_error(413, "too_large", detail=max_bytes)
    return bytes(body)


async def read_json(request: Request, max_bytes: int) -> Any:
    """The request body as JSON, read with a size limit (413) and parsed (400)."""
    return parse_json(await read_limited(request, max_bytes))


def parse_json(body: bytes) -> Any:
    """A request body as JSON, or 400."""
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as err:
        raise api_error(400, "bad_json", detail=str(err)[:200]) from None


HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 401: "not_authenticated", 403: "forbidden"}


def _field_of(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def on_request_validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        code = "bad_json" if first.get("type") == "json_invalid" else "invalid"
        message = str(first.get("msg", ""))[:200]
        reason = {"code": code, "field": _field_of(first.get("loc", ())), "detail": message}
        return JSONResponse(status_code=422, content={"detail": reason})

    @app.exception_handler(StarletteHTTPException)
    async def on_http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # framework errors (unknown route, wrong method) get the same {"code": ...} shape
        detail = exc.detail
        if not isinstance(detail, dict):
            detail = {"code": HTTP_CODES.get(exc.status_code, "error"), "detail": str(exc.detail)}
        return JSONResponse(status_code=exc.status_code, content={"detail": detail}, headers=exc.headers)

    @app.exception_handler(ValidationError)
    async def on_domain_validation(_request: Request, exc: ValidationError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": exc.as_dict()})

    @app.exception_handler(OperationalError)
    async def on_busy(_request: Request, exc: OperationalError) -> JSONResponse:
        # the database is locked or unreachable: a temporary state, retry later
        body = {"code": "unavailable", "detail": str(exc.orig)[:200]}
        return JSONResponse(status_code=503, content={"detail": body})
