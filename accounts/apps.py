from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Failed sign-ins reach the security log through Django's signal: it is sent
        # by authenticate() for the app's sign-in page and the admin's alike.
        from django.contrib.auth.signals import user_login_failed

        from accounts import security

        user_login_failed.connect(security.sign_in_failed)
