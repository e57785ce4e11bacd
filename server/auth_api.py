"""/auth/login, /auth/logout, /me."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from .auth import LoginRefused, Principal, login, revoke, user_public
from .config import Settings
from .db import schema as s
from .deps import bearer_token, current_user, get_db, get_settings
from .errors import api_error

router = APIRouter(tags=["auth"])


class LoginBody(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    device: str = Field(default="unknown", pattern=r"^[A-Za-z0-9_.-]{1,64}$")


@router.post("/auth/login")
def post_login(body: LoginBody, request: Request, session: Session = Depends(get_db),
               settings: Settings = Depends(get_settings)) -> dict[str, Any]:
    address = request.client.host if request.client else "unknown"
    try:
        token, expires_at, user = login(session, settings, body.username, body.password, body.device, address)
    except LoginRefused as refused:
        extra = {"retry_after": refused.retry_after} if refused.retry_after else {}
        raise api_error(refused.status, refused.code, **extra) from None
    return {"token": token, "expires_at": expires_at, "user": user}


@router.post("/auth/logout", status_code=204)
def post_logout(token: str = Depends(bearer_token), _p: Principal = Depends(current_user),
                session: Session = Depends(get_db)) -> Response:
    revoke(session, token)
    return Response(status_code=204)


@router.get("/me")
def get_me(p: Principal = Depends(current_user), session: Session = Depends(get_db)) -> dict[str, Any]:
    row = session.execute(select(s.users).where(s.users.c.id == p.user_id)).one()
    return user_public(row)
