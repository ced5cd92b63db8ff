"""Benchmarks, run as modules from the project root: `python -m benchmarks.run` (make bench)."""
