"""The Academy's performance benchmark (``make bench``): see bench/README.md.

- ``bench.generate``: a data generator at scale (``BENCH_SCALE``);
- ``bench.scenarios``: the registry of measurements (one function per page or job);
- ``bench.run``: generates when needed, measures every scenario, writes ``bench/results.json``.
"""
