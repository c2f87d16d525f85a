"""Public pages (what the app is, privacy, accessibility), home pages and language choice."""
