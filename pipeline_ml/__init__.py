"""Reusable, vectorised ML helpers for the dbt Python models (importable and testable by pytest)."""
