"""Benchmark grids on the user's own data: strategies x budgets x seeds, resumable, with a report."""

from infopick.bench.config import BenchConfig, Cell, cells, load_results, pending, validate
from infopick.bench.estimate import Estimate, estimate
from infopick.bench.grid import run_grid
from infopick.bench.store import ResultStore, read_rows

__all__ = ["BenchConfig", "Cell", "Estimate", "cells", "estimate", "load_results", "pending", "run_grid", "validate", "ResultStore",
           "read_rows"]
