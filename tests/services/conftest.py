from __future__ import annotations

import pytest
from services_helpers import COLLEAGUE, GRID, WORKER

from fieldapp.services import Services


@pytest.fixture
def services(tmp_path):
    s = Services.open(tmp_path, WORKER, token="tok", server_url="http://127.0.0.1:9")
    # a colleague known from the last pull, for hand-offs
    s.store.apply_remote({"entity": "user", "id": COLLEAGUE, "seq": 1,
                          "record": {"id": COLLEAGUE, "username": "li", "display_name": "李强",
                                     "role": "worker", "grid_ids": [GRID]},
                          "field_hlc": {}, "field_by": {}})
    yield s
    s.close()
