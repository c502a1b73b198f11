"""Renderers: JSON, text, CSV and HTML views of Reports."""
