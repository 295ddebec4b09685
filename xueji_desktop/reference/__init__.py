"""Read-only reference data (code tables, regions, field specs) loaded from the top-level resources/ folder."""
