"""Per-request dataloaders: rows by id, and paged relations batched across parents."""
