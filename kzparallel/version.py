"""The package version: one place, read by pyproject.toml (hatch) and every output's signature."""

__version__ = "0.1.0"
