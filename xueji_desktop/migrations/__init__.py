"""Alembic migrations of the data file; applied automatically each time a data folder is opened."""
