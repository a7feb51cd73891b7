"""The mentoring API resources under /api/v1/: every one scoped to the caller's active mentorships."""

from django.urls import path

from . import comments, invites, mentorships, plans, ratings, reviews

urlpatterns = [
    path("mentorships/", mentorships.MentorshipList.as_view(), name="mentorship-list"),
    path("mentorships/<int:pk>/", mentorships.MentorshipDetail.as_view(), name="mentorship-detail"),
    path("mentorships/<int:pk>/end/", mentorships.MentorshipEnd.as_view(), name="mentorship-end"),
    path("mentorships/<int:pk>/plans/", plans.SharedPlanList.as_view(), name="mentorship-plans"),
    path("mentorships/<int:pk>/plans/<int:plan_id>/", plans.SharedPlanDetail.as_view(), name="mentorship-plan"),
    path("mentorships/<int:pk>/comments/", comments.CommentList.as_view(), name="mentorship-comments"),
    path("mentorships/<int:pk>/reviews/", reviews.ReviewList.as_view(), name="mentorship-reviews"),
    path(
        "mentorships/<int:pk>/reviews/<int:review_id>/verdict/",
        reviews.ReviewVerdict.as_view(),
        name="mentorship-review-verdict",
    ),
    path("mentorships/<int:pk>/ratings/", ratings.MentorRating.as_view(), name="mentorship-ratings"),
    path("mentor-invites/", invites.InviteList.as_view(), name="mentor-invite-list"),
    path("mentor-invites/<int:pk>/withdraw/", invites.InviteWithdraw.as_view(), name="mentor-invite-withdraw"),
    path("mentor-invites/accept/", invites.InviteAccept.as_view(), name="mentor-invite-accept"),
]
