"""Use cases: each public function is one thing the clerk does, run in one transaction (DESIGN.md)."""
