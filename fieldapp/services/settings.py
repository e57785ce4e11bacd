"""App settings kept per device (not per user): they are needed before login."""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from fieldapp.domain.errors import ValidationError
from fieldapp.i18n import LANGUAGES
from fieldapp.store.journal import FILE_MODE, ensure_private_dir

SETTINGS_FILE = "settings.json"
TEXT_SCALES = (1.0, 1.25, 1.5, 2.0)


@dataclass
class Settings:
    language: str = "zh-CN"
    text_scale: float = 1.0
    server_url: str = ""


def _check(settings: Settings) -> Settings:
    if settings.language not in LANGUAGES:
        raise ValidationError("language", "bad_choice", settings.language)
    if not isinstance(settings.text_scale, int | float) or not 0.8 <= settings.text_scale <= 2.5:
        raise ValidationError("text_scale", "out_of_range", "0.8..2.5")
    url = settings.server_url.strip()
    if url and not url.startswith(("http://", "https://")):
        raise ValidationError("server_url", "bad_url")
    settings.server_url = url.rstrip("/")
    return settings


class SettingsService:
    """Language, text size and server address, saved atomically in <data_dir>/settings.json."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / SETTINGS_FILE

    def load(self) -> Settings:
        """The saved settings; defaults when none (or an unreadable file)."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            known = {k: v for k, v in raw.items() if k in Settings.__dataclass_fields__}
            return _check(Settings(**known))
        except (OSError, ValueError, TypeError):
            return Settings()

    def save(self, settings: Settings) -> Settings:
        """Validate (ValidationError on bad values) and write atomically."""
        settings = _check(settings)
        ensure_private_dir(self.path.parent)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(asdict(settings), out, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)
        return settings

    def update(self, **changes: object) -> Settings:
        """Change some settings, e.g. `update(language="en")`."""
        current = asdict(self.load())
        unknown = set(changes) - set(current)
        if unknown:
            raise ValidationError(sorted(unknown)[0], "unknown_field")
        return self.save(Settings(**{**current, **changes}))
