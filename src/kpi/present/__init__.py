"""Presentation: Finnish text, tables and pages built from frames; nothing here computes a result."""
