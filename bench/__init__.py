"""Benchmarks and load generators (not run by the tests)."""
