from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Failed sign-ins reach the security log through Django's signal: it is sent
        # by authenticate() for the app's sign-in page and the admin's alike.
        # Lockouts, through axes' signal, sent for each try a lockout refuses.
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from accounts import security
        from config.middleware import session_started

        user_login_failed.connect(security.sign_in_failed)
        user_locked_out.connect(security.locked_out)
        # The idle timeout's clock (config.middleware.SessionRenewalMiddleware).
        user_logged_in.connect(session_started)
