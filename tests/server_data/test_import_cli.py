"""End to end: the demo community and a household import through the real CLI,
checked over HTTP against the real server process (SQLite and PostgreSQL)."""
from __future__ import annotations

import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from server.demo import build_demo  # noqa: E402
from server.importer import HEADERS  # noqa: E402
from tests.support.api import ApiSession  # noqa: E402
from tests.support.fixtures import database_url, server  # noqa: E402, F401
from tests.support.server_process import ServerProcess, run_cli, run_demo  # noqa: E402

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
FIRST17 = "22010519470612358"
FULL_ID = FIRST17 + "10X98765432"[sum(int(d) * w for d, w in zip(FIRST17, WEIGHTS, strict=True)) % 11]
GOOD = [
    ["第一网格", "新建小区", "1栋", "1单元", "101", "周玉珍", "13904310001", FULL_ID, "1947", "空巢、低保",
     "吴德胜/配偶/1945", ""],
    ["第二网格", "新建小区", "2栋", "1单元", "201", "郑立新", "", "", "1970", "", "", "新搬来"],
    ["第三网格", "新建小区", "3栋", "2单元", "302", "何淑琴", "", "", "1939", "孤寡", "", ""],
]


def xlsx(path: Path, rows: list[list]) -> Path:
    book = Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def pull_everything(api: ApiSession, since: int = 0) -> tuple[list[dict], int]:
    changes: list[dict] = []
    while True:
        page = api.pull(since=since, limit=1000)
        changes += page["changes"]
        since = page["next"]
        if not page["more"]:
            return changes, since


@pytest.fixture(scope="module")
def demo_server(server: ServerProcess) -> ServerProcess:  # noqa: F811
    printed = run_demo(server.data_dir, server.db_url)
    assert "coordinator1" in printed and "demo1234" in printed
    return server


def test_demo_loads_whole_and_each_role_sees_its_part(demo_server: ServerProcess):
    today = datetime.now(UTC).date()  # the CLI built it today, or yesterday if midnight passed since
    expected = [Counter(entity for entity, _, _ in build_demo(today=day).records)
                for day in (today, today - timedelta(days=1))]
    coordinator = ApiSession(demo_server.api).login("coordinator1", "demo1234")
    changes, _ = pull_everything(coordinator)
    seen = Counter(c["entity"] for c in changes if c["entity"] != "user")
    assert seen in expected
    assert Counter(c["record"]["role"] for c in changes if c["entity"] == "user") == {
        "worker": 3, "volunteer": 1, "coordinator": 1, "admin": 1}
    worker = ApiSession(demo_server.api).login("worker1", "demo1234")
    grid = worker.user["grid_ids"]
    mine, _ = pull_everything(worker)
    households = [c for c in mine if c["entity"] == "household"]
    assert len(households) == 100
    assert all(c["record"]["grid_id"] in grid for c in mine if "grid_id" in c["record"])
    assert any(c["entity"] == "need" for c in mine) and any(c["entity"] == "diary_entry" for c in mine)


def test_a_file_with_a_bad_row_imports_nothing(demo_server: ServerProcess, tmp_path: Path):
    coordinator = ApiSession(demo_server.api).login("coordinator1", "demo1234")
    _, cursor = pull_everything(coordinator)
    bad_rows = GOOD[:2] + [["第一网格", "新建小区", "1栋", "1单元", "102", "", "", "", "", "", "", ""],
                           ["第九网格", "新建小区", "9栋", "1单元", "101", "吴桂兰", "", "", "", "", "", ""]]
    done = run_cli(demo_server.data_dir, demo_server.db_url, "import-households",
                   str(xlsx(tmp_path / "bad.xlsx", bad_rows)), check=False)
    assert done.returncode != 0
    assert "row 4: 户主姓名: 必填" in done.stderr
    assert "row 5: 网格: 未知网格“第九网格”" in done.stderr
    after, _ = pull_everything(coordinator, cursor)
    assert after == []


def test_a_good_file_imports_every_household_with_ids_masked(demo_server: ServerProcess, tmp_path: Path):
    coordinator = ApiSession(demo_server.api).login("coordinator1", "demo1234")
    _, cursor = pull_everything(coordinator)
    done = run_cli(demo_server.data_dir, demo_server.db_url, "import-households",
                   str(xlsx(tmp_path / "good.xlsx", GOOD)))
    assert done.returncode == 0, done.stderr
    new, _ = pull_everything(coordinator, cursor)
    assert sorted(c["record"]["head_name"] for c in new) == sorted(["周玉珍", "何淑琴", "郑立新"])
    zhou = next(c["record"] for c in new if c["record"]["head_name"] == "周玉珍")
    assert zhou["tags"] == ["empty_nest", "low_income"]
    assert zhou["members"][0]["id_number"] == FULL_ID[:4] + "*" * 10 + FULL_ID[-4:]
    assert zhou["members"][1] == {"name": "吴德胜", "relation": "spouse", "birth_year": 1945}
    worker2 = ApiSession(demo_server.api).login("worker2", "demo1234")
    theirs, _ = pull_everything(worker2)
    imported = [c["record"]["head_name"] for c in theirs
                if c["record"].get("address", {}).get("street") == "新建小区"]
    assert imported == ["郑立新"]
    if demo_server.db_url is None:  # SQLite: the full number is nowhere in the database files
        for path in demo_server.data_dir.glob("people-diary.sqlite3*"):
            assert FULL_ID.encode() not in path.read_bytes()
