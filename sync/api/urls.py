# The sync API under /api/v1/; filled in as it is built.
urlpatterns: list = []
