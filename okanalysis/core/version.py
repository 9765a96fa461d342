"""The toolkit's version (also in pyproject.toml); results and packs record it."""

__version__ = "0.1.0"
