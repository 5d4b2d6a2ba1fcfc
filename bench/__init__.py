"""Benchmarks: each prints its timings next to a reference measured in the same run."""
