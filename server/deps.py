"""FastAPI dependencies shared by every router (see docs/CONTRACTS.md)."""
from __future__ import annotations

from collections.abc import Callable, Iterator

from fastapi import Depends, Header, Request
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from .auth import Principal, principal_for_token
from .config import Settings
from .errors import api_error


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    """A session for one request; the handler commits what it writes."""
    with Session(get_engine(request)) as session:
        yield session


async def bearer_token(authorization: str | None = Header(default=None)) -> str:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise api_error(401, "not_authenticated")
    return authorization[7:].strip()


async def current_user(request: Request, token: str = Depends(bearer_token)) -> Principal:
    """The caller; 401 if the token is missing, unknown, expired or revoked.
    Async, so bearer_token and this cost one thread-pool hop, not two. Not
    cached: a token expired or revoked in the database is refused at once."""
    principal = await run_in_threadpool(_lookup, get_engine(request), token)
    if principal is None:
        raise api_error(401, "not_authenticated")
    return principal


def _lookup(engine: Engine, token: str) -> Principal | None:
    with engine.connect() as conn:  # a plain connection: lighter than a Session
        return principal_for_token(conn, token)


def authorized(conn: Connection, token: str) -> Principal:
    """What current_user does, inside a handler's own thread-pool hop and on its
    connection (for endpoints that take `bearer_token` and check the token
    themselves first thing, so 401 still comes before any other refusal)."""
    principal = principal_for_token(conn, token)
    if principal is None:
        raise api_error(401, "not_authenticated")
    return principal


def require_roles(*roles: str) -> Callable[[Principal], Principal]:
    allowed = frozenset(roles)

    async def check(principal: Principal = Depends(current_user)) -> Principal:
        if principal.role not in allowed:
            raise api_error(403, "forbidden", detail=principal.role)
        return principal

    return check
