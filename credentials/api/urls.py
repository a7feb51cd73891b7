from django.urls import path

from . import badges

urlpatterns = [
    path("badges/", badges.BadgeList.as_view(), name="badge-list"),
    path("badges/<int:pk>/", badges.BadgeDetail.as_view(), name="badge-detail"),
    path("badges/<int:pk>/check/", badges.BadgeCheck.as_view(), name="badge-check"),
]
