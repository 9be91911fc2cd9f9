"""Benchmarks and evaluations; run each as a script, or import one (tests use bench.extraction_eval)."""
