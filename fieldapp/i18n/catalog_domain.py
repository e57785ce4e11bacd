"""The domain's labels (fieldapp.domain.labels, fieldapp.domain.field_labels) as an i18n catalog."""
from __future__ import annotations

from fieldapp.domain.field_labels import FIELD_LABELS
from fieldapp.domain.labels import LABELS

CATALOG = {**LABELS, **FIELD_LABELS}

__all__ = ["CATALOG"]
