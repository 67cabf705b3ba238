"""Kemijärvi strategy follow-up: the shared library behind the reporting workbooks."""

__version__ = "0.1.0"
