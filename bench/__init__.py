"""Benchmarks: programs that print figures (`make bench`, `make bench-quick`).

Never part of the test run; see bench/README.md.
"""
