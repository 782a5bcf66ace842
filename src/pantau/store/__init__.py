"""Adapters that keep data: Parquet files, and later the embedded and PostgreSQL stores."""
