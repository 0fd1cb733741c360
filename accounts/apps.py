from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import middleware, reauth

        user_logged_in.connect(reauth.on_user_logged_in, dispatch_uid="accounts.reauth.mark_authenticated")
        user_logged_in.connect(middleware.on_user_logged_in, dispatch_uid="accounts.middleware.touch")
