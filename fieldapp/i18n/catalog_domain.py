"""The domain's labels (fieldapp.domain.labels) as an i18n catalog."""
from __future__ import annotations

from fieldapp.domain.labels import LABELS as CATALOG

__all__ = ["CATALOG"]
