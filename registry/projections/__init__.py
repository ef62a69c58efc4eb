"""Read models: SQLAlchemy tables fed by one batched, exactly-once projector."""
