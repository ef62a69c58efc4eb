"""The write model: aggregates, their events, value objects and the rule pack.

Imports only the standard library and ``eventsourcing.domain``.
"""
