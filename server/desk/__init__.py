"""The coordinator's desk: review, special-household register, pending-help
board, figures, Excel, audit log."""
