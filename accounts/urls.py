from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.forms import GovukSetPasswordForm

urlpatterns = [
    path("confirm-password/", views.reauthenticate, name="reauthenticate"),
    path("login/code/", views.sign_in_code, name="login-code"),
    path("two-step/", views.two_factor_setup, name="two-factor-setup"),
    # Django's usual password URLs, with GOV.UK templates in templates/registration/.
    path("password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password_reset/", views.password_reset, name="password_reset"),
    path("password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(form_class=GovukSetPasswordForm), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
