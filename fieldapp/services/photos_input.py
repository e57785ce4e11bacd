"""Photos as the screens hand them over, and their trip through the photo pipeline."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldapp.domain.errors import ValidationError


@dataclass
class PhotoInput:
    source: Path | str | bytes  # a picked file, or its bytes
    consent: bool  # the resident agreed to the photo being kept
    caption: str = ""


def process(photo: PhotoInput, out_dir: Path, field: str) -> Any:
    """Run fieldapp.photos.process_photo; PhotoError becomes a ValidationError on `field`."""
    from fieldapp import photos as pipeline  # the photo engineer's package

    source = photo.source if isinstance(photo.source, bytes) else Path(photo.source)
    try:
        return pipeline.process_photo(source, out_dir)
    except pipeline.PhotoError as err:
        raise ValidationError(field, "photo." + getattr(err, "code", "corrupt")) from None
    except OSError:
        raise ValidationError(field, "photo.unreadable") from None


def process_all(photos: list[PhotoInput], out_dir: Path, require_consent: bool = True) -> list[Any]:
    for i, photo in enumerate(photos):
        if require_consent and not photo.consent:
            raise ValidationError(f"photos[{i}].consent", "consent_required")
    return [process(p, out_dir, f"photos[{i}]") for i, p in enumerate(photos)]
