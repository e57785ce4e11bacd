"""Browser test helpers (Debian Chromium through the python playwright package).

Reusable by every e2e test (the desk tests too):
    app = start_app(data_dir, server_url)          # real `python -m fieldapp` process
    with browser_page(viewport=PHONE) as page:     # Chromium page, CDN request blocked
        open_app(page, app.url)                    # load + enable Flutter semantics
        fill(page, "用户名", "worker1"); click(page, "登录")
        wait_text(page, "我的走访"); screenshot(page, "docs/screenshots/round.png")
    app.stop()                                     # by pid
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON = str(REPO / ".venv" / "bin" / "python")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]
PHONE = {"width": 412, "height": 860}
WIDE = {"width": 1280, "height": 860}
TIMEOUT_MS = 30_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listening on {port}")


@dataclass
class AppProcess:
    proc: subprocess.Popen
    port: int
    data_dir: Path
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        """Stop the app's process group by its pid; escalate if needed."""
        if self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def start_app(data_dir: Path, server_url: str = "", env: dict[str, str] | None = None) -> AppProcess:
    """`python -m fieldapp --no-browser` on a free port with its own data dir."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = data_dir / "app.log"
    cmd = [PYTHON, "-m", "fieldapp", "--no-browser", "--port", str(port), "--data", str(data_dir)]
    if server_url:
        cmd += ["--server", server_url]
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    full_env.pop("FLET_APP_STORAGE_DATA", None)
    with open(log_path, "wb") as log_file:
        proc = subprocess.Popen(
            cmd, cwd=REPO, stdout=log_file, stderr=subprocess.STDOUT, env=full_env, start_new_session=True
        )
    app = AppProcess(proc, port, data_dir, log_path)
    try:
        wait_port(port, proc=proc)
    except Exception:
        app.stop()
        raise RuntimeError("app did not start:\n" + app.log()) from None
    return app


@contextlib.contextmanager
def browser_page(viewport: dict[str, int] | None = None) -> Iterator[object]:
    """A fresh Chromium page; the one remaining CDN request (rive) is blocked."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=viewport or PHONE)
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.route(re.compile(r".*rive.*\.js.*|https?://(?!127\.0\.0\.1).*"), lambda r: r.abort())
            yield page
        finally:
            browser.close()


def enable_semantics(page) -> None:
    """Flutter draws on a canvas; its semantics tree gives roles and labels."""
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=TIMEOUT_MS)
    page.evaluate(
        """() => {
        const el = document.querySelector('flt-semantics-placeholder');
        const r = el.getBoundingClientRect();
        const x = r.left + r.width / 2, y = r.top + r.height / 2;
        el.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: x, clientY: y}));
    }"""
    )
    page.wait_for_selector("flt-semantics", state="attached", timeout=TIMEOUT_MS)


def open_app(page, url: str, route: str = "/") -> None:
    page.goto(url + route)
    enable_semantics(page)


def fill_and_wait(page, label: str, text: str, expect: str, tries: int = 3) -> None:
    """Type a query and wait for its result; type again if the keystrokes went
    to a text box that was being replaced (a redraw racing the typing): then into
    the newest box of that name, should the replaced one still linger."""
    for attempt in range(tries):
        fill(page, label, text, newest=attempt > 0)
        try:
            wait_text(page, expect, timeout_ms=10_000)
            return
        except Exception:
            if attempt == tries - 1:
                screenshot(page, Path("/tmp") / f"fill_and_wait_{os.getpid()}.png")
                raise
            fill(page, label, "", newest=True)


def steady_click(page, locator) -> None:
    """Flutter maps a DOM click to a tap at its coordinates: let scrolling
    and animations settle first, or the tap lands on whatever moved there."""
    from playwright.sync_api import Error as PlaywrightError

    for attempt in range(3):  # the screen may be redrawn (e.g. after a sync) mid-way
        try:
            locator.wait_for(state="attached")
            locator.scroll_into_view_if_needed()
            page.wait_for_timeout(250)
            locator.click()
            return
        except PlaywrightError as err:
            if "not attached" not in str(err) or attempt == 2:
                raise
            page.wait_for_timeout(300)


def fill(page, label: str, text: str, exact: bool = False, newest: bool = False) -> None:
    """Focus by the DOM (no tap at coordinates that may have moved) and type."""
    boxes = page.get_by_role("textbox", name=label, exact=exact)
    box = boxes.last if newest else boxes.first
    box.wait_for(state="attached")
    box.focus()
    page.wait_for_timeout(100)
    box.fill(text)


def click(page, name: str, exact: bool = False) -> None:
    steady_click(page, page.get_by_role("button", name=name, exact=exact).first)


def nav(page, label: str, timeout_ms: int = 10_000) -> None:
    """Bottom tab (phone) or rail destination (wide window). Looked for again
    for a bounded time: right after a save or a sync the view is being
    replaced, and for a moment no tab bar is in the semantics tree."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        for found in (page.get_by_role("tab", name=label, exact=True),
                      page.get_by_role("button", name=label, exact=True),
                      page.get_by_role("button", name=label)):  # rail: "住户 Tab 2 of 5"
            if found.count():
                steady_click(page, found.first)
                return
        if time.monotonic() > deadline:
            raise AssertionError(f"no navigation destination {label!r}")
        page.wait_for_timeout(200)


def log_in(page, username: str, password: str, expect: str, button: str = "登录") -> None:
    """Fill the login form, tap the button and wait for the home screen's `expect`.
    If the form is still there with no message (the tap landed while the screen
    was redrawn), tap once more, as a person would; a screenshot of the first
    attempt goes to /tmp and its path into the error if the second fails too."""
    fill(page, "用户名", username)
    fill(page, "密码", password)
    click(page, button, exact=True)
    try:
        wait_text(page, expect)
        return
    except Exception:
        shot = screenshot(page, Path("/tmp") / f"login_{username}_{os.getpid()}.png")
        if not page.get_by_role("textbox", name="用户名").count():
            raise
    print(f"login of {username}: no {expect!r} after the first tap; tapping again (see {shot})")
    click(page, button, exact=True)
    try:
        wait_text(page, expect)
    except Exception as error:
        raise AssertionError(f"login of {username} never reached {expect!r}; first try: {shot}") from error


def click_named(page, name: str) -> None:
    """A chip, switch or button by its visible name, whatever role Flutter gave it."""
    for role in ("button", "checkbox", "switch", "radio", "tab"):
        found = page.get_by_role(role, name=name, exact=True)
        if found.count():
            steady_click(page, found.first)
            return
    steady_click(page, page.get_by_text(name).first)


def click_text(page, text: str, exact: bool = False) -> None:
    steady_click(page, page.get_by_text(text, exact=exact).first)


def text_locator(page, text: str, exact: bool = False):
    """Visible text or a field's label (Flutter puts labels in aria-label)."""
    return page.get_by_text(text, exact=exact).or_(page.get_by_label(text, exact=exact))


def wait_text(page, text: str, timeout_ms: int = TIMEOUT_MS, exact: bool = False) -> None:
    text_locator(page, text, exact).first.wait_for(state="attached", timeout=timeout_ms)


def wait_gone(page, text: str, timeout_ms: int = TIMEOUT_MS) -> None:
    text_locator(page, text).first.wait_for(state="detached", timeout=timeout_ms)


def wait_idle(page, busy_text: str = "同步中", timeout_ms: int = 60_000) -> None:
    """Let a background sync finish (it re-renders list screens when it pulls)."""
    page.wait_for_timeout(300)
    wait_gone(page, busy_text, timeout_ms)
    page.wait_for_timeout(300)


def has_text(page, text: str) -> bool:
    return text_locator(page, text).count() > 0


def pick_file(page, button_name: str, path: Path) -> None:
    """Answer the app's FilePicker (camera/gallery) with a file."""
    with page.expect_file_chooser() as chooser:
        click(page, button_name)
    chooser.value.set_files(str(path))


def settle(page, extra_ms: int = 450) -> None:
    """Screenshots lag the semantics tree: two animation frames and a pause."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.wait_for_timeout(extra_ms)


def screenshot(page, path: Path | str, attempts: int = 3) -> Path:
    """Capture the page. Under load, headless Chromium's software compositor can
    miss a capture right after a full relayout (seen once after switching the
    text size in a wide window): wait a frame and try again, a bounded number
    of times; the last failure is raised."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, attempts + 1):
        settle(page)
        try:
            page.screenshot(path=str(out), timeout=20_000)
            return out
        except PlaywrightTimeout:
            if attempt == attempts:
                raise
    return out


def make_jpeg(
    path: Path, size: tuple[int, int] = (640, 480), color: tuple[int, int, int] = (200, 60, 40)
) -> Path:
    """A real JPEG (with some structure so it is not a flat colour)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    for i in range(0, size[0], 40):
        draw.line([(i, 0), (size[0] - i, size[1])], fill=(30, 30, 160), width=5)
    image.save(path, "JPEG", quality=85)
    return path


def python_exe() -> str:
    return PYTHON if Path(PYTHON).exists() else sys.executable
