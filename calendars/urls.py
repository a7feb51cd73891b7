from django.urls import path

from . import views

app_name = "calendars"

urlpatterns = [
    # The token is URL-safe base64 (secrets.token_urlsafe), so a slug.
    path("calendar/<slug:token>.ics", views.feed, name="feed"),
    path("settings/calendar/", views.subscription, name="subscription"),
    path("plans/<int:pk>/milestones/<slug:slug>/calendar.ics", views.milestone_download, name="milestone"),
]
