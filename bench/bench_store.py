"""Local store benchmark: durable save latency, open time, typical screen queries.

    .venv/bin/python bench/bench_store.py            # full: 1k / 10k / 50k records
    .venv/bin/python bench/bench_store.py --quick    # 1k / 10k only

Prints figures; asserts nothing. Targets: save ≤ 1 ms p50 and ≤ 5 ms p99 at
50k records; open ≤ 500 ms at 50k; a search keystroke ≤ 100 ms at 5,000 households.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fieldapp.services import Services  # noqa: E402
from fieldapp.services.search import HouseholdIndex, pinyin_keys  # noqa: E402
from fieldapp.store import open_store  # noqa: E402

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢"
GIVEN = "红梅建国秀英桂兰海明志强淑珍玉兰丽华文明小军德福春花永刚玉珍凤英国庆金山"
TAGS = ["living_alone", "empty_nest", "disabled", "low_income", "bereaved_only_child"]
GRIDS = [str(uuid.UUID(int=i + 1, version=4)) for i in range(4)]
WRITER = str(uuid.UUID(int=97, version=4))
USER = {"id": str(uuid.UUID(int=99, version=4)), "username": "bench", "display_name": "测试",
        "role": "worker", "community_id": str(uuid.UUID(int=98, version=4)), "grid_ids": GRIDS}


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def household(rng: random.Random, i: int) -> dict:
    head = name(rng)
    members = [{"name": head, "relation": "head", "birth_year": rng.randint(1930, 1990),
                "phone": f"139{rng.randint(10_000_000, 99_999_999)}"}]
    members += [{"name": name(rng), "relation": "spouse"} for _ in range(rng.randint(0, 2))]
    return {"grid_id": GRIDS[i % len(GRIDS)], "head_name": head, "members": members,
            "address": {"street": "林海路", "building": str(i % 40 + 1), "unit": str(i % 4 + 1),
                        "room": str(100 + i % 30)},
            "tags": rng.sample(TAGS, rng.choice((0, 0, 0, 1, 2))), "created_at": "2025-01-01T00:00:00Z"}


def pulled(entity: str, record_id: str, record: dict) -> dict:
    """A change as the server's pull returns it."""
    return {"entity": entity, "id": record_id, "seq": 0, "record": {"id": record_id, **record},
            "field_hlc": {k: "1700000000000:00000:server" for k in record},
            "field_by": {k: WRITER for k in record}}


def apply_pages(store, changes: list[dict]) -> None:
    for start in range(0, len(changes), 500):
        store.apply_remote_many(changes[start:start + 500])


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def prefill(store, rng: random.Random, count: int) -> None:
    """Records as if pulled from the server (no outbox), then one compaction."""
    page: list[dict] = []
    for i in range(count):
        page.append(pulled("household", str(uuid.uuid4()), household(rng, i)))
        if len(page) == 500 or i == count - 1:  # one pull page, one commit
            store.apply_remote_many(page, {"pull_cursor": i})
            page = []
    store.compact()


def bench_saves(size: int, saves: int = 1000) -> None:
    rng = random.Random(size)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(tmp, USER["id"])
        t0 = time.perf_counter()
        prefill(store, rng, size)
        fill_s = time.perf_counter() - t0
        times, cpu = [], []
        for i in range(saves):
            record_id, record = str(uuid.uuid4()), household(rng, i)
            start, cpu_start = time.perf_counter(), time.process_time()
            store.write_local([("household", record_id, record)], USER["id"])
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - cpu_start) * 1000)
        t0 = time.perf_counter()
        store.compact()
        compact_ms = (time.perf_counter() - t0) * 1000
        snapshot_mb = (store.path / "snapshot.json").stat().st_size / 1e6
        # reopen with a snapshot plus a journal of `saves` lines
        for i in range(saves):
            store.write_local([("household", str(uuid.uuid4()), household(rng, i))], USER["id"])
        store.close()
        t0, c0 = time.perf_counter(), time.process_time()
        again = open_store(tmp, USER["id"])
        open_ms = (time.perf_counter() - t0) * 1000
        open_cpu_ms = (time.process_time() - c0) * 1000
        held = again.count("household")
        again.close()
    print(f"| {size:>6,} | {statistics.median(times):.2f} | {pct(times, 99):.2f} | {max(times):.1f} "
          f"| {statistics.mean(cpu):.2f} "
          f"| {open_ms:.0f} ({open_cpu_ms:.0f} CPU) | {compact_ms:.0f} | {snapshot_mb:.1f} | {held:,} "
          f"| {fill_s:.1f} |")


def bench_queries(households: int = 5000) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        services = Services.open(tmp, USER, token="t")
        store = services.store
        prefill(store, rng, households)
        ids = [h["id"] for h in store.all("household")]
        today = date(2026, 6, 1)
        changes = []
        for hid in ids:  # 3 visits each, spread over the last 120 days
            for _ in range(3):
                at = (today - timedelta(days=rng.randint(0, 120))).isoformat() + "T09:00:00Z"
                entry_id = str(uuid.uuid4())
                record = {"household_id": hid, "grid_id": store.get("household", hid)["grid_id"],
                          "worker_id": USER["id"], "visited_at": at, "kind": "regular", "notes": "走访"}
                changes.append(pulled("diary_entry", entry_id, record))
        statuses = ["open", "accepted", "escalated", "resolved", "closed"]
        for i in range(2000):
            hid = ids[i % len(ids)]
            need_id = str(uuid.uuid4())
            record = {"household_id": hid, "grid_id": store.get("household", hid)["grid_id"],
                      "first_responder_id": USER["id"], "owner_id": USER["id"], "title": "诉求",
                      "urgency": "normal", "handling": "promised", "status": statuses[i % 5],
                      "deadline": (today + timedelta(days=rng.randint(-10, 20))).isoformat(),
                      "raised_at": "2026-05-01T00:00:00Z", "outcome": "已办", "follow_up": None}
            changes.append(pulled("need", need_id, record))
        apply_pages(store, changes)
        services.close()
        plain = open_store(tmp, USER["id"])
        pinyin_keys.cache_clear()
        t0, c0 = time.perf_counter(), time.process_time()
        HouseholdIndex(plain).warm()  # what Services.open starts in a background thread
        index_ms, index_cpu = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
        plain.close()
        t0, c0 = time.perf_counter(), time.process_time()
        services = Services.open(tmp, USER, token="t")  # as at the next app start
        open_ms, open_cpu = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
        store = services.store
        time.sleep(index_ms / 1000 * 2)  # let the background index build finish

        def timed(label: str, func, repeat: int = 5) -> None:
            runs, cpu = [], []
            for _ in range(repeat):
                start, cpu_start = time.perf_counter(), time.process_time()
                result = func()
                runs.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - cpu_start) * 1000)
            print(f"| {label} | {statistics.median(runs):.1f} ({statistics.median(cpu):.1f} CPU) "
                  f"| {max(runs):.1f} | {len(result)} |")

        print(f"\nQueries at {households:,} households, {households * 3:,} diary entries, 2,000 needs (ms)\n")
        print("| query | median wall (CPU) | max | results |\n|---|---|---|---|")
        print(f"| open services over this store | {open_ms:.0f} ({open_cpu:.0f} CPU) | | |")
        print(f"| pinyin search index build (once, background thread at open) "
              f"| {index_ms:.0f} ({index_cpu:.0f} CPU) | | |")
        search = services.households.search_households
        timed("search, first keystroke", lambda: search("z"), repeat=1)
        for query in ("z", "zh", "zhm", "王", "王红", "139", "林海路12"):
            timed(f"search keystroke {query!r}", lambda q=query: search(q))
        timed("my round (due/overdue, most urgent first)", lambda: services.round.my_round(today))
        timed("needs: open bucket", lambda: services.needs.my_needs("open", today))
        timed("needs: overdue bucket", lambda: services.needs.my_needs("overdue", today))
        timed("store.find needs by status", lambda: store.find("need", "status", "open"))
        timed("household archive", lambda: services.households.household_archive(ids[0], today).entries)
        services.close()


def disk_baseline() -> None:
    """The floor under every durable save: append 1.5 kB + fsync on this disk, now."""
    with tempfile.TemporaryDirectory() as tmp:
        fd = os.open(os.path.join(tmp, "probe"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        times = []
        for _ in range(500):
            start = time.perf_counter()
            os.write(fd, b"x" * 1500 + b"\n")
            os.fsync(fd)
            times.append((time.perf_counter() - start) * 1000)
        os.close(fd)
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"Disk baseline (append + fsync, 500×): p50 {statistics.median(times):.2f} ms, "
          f"p99 {pct(times, 99):.2f} ms; load average {load} on {os.cpu_count()} cores\n")


def bench_pull_pages(rng: random.Random) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(tmp, USER["id"])
        changes = [pulled("household", str(uuid.uuid4()), household(rng, i)) for i in range(2000)]
        start = time.perf_counter()
        for change in changes[:1000]:
            store.apply_remote(change)
        one_by_one = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        apply_pages(store, changes[1000:])
        paged = (time.perf_counter() - start) * 1000
        store.close()
    print(f"\nApplying 1,000 pulled households: apply_remote one by one {one_by_one:.0f} ms; "
          f"in pages of 500 (apply_remote_many) {paged:.0f} ms\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="skip the 50k run")
    args = parser.parse_args()
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 50_000]
    disk_baseline()
    print("Durable save (write_local: household + outbox op, fsync) — 1,000 saves per size (ms)\n")
    print("| records | save p50 | save p99 | save max | save CPU mean "
          "| open: snapshot + 1,000-line journal, wall (CPU) "
          "| compaction | snapshot MB | held after reopen | prefill s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for size in sizes:
        bench_saves(size)
    bench_pull_pages(random.Random(3))
    bench_queries()


if __name__ == "__main__":
    main()
