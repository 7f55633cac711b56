"""Land raw e-commerce sources into DuckDB."""
