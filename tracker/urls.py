from django.urls import path

from . import views

app_name = "tracker"

urlpatterns = [
    path("", views.home, name="home"),
    path("tracks/", views.catalogue, name="catalogue"),
    path("tracks/<slug:slug>/", views.track_detail, name="track"),
    path("tracks/<slug:slug>/enroll/", views.enroll, name="enroll"),
    path("quiz/", views.quiz, name="quiz"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("plans/<int:pk>/milestones/<slug:slug>/status/", views.milestone_status, name="milestone-status"),
    path("plans/<int:pk>/milestones/<slug:slug>/details/", views.milestone_details, name="milestone-details"),
    path("plans/<int:pk>/plan-dates/", views.plan_dates, name="plan-dates"),
    path("plans/<int:pk>/share/", views.share, name="share"),
    path("shared/<str:token>/", views.shared_plan, name="shared"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.notifications_read_all, name="inbox-read-all"),
    path("inbox/<int:pk>/read/", views.notification_read, name="notification-read"),
]
