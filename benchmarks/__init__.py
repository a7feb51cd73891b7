"""The benchmark (run.py) and the soak (soak.py); soak.py imports run.py's helpers as benchmarks.run."""
