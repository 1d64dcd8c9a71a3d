"""Benchmark grids on the user's own data: strategies x budgets x seeds, resumable, with a report."""

from infopick.bench.grid import BenchConfig, Cell, Estimate, cells, estimate, load_results, pending, run_grid, validate
from infopick.bench.store import ResultStore, read_rows

__all__ = ["BenchConfig", "Cell", "Estimate", "cells", "estimate", "load_results", "pending", "run_grid", "validate", "ResultStore",
           "read_rows"]
