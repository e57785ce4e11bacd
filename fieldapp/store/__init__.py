"""The app's local store: crash-safe TinyDB storage (journal + snapshot),
in-memory indexes, the outbox of operations, conflicts, photos and meta."""
from .journal import JournalStorage, StoreLockedError
from .store import Store, default_data_dir, open_store, public

__all__ = ["JournalStorage", "Store", "StoreLockedError", "default_data_dir", "open_store", "public"]
