"""The FastAPI application: auth, me, sync, photos, desk, healthz under /api/v1."""
from __future__ import annotations

import os

from fastapi import APIRouter, FastAPI

from .config import Settings
from .db import dialect_name, open_database
from .errors import install_handlers

API_PREFIX = "/api/v1"


def app_from_env() -> FastAPI:
    """The app of one uvicorn worker process (`serve --workers N`): settings from
    the environment the serve command set before starting the workers."""
    return create_app(Settings.from_env(os.environ["PEOPLE_DIARY_SERVE_DATA"],
                                        os.environ.get("PEOPLE_DIARY_SERVE_DB") or None))


def create_app(settings: Settings) -> FastAPI:
    from server.desk.api import router as desk_router

    from . import auth_api, photos_api, sync_api

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    app = FastAPI(title="People Diary", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.engine = open_database(settings.database_url)
    install_handlers(app)
    health = APIRouter()
    db_name = dialect_name(settings.database_url)

    @health.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok", "db": db_name}

    for router in (health, auth_api.router, sync_api.router, photos_api.router, desk_router):
        app.include_router(router, prefix=API_PREFIX)
    return app
