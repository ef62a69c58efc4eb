"""The application layer: typed commands in, plain data out (see ``registry.py``)."""
