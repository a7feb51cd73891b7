from django.urls import path

from . import checklist_views, onboarding_views, own_plan_views, share_views, views

app_name = "tracker"

urlpatterns = [
    path("", views.home, name="home"),
    path("tracks/", views.catalogue, name="catalogue"),
    path("tracks/<slug:slug>/", views.track_detail, name="track"),
    path("tracks/<slug:slug>/enroll/", views.enroll, name="enroll"),
    path("quiz/", views.quiz, name="quiz"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/rest-week/", views.rest_week, name="rest-week"),
    path("plans/new/", own_plan_views.new_plan, name="new-plan"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("plans/<int:pk>/rename/", own_plan_views.rename, name="rename"),
    path("plans/<int:pk>/milestones/", own_plan_views.add_personal, name="add-personal"),
    path("plans/<int:pk>/milestones/from-catalogue/", own_plan_views.add_from_catalogue, name="add-from-catalogue"),
    path("plans/<int:pk>/milestones/<slug:slug>/edit/", own_plan_views.edit_personal, name="edit-personal"),
    path("plans/<int:pk>/milestones/<slug:slug>/move/", own_plan_views.move, name="move-step"),
    path("plans/<int:pk>/milestones/<slug:slug>/remove/", own_plan_views.remove, name="remove-step"),
    path("plans/<int:pk>/already-have/", onboarding_views.already_have, name="already-have"),
    path("plans/<int:pk>/milestones/<slug:slug>/status/", views.milestone_status, name="milestone-status"),
    path("plans/<int:pk>/milestones/<slug:slug>/details/", views.milestone_details, name="milestone-details"),
    path("plans/<int:pk>/milestones/<slug:slug>/renew/", views.milestone_renew, name="milestone-renew"),
    path("plans/<int:pk>/milestones/<slug:slug>/undo/", views.milestone_undo, name="milestone-undo"),
    path("plans/<int:pk>/plan-dates/", views.plan_dates, name="plan-dates"),
    path("plans/<int:pk>/milestones/<slug:slug>/checklist/", checklist_views.add, name="checklist-add"),
    path(
        "plans/<int:pk>/milestones/<slug:slug>/checklist/<int:item_id>/tick/",
        checklist_views.tick,
        name="checklist-tick",
    ),
    path(
        "plans/<int:pk>/milestones/<slug:slug>/checklist/<int:item_id>/remove/",
        checklist_views.remove,
        name="checklist-remove",
    ),
    path("plans/<int:pk>/share/", views.share, name="share"),
    path("plans/<int:pk>/following/", views.following, name="following"),
    # A share token is URL-safe base64 (secrets.token_urlsafe), so a slug; anything else,
    # a NUL byte included (PostgreSQL refuses it in a query), is a 404 before any lookup.
    path("shared/<slug:token>/", share_views.shared_plan, name="shared"),
    path("shared/<slug:token>/preview.png", share_views.shared_preview, name="shared-preview"),
]
