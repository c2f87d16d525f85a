"""Municipality settings and staff accounts."""
