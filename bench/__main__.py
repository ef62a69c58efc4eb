"""``python -m bench``: every benchmark, against its baseline, in one run (see bench/run.py)."""

from bench.run import main

main()
