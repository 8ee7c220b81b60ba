"""The ``assay`` command line: parses arguments, builds the configuration, calls the packages and prints."""

from assay.cli import main

__all__ = ["main"]
