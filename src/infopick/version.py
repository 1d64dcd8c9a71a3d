"""The package version, on the ground floor (the CLI and run records read it; pyproject.toml says the same)."""

__version__ = "0.1.0"
