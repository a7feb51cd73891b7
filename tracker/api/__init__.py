"""The REST API v1 for the mobile app (mounted under /api/v1/ by api.urls)."""
