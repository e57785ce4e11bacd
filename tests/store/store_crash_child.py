"""Child process for the crash test: saves records until killed (or a bound).

argv: data_dir user_id compact_bytes seed. Prints "ready", then the id of
every save after it has returned (i.e. is durable), one per line, flushed.
"""
from __future__ import annotations

import random
import sys
import uuid

from fieldapp.store import journal, open_store

MAX_SAVES = 3000  # bounded: stops by itself even if nobody kills it


def main() -> None:
    data_dir, user_id, compact_bytes, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    journal.MIN_COMPACT_BYTES = compact_bytes  # compact often so kills also land mid-compaction
    rng = random.Random(seed)
    store = open_store(data_dir, user_id)
    grid = "00000000-0000-4000-8000-000000000001"
    print("ready", flush=True)
    for i in range(MAX_SAVES):
        record_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        fields = {"grid_id": grid, "address": {"building": str(i % 30)}, "head_name": f"户{i}",
                  "created_at": "2026-01-01T00:00:00Z"}
        visit = {"household_id": record_id, "grid_id": grid, "worker_id": user_id,
                 "visited_at": "2026-01-02T00:00:00Z", "kind": "regular", "notes": "走访" * (i % 50)}
        entry_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        # two records and two operations in one commit: all or nothing after a kill
        store.write_local([("household", record_id, fields), ("diary_entry", entry_id, visit)], user_id)
        if i % 7 == 0:
            store.set_meta("cursor", i)
        sys.stdout.write(f"{record_id} {i}\n")
        sys.stdout.flush()
    store.close()


if __name__ == "__main__":
    main()
