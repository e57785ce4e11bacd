"""`python -m fieldapp [--server URL] [--port P] [--data DIR] [--no-browser]`

Serves the app's web client on 127.0.0.1 (always an explicit host: without a
display a bare `ft.run` would listen on 0.0.0.0) with everything served
locally (`no_cdn`), so it works on a closed network.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import flet as ft

from fieldapp.app import AppConfig, make_main

REPO_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = REPO_ROOT / "assets"


def default_data_dir() -> Path:
    """--data, else FLET_APP_STORAGE_DATA (set by built apps), else the store's default."""
    env = os.environ.get("FLET_APP_STORAGE_DATA")
    if env:
        return Path(env)
    try:
        from fieldapp.store import default_data_dir as store_default  # type: ignore[attr-defined]

        return Path(store_default())
    except (ImportError, AttributeError):
        return Path.home() / ".local" / "share" / "people-diary"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m fieldapp", description="People Diary app")
    parser.add_argument(
        "--server",
        default=os.environ.get("PEOPLE_DIARY_SERVER", ""),
        help="server base URL, e.g. http://127.0.0.1:8000",
    )
    parser.add_argument("--port", type=int, default=8550, help="port for the web client")
    parser.add_argument("--data", type=Path, default=None, help="data directory")
    parser.add_argument("--no-browser", action="store_true", help="serve only, open no browser")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    data_dir = args.data or default_data_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    config = AppConfig(data_dir=data_dir, server_url=args.server)
    ft.run(
        make_main(config),
        view=None if args.no_browser else ft.AppView.WEB_BROWSER,
        host="127.0.0.1",
        port=args.port,
        no_cdn=True,
        assets_dir=str(ASSETS_DIR),
    )


if __name__ == "__main__":
    main()
