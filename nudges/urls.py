from django.urls import path

from . import views

app_name = "nudges"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.notifications_read_all, name="inbox-read-all"),
    path("inbox/<int:pk>/read/", views.notification_read, name="notification-read"),
    # One-click unsubscribe from reminder nudges (works logged out).
    path("unsubscribe/<str:channel>/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
