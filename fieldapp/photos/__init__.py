"""Photo pipeline (Pillow): orient, strip location, resize for upload,
thumbnail, name by SHA-256. See docs/PHOTOS.md."""
from .errors import PHOTO_ERROR_CODES, PhotoError
from .pipeline import ProcessedPhoto, process_photo

__all__ = ["PHOTO_ERROR_CODES", "PhotoError", "ProcessedPhoto", "process_photo"]
