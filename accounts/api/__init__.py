"""Accounts in the REST API v1: registration, JWT tokens, the profile and its export or deletion."""
