"""Exports: the owner's data (GDPR articles 15 and 20); the recognised document follows."""
