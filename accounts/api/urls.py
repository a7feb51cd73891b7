from django.urls import path

from . import views

urlpatterns = [
    path("auth/register/", views.Register.as_view(), name="auth-register"),
    path("auth/verify-email/resend/", views.ResendConfirmation.as_view(), name="auth-verify-email-resend"),
    path("auth/token/", views.TokenObtain.as_view(), name="auth-token"),
    path("auth/token/refresh/", views.TokenRefresh.as_view(), name="auth-token-refresh"),
    path("auth/logout/", views.Logout.as_view(), name="auth-logout"),
    path("auth/password/change/", views.PasswordChange.as_view(), name="auth-password-change"),
    path("auth/password/reset/", views.PasswordReset.as_view(), name="auth-password-reset"),
    path("me/", views.Me.as_view(), name="me"),
    path("me/export/", views.MyExport.as_view(), name="me-export"),
]
