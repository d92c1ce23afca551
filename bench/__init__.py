"""Benchmarks: scripts that seed a data set, serve it and print throughput and latency."""
