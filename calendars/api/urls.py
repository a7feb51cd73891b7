from django.urls import path

from . import feed

urlpatterns = [
    path("calendar/", feed.CalendarFeedView.as_view(), name="calendar-feed"),
]
