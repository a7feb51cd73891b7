# The growth API resources under /api/v1/; filled in as they are built.
urlpatterns: list = []
