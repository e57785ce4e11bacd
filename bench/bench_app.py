"""Phone app speed with 5,000 households in the local store. Prints figures;
never asserts on time. Targets: first paint and "my round" usable ≤ 2 s,
search keystroke to results ≤ 100 ms.

    .venv/bin/python bench/bench_app.py [--households 5000] [--runs 3]

1. service level: my_round and search_households per query (what a keystroke runs);
2. browser (Debian Chromium, phone viewport): page load -> Flutter's first
   frame -> "my round" on screen, offline from the local store; then typing a
   query into the household search -> the matching household on screen. Times
   are taken on the page's own clock (see PAGE_CLOCK); the `_driver` figures
   are the same moments as the Playwright driver notices them (it polls).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from server.names import SURNAMES  # noqa: E402 - realistic names for the pinyin index

GIVEN = ["建国", "秀英", "桂兰", "红梅", "志强", "丽华", "淑珍", "国庆", "海燕", "玉兰", "春生", "德胜"]
TAGS = ["living_alone", "empty_nest", "disabled", "low_income", "entitled_group"]
QUERIES = ["zhm", "王", "幸福", "139", "lgl", "zhanghong"]
TARGET_NAME = "欧阳翠花"  # unique: its initials "oych" find exactly this household


def build_store(data_dir: Path, count: int) -> dict:
    from fieldapp.services import Services

    grid = str(uuid.uuid4())
    user = {
        "id": str(uuid.uuid4()),
        "username": "bench",
        "display_name": "测试网格员",
        "role": "worker",
        "community_id": str(uuid.uuid4()),
        "grid_ids": [grid],
    }
    services = Services.open(data_dir, user, token="bench-token", server_url="http://127.0.0.1:9")
    rng = random.Random(7)
    names = [s for s, _w in SURNAMES]
    started = time.perf_counter()
    for i in range(count):
        name = TARGET_NAME if i == count // 2 else rng.choice(names) + rng.choice(GIVEN)
        services.households.save_household(
            {
                "head_name": name,
                "address": {
                    "street": rng.choice(["幸福小区", "红旗街", "林场路"]),
                    "building": f"{i % 40 + 1}栋",
                    "unit": f"{i % 4 + 1}单元",
                    "room": f"{i % 6 + 1}0{i % 3 + 1}",
                },
                "members": [{"name": name, "phone": f"139{rng.randrange(10**8):08d}"}],
                "tags": rng.sample(TAGS, rng.choice([0, 0, 0, 1, 2])),
            }
        )
    print(f"store: {count} households written in {time.perf_counter() - started:.1f} s")
    return {"services": services, "user": user}


def bench_services(services, runs: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        services.round.my_round(limit=200)
        timings.append((time.perf_counter() - started) * 1000)
    figures["my_round_ms"] = statistics.median(timings)
    services.households.search_households("x")  # the index is built on first search
    for query in QUERIES + ["oych"]:
        per_key = []
        for _ in range(runs):
            for end in range(1, len(query) + 1):  # one search per keystroke
                started = time.perf_counter()
                services.households.search_households(query[:end], limit=50)
                per_key.append((time.perf_counter() - started) * 1000)
        figures[f"search_{query}_ms"] = statistics.median(per_key)
    return figures


# In-page clock. Playwright's own waits poll the page every 100-500 ms, which
# is coarser than what is measured; the page records, on its own clock (ms
# since navigation start), when Flutter's first frame is attached, when each
# awaited text first appears in the DOM (Flutter's semantics tree mirrors what
# the frame painted), and when the last input event reached a text box.
PAGE_CLOCK = """
window.__pd = {seen: {}, wanted: [], input: null};
window.__pdWant = (text) => { window.__pd.wanted.push(text); window.__pdCheck(); };
window.__pdCheck = () => {
  const pd = window.__pd;
  if (!pd.seen.frame && document.querySelector('flt-semantics-placeholder')) {
    pd.seen.frame = performance.now();
  }
  if (!pd.wanted.length || !document.body) return;
  const html = document.body.innerHTML;
  pd.wanted = pd.wanted.filter((t) => {
    if (!html.includes(t)) return true;
    pd.seen[t] = performance.now();
    return false;
  });
};
new MutationObserver(window.__pdCheck).observe(document, {subtree: true, childList: true,
                                                          attributes: true, characterData: true});
document.addEventListener('input', () => { window.__pd.input = performance.now(); }, true);
"""


def seen_ms(page, text: str, timeout_ms: int = 60_000) -> float:
    """Page-clock time at which `text` first appeared (waits for it)."""
    page.wait_for_function("(t) => window.__pd.seen[t] !== undefined", arg=text, timeout=timeout_ms)
    return page.evaluate("(t) => window.__pd.seen[t]", text)


def bench_browser(data_dir: Path, user_id: str, runs: int) -> dict[str, float]:
    from tests.e2e import helpers as h

    app = h.start_app(data_dir, "http://127.0.0.1:9")
    figures: dict[str, list[float]] = {}

    def add(name: str, value: float) -> None:
        figures.setdefault(name, []).append(value)

    try:
        for _ in range(runs):
            with h.browser_page(h.PHONE) as page:  # the floor: a fresh browser gets the login screen
                page.add_init_script(PAGE_CLOCK + "window.__pdWant('服务器地址');")
                h.open_app(page, app.url)
                add("login_screen_s", seen_ms(page, "服务器地址") / 1000)
            with h.browser_page(h.PHONE) as page:
                # this browser "was logged in": the app resumes from the local store, offline
                stored = json.dumps(json.dumps(user_id))
                page.add_init_script(f"localStorage.setItem('flutter.people_diary.user_id', {stored});")
                page.add_init_script(PAGE_CLOCK + "window.__pdWant('逾期');")
                started = time.perf_counter()
                page.goto(app.url + "/round")
                page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=60_000)
                h.enable_semantics(page)
                add("round_usable_s", seen_ms(page, "逾期") / 1000)  # rows of the round are on screen
                add("round_usable_driver_s", time.perf_counter() - started)
                add("first_frame_s", page.evaluate("() => window.__pd.seen.frame") / 1000)
                search_ms = bench_search(page, h)
                add("search_to_result_ms", search_ms[0])
                add("search_to_result_driver_ms", search_ms[1])
    finally:
        app.stop()
    return {k: statistics.median(v) for k, v in figures.items()}


def bench_search(page, h) -> tuple[float, float]:
    """(input event -> result in the DOM, on the page clock; the same seen by the driver) in ms."""
    h.nav(page, "住户")
    h.wait_text(page, "新增住户")
    box = page.get_by_role("textbox", name="搜索姓名、地址、电话或拼音首字母").first
    box.focus()
    page.wait_for_timeout(300)
    page.evaluate("(t) => window.__pdWant(t)", TARGET_NAME)
    started = time.perf_counter()
    box.fill("oych")
    try:
        h.wait_text(page, TARGET_NAME, timeout_ms=30_000)
    except Exception:
        h.screenshot(page, Path(tempfile.gettempdir()) / "bench_app_search.png")
        raise
    driver_ms = (time.perf_counter() - started) * 1000
    return seen_ms(page, TARGET_NAME) - page.evaluate("() => window.__pd.input"), driver_ms


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "app"
        built = build_store(data_dir, args.households)
        for name, value in bench_services(built["services"], args.runs).items():
            print(f"service  {name:<28} {value:8.2f}")
        built["services"].close()
        if not args.no_browser:
            for name, value in bench_browser(data_dir, built["user"]["id"], args.runs).items():
                print(f"browser  {name:<28} {value:8.2f}")


if __name__ == "__main__":
    main()
