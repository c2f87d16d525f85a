"""Connections, consent grants, what recipients see, and the access log."""
