"""Benchmarks (issue 9): `python -m bench` runs them all and prints one table.

Not part of the test suite's pass/fail; tests/bench/ runs each at a tiny size so they do not rot.
See docs/benchmarks.md for this machine's figures.
"""
