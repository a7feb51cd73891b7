from django.apps import AppConfig


class AccountsConfig(AppConfig):
    # No receivers to connect: a new password is noticed by User.save itself,
    # whichever path set it (allauth, the admin, changepassword, code).
    name = "accounts"
    verbose_name = "Accounts"
