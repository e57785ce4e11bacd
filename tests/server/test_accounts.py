"""Account administration end to end, against a real server process (SQLite
and PostgreSQL) with real app stores and sync engines as the phones: a lost
phone signed out from the desk, an account stopped and restarted, a new
password, a worker moved to another grid (the old grid leaves the phone, the
new one arrives whole), and the same through the command line."""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from fieldapp.services.context import ServiceContext
from tests.server.test_scope_exits import PASSWORD, USERS, Scope, family_keys, history, open_scope
from tests.server.world import diary_entry
from tests.support.api import ApiSession, new_id
from tests.support.server_process import ServerProcess, run_cli

MORE_USERS = {"mover": ("worker", "社区S", ["甲网格"]), "leaver": ("worker", "社区S", ["甲网格"]),
              "forgetful": ("volunteer", "社区S", []), "coord2": ("coordinator", "社区S", [])}


@pytest.fixture(scope="module")
def accounts(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scope]:
    with open_scope(server, tmp_path_factory.mktemp("phones"), {**USERS, **MORE_USERS}) as s:
        yield s


def act(s: Scope, actor: str, username: str, body: dict[str, Any]) -> httpx.Response:
    api = s.api[actor]
    return api.client.post(f"/desk/accounts/{s.user_id(username)}", json=body, headers=api.headers)


def person(s: Scope, username: str) -> dict[str, Any]:
    """The desk's devices page row of this person."""
    api = s.api["coord"]
    items = api.client.get("/desk/devices", headers=api.headers).json()["items"]
    [item] = [i for i in items if i["user_id"] == s.user_id(username)]
    return item


def devices_of(s: Scope, username: str) -> dict[str, dict[str, Any]]:
    return {d["device"]: d for d in person(s, username)["devices"]}


def login_status(s: Scope, username: str, password: str = PASSWORD) -> int:
    response = s.api["coord"].client.post("/auth/login", json={
        "username": username, "password": password, "device": "check"})
    return response.status_code


def me_status(api: ApiSession) -> int:
    return api.client.get("/me", headers=api.headers).status_code


def test_a_lost_phone_signed_out_from_the_desk_stops_at_once_and_keeps_its_work(accounts: Scope) -> None:
    s = accounts
    lost, kept = s.device("worker_b"), s.device("worker_b")
    lost.sync()
    kept.sync()
    ids = history(s, "B")
    visit = new_id()
    lost.store.write_local([("diary_entry", visit, diary_entry(ids["household"], s.grid("B"),
                                                               lost.user["id"], notes="丢失前写的"))],
                           lost.user["id"])
    assert devices_of(s, "worker_b")[lost.store.device_id]["signed_in"] is True

    answer = act(s, "coord", "worker_b", {"action": "revoke", "device": lost.store.device_id})
    assert answer.status_code == 200, answer.text
    assert answer.json()["tokens_revoked"] == 1

    report = asyncio.run(lost.engine.run())
    assert report.auth_required and report.pushed == 0
    assert lost.store.pending_count() == 1  # the visit typed on it is still there, unsent
    assert kept.sync().pulled > 0  # the other phone goes on
    listed = devices_of(s, "worker_b")
    assert listed[lost.store.device_id]["signed_in"] is False
    assert listed[kept.store.device_id]["signed_in"] is True
    audit = s.api["admin"].client.get("/desk/audit", headers=s.api["admin"].headers).json()["items"]
    assert any(a["action"] == "account_revoke" and a["record_id"] == s.user_id("worker_b") for a in audit)


def test_a_stopped_account_cannot_sign_in_or_sync_until_restarted(accounts: Scope) -> None:
    s = accounts
    leaver = ApiSession(s.srv.api, device="leaver-phone").login("leaver", PASSWORD)
    answer = act(s, "coord", "leaver", {"action": "deactivate"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["user"]["active"] is False and answer.json()["tokens_revoked"] >= 1
    assert me_status(leaver) == 401
    assert login_status(s, "leaver") == 401
    assert person(s, "leaver")["active"] is False and devices_of(s, "leaver") == {}  # signed out

    assert act(s, "coord", "leaver", {"action": "activate"}).status_code == 200
    assert login_status(s, "leaver") == 200
    assert me_status(leaver) == 401  # revoked tokens stay revoked: a new login is needed
    leaver.close()


def test_a_new_password_signs_the_user_out_everywhere(accounts: Scope) -> None:
    s = accounts
    phone = ApiSession(s.srv.api, device="old-phone").login("forgetful", PASSWORD)
    short = act(s, "coord", "forgetful", {"action": "password", "password": "123"})
    assert short.status_code == 422 and short.json()["detail"]["code"] == "too_short"
    assert me_status(phone) == 200  # a refused change changes nothing

    assert act(s, "coord", "forgetful", {"action": "password", "password": "new-secret-9"}).status_code == 200
    assert me_status(phone) == 401
    assert login_status(s, "forgetful") == 401
    assert login_status(s, "forgetful", "new-secret-9") == 200
    phone.close()


@pytest.mark.parametrize(("actor", "username", "body", "status", "code"), [
    ("worker_a", "worker_b", {"action": "revoke"}, 403, "forbidden"),  # not staff
    ("coord", "coord2", {"action": "deactivate"}, 404, "not_found"),  # coordinators manage field staff only
    ("coord_t", "worker_a", {"action": "revoke"}, 404, "not_found"),  # another community's worker
    ("admin", "admin", {"action": "deactivate"}, 422, "self"),
    ("coord", "worker_a", {"action": "wipe"}, 422, "bad_choice"),
    ("coord", "worker_a", {"action": "revoke", "device": 7}, 422, "bad_device"),
    ("coord", "worker_a", {"action": "grids", "grid_ids": "甲网格"}, 422, "not_list"),
    ("coord", "vol1", {"action": "grids", "grid_ids": []}, 422, "no_grids"),
])
def test_account_actions_refused_with_a_reason(accounts: Scope, actor: str, username: str,
                                                body: dict[str, Any], status: int, code: str) -> None:
    answer = act(accounts, actor, username, body)
    assert answer.status_code == status, answer.text
    assert answer.json()["detail"]["code"] == code
    assert login_status(accounts, username) == 200  # nothing changed


def test_a_grid_of_another_community_is_refused(accounts: Scope) -> None:
    s = accounts
    answer = act(s, "coord", "worker_a", {"action": "grids", "grid_ids": [s.grid("C")]})
    assert answer.status_code == 422 and answer.json()["detail"]["code"] == "out_of_scope"
    missing = act(s, "coord", "worker_a", {"action": "grids", "grid_ids": [new_id()]})
    assert missing.status_code == 422 and missing.json()["detail"]["code"] == "not_found"
    me = s.api["worker_a"].client.get("/me", headers=s.api["worker_a"].headers).json()
    assert me["grid_ids"] == [s.grid("A")]


def test_a_worker_moved_to_another_grid_gets_its_whole_history_and_drops_the_old(accounts: Scope) -> None:
    s = accounts
    in_a, in_b = history(s, "A"), history(s, "B")
    phone = s.device("mover")  # pulls 7 records a page: the full pull below takes many pages
    phone.sync()
    context = ServiceContext(phone.store, dict(phone.user), s.root)
    assert family_keys(in_a) <= phone.held()
    assert not family_keys(in_b) & phone.held()
    unsent = new_id()
    phone.store.write_local([("diary_entry", unsent, diary_entry(in_a["household"], s.grid("A"),
                                                                 phone.user["id"], notes="调走前的走访"))],
                            phone.user["id"])

    moved = act(s, "coord", "mover", {"action": "grids", "grid_ids": [s.grid("B")]})
    assert moved.status_code == 200, moved.text
    assert moved.json()["added"] == [s.grid("B")] and moved.json()["removed"] == [s.grid("A")]

    report = phone.sync()
    assert [r["reason"]["code"] for r in report.rejected] == ["out_of_scope"]  # answered, not dropped
    assert [op["id"] for op in phone.store.rejected_ops()] == [unsent]
    held = phone.held()
    assert family_keys(in_b) <= held  # B arrived with its past
    assert not family_keys(in_a) & held  # A left the phone
    assert context.grid_ids == [s.grid("B")]  # the app's round follows the server's user record
    assert phone.sync().requests == 1  # and the next sync is an idle pull: no second restart

    back = act(s, "coord", "mover", {"action": "grids", "grid_ids": [s.grid("A"), s.grid("B")]})
    assert back.json()["added"] == [s.grid("A")] and back.json()["removed"] == []
    phone.sync()
    held = phone.held()
    assert family_keys(in_a) | family_keys(in_b) <= held
    assert sorted(context.grid_ids) == sorted([s.grid("A"), s.grid("B")])


def test_the_command_line_manages_accounts(accounts: Scope) -> None:
    s = accounts
    srv = s.srv
    phone = ApiSession(srv.api, device="cli-phone").login("worker_ab", PASSWORD)
    listed = run_cli(srv.data_dir, srv.db_url, "list-users").stdout
    assert "worker_ab" in listed and "cli-phone" in listed

    revoked = run_cli(srv.data_dir, srv.db_url, "revoke-tokens", "--username", "worker_ab",
                      "--device", "cli-phone").stdout
    assert '"tokens_revoked": 1' in revoked and me_status(phone) == 401

    bad = run_cli(srv.data_dir, srv.db_url, "update-user", "--username", "worker_ab", "--grid", "乙网格",
                  "--grid", "没有这个网格", check=False)
    assert bad.returncode == 2 and "not_found" in bad.stderr
    me = s.api["worker_ab"].client.get("/me", headers=s.api["worker_ab"].headers).json()
    assert len(me["grid_ids"]) == 2  # all or nothing

    changed = run_cli(srv.data_dir, srv.db_url, "update-user", "--username", "worker_ab", "--grid", "乙网格",
                      "--display-name", "王晓东").stdout
    assert '"removed"' in changed
    api = ApiSession(srv.api, device="cli-check").login("worker_ab", PASSWORD)
    assert api.client.get("/me", headers=api.headers).json()["grid_ids"] == [s.grid("B")]
    users = api.pull_all()
    assert users[("user", s.user_id("worker_ab"))]["record"]["display_name"] == "王晓东"
    api.close()
    phone.close()
