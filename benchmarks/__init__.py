"""The studies: one folder per question, each with its scripts, a README and its results.

Run a study's script from the repository root as a module, e.g.
``.venv/bin/python -m benchmarks.stress.run --table``; shared helpers live in ``benchmarks.common``
(study bookkeeping) and ``infopick.bench.stats`` (every interval the tables print).
"""
