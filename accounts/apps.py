from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.reauth import on_user_logged_in

        user_logged_in.connect(on_user_logged_in, dispatch_uid="accounts.reauth.mark_authenticated")
