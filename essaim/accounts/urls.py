from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path, reverse_lazy

from essaim.accounts import forms, views

app_name = "accounts"


def public(view):
    return login_not_required(view)


urlpatterns = [
    path(
        "connexion/",
        public(
            auth_views.LoginView.as_view(
                template_name="accounts/login.html",
                authentication_form=forms.LoginForm,
                redirect_authenticated_user=True,
            )
        ),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/oubli/",
        public(
            auth_views.PasswordResetView.as_view(
                template_name="accounts/password_reset.html",
                form_class=forms.ResetForm,
                email_template_name="accounts/password_reset_email.txt",
                subject_template_name="accounts/password_reset_subject.txt",
                success_url=reverse_lazy("accounts:password_reset_done"),
            )
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        public(
            auth_views.PasswordResetDoneView.as_view(
                template_name="accounts/password_reset_done.html"
            )
        ),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        public(
            auth_views.PasswordResetConfirmView.as_view(
                template_name="accounts/password_reset_confirm.html",
                form_class=forms.NewPasswordForm,
                success_url=reverse_lazy("accounts:password_reset_complete"),
            )
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/fait/",
        public(
            auth_views.PasswordResetCompleteView.as_view(
                template_name="accounts/password_reset_complete.html"
            )
        ),
        name="password_reset_complete",
    ),
    path("", views.dashboard, name="dashboard"),
    path("jetons/", views.api_tokens, name="api_tokens"),
    path("jetons/<int:pk>/revoquer/", views.api_token_revoke, name="api_token_revoke"),
]
