from django.urls import path

from . import views

urlpatterns = [
    path("sync/", views.Sync.as_view(), name="sync"),
    path("sync/catalogue/", views.CatalogueSync.as_view(), name="sync-catalogue"),
    path("sync/batch/", views.Batch.as_view(), name="sync-batch"),
]
