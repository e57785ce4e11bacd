"""Record types, vocabularies, validation, cadence and deadline rules, the
hybrid logical clock and the operation format. Pure Python: no Flet, no I/O.
Shared by the app and the server."""
