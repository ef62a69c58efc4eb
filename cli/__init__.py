"""The ``registry`` command line: the operator's side of the registry (Typer lives only here)."""
