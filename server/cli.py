"""Command line: serve, create-user, demo, import-households.

    python -m server serve --data DIR [--db URL] [--host 127.0.0.1] [--port 8000]
    python -m server create-user --data DIR --username U --password P --role worker \
        --display-name 名字 [--community NAME|ID] [--grid NAME|ID ...]
    python -m server demo --data DIR [--db URL]
    python -m server import-households --data DIR [--db URL] FILE.xlsx|FILE.csv
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from fieldapp.domain.enums import Role
from fieldapp.domain.errors import ValidationError

from .config import Settings
from .db import begin_write, open_database
from .db import schema as s


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings.from_env(args.data, args.db)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return args.run(settings, args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m server", description="People Diary server")
    sub = parser.add_subparsers(required=True)

    def command(name: str, run: Any, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--data", required=True, type=Path, help="data directory (SQLite file, photos)")
        p.add_argument("--db", default=None, help="database URL (default: SQLite in --data)")
        p.set_defaults(run=run)
        return p

    serve = command("serve", _serve, "run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1,
                       help="uvicorn worker processes (one per core; writes stay serialised)")
    user = command("create-user", _create_user, "add a user (creates community/grids named if missing)")
    user.add_argument("--username", required=True)
    user.add_argument("--password", required=True)
    user.add_argument("--role", required=True, choices=[r.value for r in Role])
    user.add_argument("--display-name", required=True)
    user.add_argument("--community", default=None, help="community name or id")
    user.add_argument("--grid", action="append", default=[], help="grid name or id (repeatable)")
    user.add_argument("--phone", default=None)
    command("demo", _demo, "load the demo community and print its logins")
    imp = command("import-households", _import, "import households from .xlsx or .csv")
    imp.add_argument("file", type=Path)
    return parser


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from .app import create_app

    if args.workers <= 1:
        uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning",
                    timeout_graceful_shutdown=5)
        return 0
    open_database(settings.database_url).dispose()  # migrate once, before the workers start
    os.environ.update(PEOPLE_DIARY_SERVE_DATA=str(settings.data_dir),
                      PEOPLE_DIARY_SERVE_DB=settings.db_url or "",
                      PEOPLE_DIARY_SERVE_WORKERS=str(args.workers))
    uvicorn.run("server.app:app_from_env", factory=True, workers=args.workers, host=args.host,
                port=args.port, log_level="warning", timeout_graceful_shutdown=5)
    return 0


# ---------------------------------------------------------------- create-user

def _create_user(settings: Settings, args: argparse.Namespace) -> int:
    from .auth import create_user
    from .records import seed

    engine = open_database(settings.database_url)
    with Session(engine) as session:
        begin_write(session)  # the server may be running: take the write lock first
        try:
            community_id = (_find_or_make(session, "community", args.community, None, seed)
                            if args.community else None)
            grids = [_find_or_make(session, "grid", g, community_id, seed) for g in args.grid]
            user_id = create_user(session, args.username, args.password, args.role, args.display_name,
                                  community_id, grids, args.phone)
        except ValidationError as err:
            print(f"error: {err.field}: {err.code} {err.detail}", file=sys.stderr)
            return 2
        session.commit()
    print(json.dumps({"user_id": user_id, "community_id": community_id, "grid_ids": grids}))
    return 0


def _find_or_make(session: Session, entity: str, name_or_id: str, community_id: str | None, seed: Any) -> str:
    """The id of the community/grid with this id or name; made if missing."""
    r = s.records.c
    query = select(r.id, r.data, r.community_id).where(r.entity == entity)
    if entity == "grid" and community_id:
        query = query.where(r.community_id == community_id)
    for row in session.execute(query):
        if row.id == name_or_id or json.loads(row.data).get("name") == name_or_id:
            return row.id
    if entity == "grid" and community_id is None:
        raise ValidationError("grid", "community_required")
    new_id = str(uuid.uuid4())
    fields: dict[str, Any] = {"name": name_or_id}
    if entity == "grid":
        fields["community_id"] = community_id
    seed(session, entity, new_id, fields, new_id)
    return new_id


# ---------------------------------------------------------------- demo

def _demo(settings: Settings, args: argparse.Namespace) -> int:
    from .auth import create_user
    from .demo import build_demo
    from .records import seed_many

    engine = open_database(settings.database_url)
    demo = build_demo()
    with Session(engine) as session:
        begin_write(session)
        if session.execute(select(s.records.c.id).where(s.records.c.id == demo.community_id)).first():
            print("demo already loaded", file=sys.stderr)
            return 1
        seed_many(session, list(demo.records), demo.community_id)
        for u in demo.users:
            create_user(session, u.username, u.password, u.role, u.display_name, demo.community_id,
                        list(u.grid_ids), u.phone, user_id=u.id or None)
        session.commit()
    print(f"demo community {demo.community_id}: {len(demo.records)} records")
    for u in demo.users:
        print(f"  {u.role:<12} {u.username:<14} {u.password}  {u.display_name}")
    return 0


# ---------------------------------------------------------------- import

def _import(settings: Settings, args: argparse.Namespace) -> int:
    from .importer import parse_households
    from .records import seed_many

    engine = open_database(settings.database_url)
    grids = _grids_by_name(engine)
    result = parse_households(args.file, grids)
    if result.errors:
        for e in result.errors:
            print(f"row {e.row}: {e.field}: {e.reason}", file=sys.stderr)
        print(f"{len(result.errors)} errors: nothing imported", file=sys.stderr)
        return 1
    with Session(engine) as session:
        begin_write(session)
        items = [("household", rec.get("id") or str(uuid.uuid4()), rec) for rec in result.records]
        seed_many(session, items, "00000000-0000-0000-0000-000000000000")
        session.commit()
    print(f"imported {len(result.records)} households")
    return 0


def _grids_by_name(engine: Engine) -> dict[str, str]:
    r = s.records.c
    with Session(engine) as session:
        rows = session.execute(select(r.id, r.data).where(r.entity == "grid")).all()
    return {json.loads(row.data)["name"]: row.id for row in rows}
