"""Validation errors carry a stable code so each side can show them in the
user's language (the app through i18n, the API as a 4xx reason)."""
from __future__ import annotations


class ValidationError(ValueError):
    def __init__(self, field: str, code: str, detail: str = "") -> None:
        self.field = field
        self.code = code
        self.detail = detail
        super().__init__(f"{field}: {code}" + (f" ({detail})" if detail else ""))

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "detail": self.detail}
