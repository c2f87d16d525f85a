"""The owner's portfolio items: goals first; certificates, experience and more follow."""
