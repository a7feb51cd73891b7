from django.urls import path

from . import views

app_name = "growth"

urlpatterns = [
    path("skills/", views.where_you_stand, name="standing"),
    path("companies/", views.companies, name="companies"),
    path("companies/<int:pk>/", views.company_edit, name="company-edit"),
    path("companies/<int:pk>/delete/", views.company_delete, name="company-delete"),
]
