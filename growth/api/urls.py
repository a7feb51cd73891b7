# The growth API resources under /api/v1/: skills and ratings, where you stand, company checks.
from django.urls import path

from . import companies, ratings

urlpatterns = [
    path("skills/", ratings.Skills.as_view(), name="skill-list"),
    path("skills/ratings/", ratings.SkillRatingList.as_view(), name="skill-rating-list"),
    path("skills/standing/", ratings.Standing.as_view(), name="skill-standing"),
    path("company-checks/", companies.CompanyCheckList.as_view(), name="company-check-list"),
    path("company-checks/<int:pk>/", companies.CompanyCheckDetail.as_view(), name="company-check-detail"),
]
