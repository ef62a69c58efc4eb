"""What the application stands on besides the event store: the registry's own tables (API
keys, idempotency records, process positions), the PostgreSQL recorder, and the reader that
gives each stored event its log position."""
