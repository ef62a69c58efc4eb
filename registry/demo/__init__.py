"""Demo data: the three dozen demo institutions' stories and the national-scale generator.

Everything here writes through the registry as real data is written: the stories run the
registry's own commands (``Registry.execute``), the scale generator runs the aggregates' own
commands and saves them with ``EventStore.save`` in batches. The command line
(``registry demo``), the benchmarks and the tests import it; it imports none of them.
"""
