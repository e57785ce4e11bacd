"""Command line: serve, create-user, demo, import-households.

    python -m server serve --data DIR [--db URL] [--host 127.0.0.1] [--port 8000]
    python -m server create-user --data DIR --username U --password P --role worker \
        --display-name 名字 [--community NAME|ID] [--grid NAME|ID ...]
    python -m server update-user --data DIR --username U [--password P] [--display-name 名字]
        [--phone P] [--grid NAME|ID ...] [--deactivate | --activate]
    python -m server revoke-tokens --data DIR --username U [--device D]
    python -m server list-users --data DIR
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
    change = command("update-user", _update_user, "change an account: password, name, phone, grids, "
                     "active (a new password or deactivation signs the user out everywhere)")
    change.add_argument("--username", required=True)
    change.add_argument("--password", default=None)
    change.add_argument("--display-name", default=None)
    change.add_argument("--phone", default=None)
    change.add_argument("--grid", action="append", default=None,
                        help="the worker's grids from now on, name or id (repeatable)")
    active = change.add_mutually_exclusive_group()
    active.add_argument("--deactivate", action="store_const", const=False, dest="active")
    active.add_argument("--activate", action="store_const", const=True, dest="active")
    revoke = command("revoke-tokens", _revoke_tokens, "sign a user out on one device (a lost phone) or all")
    revoke.add_argument("--username", required=True)
    revoke.add_argument("--device", default=None, help="only this device (as shown by list-users)")
    command("list-users", _list_users, "accounts with their grids and signed-in devices")
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
    found = _find(session, entity, name_or_id, community_id)
    if found:
        return found
    if entity == "grid" and community_id is None:
        raise ValidationError("grid", "community_required")
    new_id = str(uuid.uuid4())
    fields: dict[str, Any] = {"name": name_or_id}
    if entity == "grid":
        fields["community_id"] = community_id
    seed(session, entity, new_id, fields, new_id)
    return new_id


# ---------------------------------------------------------------- accounts

def _update_user(settings: Settings, args: argparse.Namespace) -> int:
    from . import accounts

    def change(session: Session) -> dict[str, Any]:
        acct = accounts.account(session, username=args.username)
        done: dict[str, Any] = {"user_id": acct.id}
        if args.display_name is not None or args.phone is not None:
            accounts.set_profile(session, acct.id, acct.id, args.display_name, args.phone)
        if args.grid is not None:
            grids = [_grid_id(session, g, acct.community_id) for g in args.grid]
            done["grids"] = accounts.set_grids(session, acct.id, grids, acct.id)
        if args.password is not None:
            done["tokens_revoked"] = accounts.set_password(session, acct.id, args.password)
        if args.active is not None:
            done["active"] = args.active
            done["tokens_revoked"] = done.get("tokens_revoked", 0) + accounts.set_active(
                session, acct.id, args.active)
        return done

    return _account_change(settings, change)


def _revoke_tokens(settings: Settings, args: argparse.Namespace) -> int:
    from . import accounts

    def change(session: Session) -> dict[str, Any]:
        acct = accounts.account(session, username=args.username)
        return {"user_id": acct.id, "tokens_revoked": accounts.revoke_tokens(session, acct.id, args.device)}

    return _account_change(settings, change)


def _account_change(settings: Settings, change: Any) -> int:
    """Run `change(session)` in one writing transaction: all of it or, on an error, none."""
    engine = open_database(settings.database_url)
    with Session(engine) as session:
        begin_write(session)  # the server may be running: take the write lock first
        try:
            done = change(session)
        except ValidationError as err:
            print(f"error: {err.field}: {err.code} {err.detail}", file=sys.stderr)
            return 2
        session.commit()
    print(json.dumps(done, ensure_ascii=False))
    return 0


def _grid_id(session: Session, name_or_id: str, community_id: str | None) -> str:
    """The id of the community's grid with this id or name (never made here)."""
    found = _find(session, "grid", name_or_id, community_id) if community_id else None
    if found is None:
        raise ValidationError("grid", "not_found", name_or_id)
    return found


def _find(session: Session, entity: str, name_or_id: str, community_id: str | None) -> str | None:
    """The id of the community/grid (of that community) with this id or name."""
    r = s.records.c
    query = select(r.id, r.data).where(r.entity == entity)
    if entity == "grid" and community_id:
        query = query.where(r.community_id == community_id)
    for row in session.execute(query):
        if row.id == name_or_id or json.loads(row.data).get("name") == name_or_id:
            return row.id
    return None


def _list_users(settings: Settings, args: argparse.Namespace) -> int:
    from . import accounts

    engine = open_database(settings.database_url)
    with Session(engine) as session:
        names = _grid_names(session)
        for (user_id,) in session.execute(select(s.users.c.id).order_by(s.users.c.role, s.users.c.username)):
            acct = accounts.account(session, user_id)
            devices = ", ".join(sorted(d for _u, d in accounts.signed_in(session, user_id))) or "-"
            grids = ", ".join(names.get(g, g) for g in acct.grid_ids) or "-"
            state = "active" if acct.active else "INACTIVE"
            print(f"{acct.role:<12} {acct.username:<16} {state:<8} {acct.display_name}  grids: {grids}  "
                  f"signed in on: {devices}")
    return 0


def _grid_names(session: Session) -> dict[str, str]:
    r = s.records.c
    return {row.id: json.loads(row.data).get("name", "") for row in
            session.execute(select(r.id, r.data).where(r.entity == "grid"))}


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
    with Session(engine) as session:
        return {name: grid_id for grid_id, name in _grid_names(session).items()}
