from django.urls import path  # noqa: F401

app_name = "mentoring"

# Filled in as the pages are built.
urlpatterns: list = []
