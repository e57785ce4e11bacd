"""The app's local store: crash-safe TinyDB storage (journal + snapshot),
in-memory indexes, the outbox of operations, conflicts, photos and meta."""
from .journal import JournalStorage
from .store import Store, StoreLockedError, default_data_dir, open_store, public

__all__ = ["JournalStorage", "Store", "StoreLockedError", "default_data_dir", "open_store", "public"]
