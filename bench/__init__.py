"""Benchmark scripts: each prints its figures (docs/benchmarks.md); none runs in the test suite."""
