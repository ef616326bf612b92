"""EvalBase against Datasette on the same rows: `make bench` (see README.md here)."""
