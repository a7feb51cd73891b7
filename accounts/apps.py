from django.apps import AppConfig


class AccountsConfig(AppConfig):
    # A new password is noticed by User.save itself, whichever path set it
    # (allauth, the admin, changepassword, code): no receiver for that.
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Importing it connects the receivers that carry a visitor's quiz and
        # destination through allauth's sign-up and sign-in.
        from . import receivers  # noqa: F401
