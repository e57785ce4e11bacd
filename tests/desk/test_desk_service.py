"""fieldapp.services.desk.DeskService against a real server process, through
the app's own ApiClient: answers come back as data, refusals as the
domain's ValidationError (what the views show), no server as DeskOffline."""
from __future__ import annotations

import httpx
import pytest
from desk_server import DeskWorld, start_world

from fieldapp.domain.errors import ValidationError
from fieldapp.services.desk import DeskOffline, DeskService
from fieldapp.sync import ApiClient


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> DeskWorld:
    desk = start_world(tmp_path_factory.mktemp("desk-service"))
    yield desk
    desk.close()


@pytest.fixture()
def desk(world: DeskWorld) -> DeskService:
    client = ApiClient(world.server.base_url, token=world.as_user("k1").token)
    yield DeskService(client, world.server.base_url)
    client.close()


def test_review_and_figures(desk: DeskService, world: DeskWorld):
    page = desk.review(q="轮椅")
    assert [i["id"] for i in page["items"]] == [world.data.ids["E4"]]
    assert desk.figures("2026-03-01", "2026-03-31")["community"]["visits"] == 4
    assert len(desk.review(has_needs=False)["items"]) == 2


def test_refusals_become_validation_errors(desk: DeskService):
    with pytest.raises(ValidationError) as err:
        desk.figures("2026-03-31", "2026-03-01")
    assert (err.value.field, err.value.code) == ("to", "period_reversed")
    with pytest.raises(ValidationError) as err:
        desk.comment("8d7f0a9e-0000-4000-8000-000000000000", "  ")
    assert err.value.code == "required"
    with pytest.raises(ValidationError) as err:
        desk.import_households(b"no spreadsheet")
    assert err.value.code == "import_rejected" and err.value.detail.startswith("第1行")


def test_download_url_serves_the_file_once(desk: DeskService):
    url = desk.download_url("figures", "2026-03-01", "2026-03-31")
    first = httpx.get(url, timeout=30)
    assert first.status_code == 200 and first.content[:2] == b"PK"
    assert httpx.get(url, timeout=30).status_code == 404


def test_no_server_is_offline():
    client = ApiClient("http://127.0.0.1:9", token="x", timeout=2)
    try:
        with pytest.raises(DeskOffline):
            DeskService(client).people()
    finally:
        client.close()
