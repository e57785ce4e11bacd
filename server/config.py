"""Server settings: where the data lives and which database to use."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SQLITE_FILE = "people-diary.sqlite3"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    db_url: str | None = None  # None: SQLite file in data_dir
    token_days: int = 30
    login_max_failures: int = 5  # per account within login_window_s
    address_max_failures: int = 20  # per client address within login_window_s
    login_window_s: int = 15 * 60
    max_future_ms: int = 5 * 60 * 1000  # HLC further ahead than this is clamped

    @property
    def database_url(self) -> str:
        if self.db_url:
            return self.db_url
        return f"sqlite:///{(self.data_dir / SQLITE_FILE).resolve()}"

    @property
    def photo_dir(self) -> Path:
        return self.data_dir / "photos"

    @classmethod
    def from_env(cls, data_dir: Path | str, db_url: str | None = None) -> Settings:
        """Settings for `data_dir`; PEOPLE_DIARY_LOGIN_MAX_FAILURES etc. tune limits (tests, benches)."""
        env = os.environ
        return cls(
            data_dir=Path(data_dir),
            db_url=db_url or None,
            token_days=int(env.get("PEOPLE_DIARY_TOKEN_DAYS", 30)),
            login_max_failures=int(env.get("PEOPLE_DIARY_LOGIN_MAX_FAILURES", 5)),
            address_max_failures=int(env.get("PEOPLE_DIARY_ADDRESS_MAX_FAILURES", 20)),
        )
