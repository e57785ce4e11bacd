"""scope.pull_queries / exit_queries (prebuilt statements, server/pull.py) select
exactly what scope.pull_filters / exit_filters do, for every role of the world and
for a worker without a community (pull_filters compares with NULL as IS NULL)."""
from __future__ import annotations

import json
from dataclasses import replace

from sqlalchemy import select

from server import scope
from server.auth import Principal
from server.config import Settings
from server.db import make_engine
from server.db import schema as s
from tests.server.world import World, household
from tests.support.api import new_id


def _by_filters(conn, table, columns, conditions, since: int, count: int) -> list[tuple]:  # noqa: ANN001
    rows = []
    for condition in conditions:
        query = select(*columns).where(table.c.seq > since, condition).order_by(table.c.seq).limit(count)
        rows += [tuple(r) for r in conn.execute(query)]
    return sorted(rows, key=lambda r: r[columns.index(table.c.seq)])


def _by_queries(conn, queries, seq_index: int, since: int, count: int) -> list[tuple]:  # noqa: ANN001
    rows = []
    for statement, params in queries:
        rows += [tuple(r) for r in conn.execute(statement, {**params, "since": since, "count": count})]
    return sorted(rows, key=lambda r: r[seq_index])


def test_prebuilt_pull_queries_match_the_filters(world: World) -> None:
    # a household that leaves A1 for B1 leaves a scope exit behind
    admin, hid = world.session("admin"), new_id()
    for fields in (household(world.grids["A1"], head="甲"), {"grid_id": world.grids["B1"]}):
        assert [r["status"] for r in admin.push([admin.op("household", hid, fields)])] == ["applied"]
    engine = make_engine(Settings(world.srv.data_dir, world.srv.db_url).database_url)
    try:
        with engine.connect() as conn:
            users = conn.execute(select(s.users)).all()
            people = [Principal(u.id, u.username, u.role, u.community_id, frozenset(json.loads(u.grid_ids)))
                      for u in users]
            workers = [p for p in people if p.role == "worker"]
            people += [replace(workers[0], community_id=None), replace(workers[0], grid_ids=frozenset()),
                       replace(workers[0], grid_ids=frozenset(world.grids.values()))]
            checked_exits = 0
            for p in people:
                for since, count in ((0, 1000), (0, 3), (5, 4)):
                    if p.role != "volunteer":
                        want = _by_filters(conn, s.records, scope.PULL_COLUMNS, scope.pull_filters(p), since,
                                           count)
                        got = _by_queries(conn, scope.pull_queries(p), 2, since, count)
                        assert got == want, (p, since, count)
                    want = _by_filters(conn, s.scope_exits, scope.EXIT_COLUMNS, scope.exit_filters(p), since,
                                       count)
                    got = _by_queries(conn, scope.exit_queries(p), 0, since, count)
                    assert got == want, (p, since, count)
                    checked_exits += len(got)
            assert checked_exits > 0
    finally:
        engine.dispose()
