"""The REST API (FastAPI): routes by audience, one error mapping, no business rules."""
