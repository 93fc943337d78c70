"""Keep pytest out of the benchmarks: they take minutes and time things, they do not assert.

``make bench`` runs them through run.py instead. Their names (bench_*.py) already fall
outside pytest's default ``test_*.py`` pattern; this also covers a wider ``python_files``.
"""

collect_ignore_glob = ["*.py"]
