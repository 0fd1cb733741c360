from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import audit_signals, middleware, reauth  # noqa: F401 - audit_signals connects its receivers

        user_logged_in.connect(reauth.on_user_logged_in, dispatch_uid="accounts.reauth.mark_authenticated")
        user_logged_in.connect(middleware.on_user_logged_in, dispatch_uid="accounts.middleware.touch")
