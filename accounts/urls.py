from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("export/", views.export_data, name="export"),
    path("delete/", views.delete_account, name="delete"),
    # From the mail to the old address after a change: works signed out.
    path("email/undo/<str:token>/", views.undo_email_change, name="undo-email-change"),
]
