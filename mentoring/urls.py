from django.urls import path

from . import views

app_name = "mentoring"

urlpatterns = [
    # The learner's side.
    path("mentors/", views.mentors, name="mentors"),
    path("mentors/invites/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("mentors/<int:pk>/sharing/", views.sharing, name="sharing"),
    # The invitation's link (the signed token is the credential).
    path("mentor-invites/<str:token>/", views.accept, name="accept"),
    # The mentor's side, and a shared plan as both sides read it.
    path("mentees/", views.mentees, name="mentees"),
    path("mentorships/<int:pk>/", views.mentee, name="mentee"),
    path("mentorships/<int:pk>/end/", views.end, name="end"),
    path("mentorships/<int:pk>/rate/", views.rate, name="rate"),
    path("mentorships/<int:pk>/plans/<int:plan_id>/", views.plan, name="plan"),
    path("mentorships/<int:pk>/plans/<int:plan_id>/milestones/<slug:slug>/comments/", views.comment, name="comment"),
    path(
        "mentorships/<int:pk>/plans/<int:plan_id>/milestones/<slug:slug>/review/", views.ask_review, name="ask-review"
    ),
    path("mentorships/<int:pk>/reviews/<int:review_id>/", views.review, name="review"),
]
