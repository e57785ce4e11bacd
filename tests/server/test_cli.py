"""The CLI: demo data, household import (all or nothing), create-user errors."""
from __future__ import annotations

import csv
import io

import pytest

from server.importer import HEADERS
from tests.support import create_user, run_cli, run_demo, start_server
from tests.support.api import ApiSession
from tests.support.fixtures import BACKENDS, database_for


def households(api: ApiSession) -> list[dict]:
    return [c["record"] for (entity, _), c in api.pull_all().items() if entity == "household"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_demo_loads_once_and_its_logins_work(backend: str, tmp_path) -> None:  # noqa: ANN001
    with database_for(backend) as url:
        printed = run_demo(tmp_path, url)
        assert "worker1" in printed and "coordinator1" in printed
        again = run_cli(tmp_path, url, "demo", check=False)
        assert again.returncode != 0 and "already" in again.stderr
        with start_server(tmp_path, url) as srv:
            worker = ApiSession(srv.api).login("worker1", "demo1234")
            coordinator = ApiSession(srv.api).login("coordinator1", "demo1234")
            mine, everyone = households(worker), households(coordinator)
            assert mine and {h["grid_id"] for h in mine} == set(worker.user["grid_ids"])
            assert len(everyone) > len(mine)
            worker.close(), coordinator.close()


def _csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADERS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("backend", BACKENDS)
def test_import_is_all_or_nothing(backend: str, tmp_path) -> None:  # noqa: ANN001
    with database_for(backend) as url:
        create_user(tmp_path, url, "coord", "coord-pass", "coordinator", community="社区", grids=["一网格"])
        good = {"网格": "一网格", "楼栋": "5", "单元": "1", "室": "101", "户主姓名": "张桂兰"}
        bad_file, good_file = tmp_path / "bad.csv", tmp_path / "good.csv"
        bad_file.write_text(_csv([good, {**good, "户主姓名": ""}, {**good, "网格": "没有的网格"}]), "utf-8")
        good_file.write_text(_csv([good, {**good, "室": "102", "户主姓名": "李建国"}]), "utf-8")
        refused = run_cli(tmp_path, url, "import-households", str(bad_file), check=False)
        assert refused.returncode != 0
        assert "row 3: 户主姓名:" in refused.stderr and "row 4: 网格:" in refused.stderr
        done = run_cli(tmp_path, url, "import-households", str(good_file))
        assert "imported 2" in done.stdout
        with start_server(tmp_path, url) as srv:
            coord = ApiSession(srv.api).login("coord", "coord-pass")
            assert sorted(h["head_name"] for h in households(coord)) == ["张桂兰", "李建国"]
            coord.close()


def test_create_user_refuses_a_taken_username(tmp_path) -> None:  # noqa: ANN001
    create_user(tmp_path, None, "same", "pass-word", "admin")
    again = run_cli(tmp_path, None, "create-user", "--username", "same", "--password", "pass-word",
                    "--role", "admin", "--display-name", "x", check=False)
    assert again.returncode == 2 and "username: taken" in again.stderr
