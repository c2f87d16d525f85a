"""The PIP as a living plan: versions, agreements, proposals, progress meetings and the
newcomer's own plan proposal. Every piece is an encrypted portfolio item."""
