from django.urls import path

from . import views

app_name = "tracker"

urlpatterns = [
    path("", views.home, name="home"),
    path("tracks/<slug:slug>/", views.track_detail, name="track"),
]
