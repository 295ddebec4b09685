"""Widgets, tables, pickers and helpers every screen shares."""
