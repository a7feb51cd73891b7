from django.urls import path

from . import checklists, dashboard, enrollments, plan_steps, progress, rest_weeks, rolefit, tracks

urlpatterns = [
    path("tracks/", tracks.TrackList.as_view(), name="track-list"),
    path("tracks/<slug:slug>/", tracks.TrackDetail.as_view(), name="track-detail"),
    path("enrollments/", enrollments.EnrollmentList.as_view(), name="enrollment-list"),
    path("enrollments/own/", enrollments.OwnPlanCreate.as_view(), name="enrollment-own"),
    path("enrollments/<int:pk>/", enrollments.EnrollmentDetail.as_view(), name="enrollment-detail"),
    path("enrollments/<int:pk>/plan/", enrollments.EnrollmentPlan.as_view(), name="enrollment-plan"),
    path("enrollments/<int:pk>/steps/", plan_steps.PlanSteps.as_view(), name="plan-step-list"),
    path(
        "enrollments/<int:pk>/steps/<slug:milestone_slug>/",
        plan_steps.PlanStepDetail.as_view(),
        name="plan-step-detail",
    ),
    path("progress/", progress.ProgressList.as_view(), name="progress-list"),
    path("progress/<slug:milestone_slug>/", progress.ProgressDetail.as_view(), name="progress-detail"),
    path("progress/<slug:milestone_slug>/checklist/", checklists.Checklist.as_view(), name="checklist"),
    path("progress/<slug:milestone_slug>/renewals/", progress.ProgressRenewals.as_view(), name="progress-renewals"),
    path("checklist-items/", checklists.ChecklistItemList.as_view(), name="checklist-item-list"),
    path("checklist-items/<int:pk>/", checklists.ChecklistItemDetail.as_view(), name="checklist-item-detail"),
    path("dashboard/", dashboard.Dashboard.as_view(), name="dashboard"),
    path("rest-weeks/", rest_weeks.RestWeeks.as_view(), name="rest-weeks"),
    path("role-fit/", rolefit.RoleFit.as_view(), name="role-fit"),
]
