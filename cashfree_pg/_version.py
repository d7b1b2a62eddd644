"""The package version, defined once: packaging and ``cashfree_pg.__version__`` read it here."""

__version__ = "1.0.0"
