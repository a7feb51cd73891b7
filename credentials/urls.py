from django.urls import path

from .views import add, check_again, remove

app_name = "credentials"

urlpatterns = [
    path("plans/<int:pk>/milestones/<slug:slug>/badges/", add, name="add"),
    path("plans/<int:pk>/milestones/<slug:slug>/badges/<int:badge_id>/check/", check_again, name="check"),
    path("plans/<int:pk>/milestones/<slug:slug>/badges/<int:badge_id>/remove/", remove, name="remove"),
]
