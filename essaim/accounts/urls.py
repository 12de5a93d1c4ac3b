"""Mon espace and API tokens, plus the account pages' former names (``accounts:login``…), kept for
the templates and code that use them: they lead to allauth's pages at the same addresses."""

from allauth.account import views as account
from django.urls import path

from essaim.accounts import views, views_jobs

app_name = "accounts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("jetons/", views.api_tokens, name="api_tokens"),
    path("jetons/<int:pk>/revoquer/", views.api_token_revoke, name="api_token_revoke"),
    path("exports/", views_jobs.job_list, name="jobs"),
    path("exports/<int:pk>/", views_jobs.job_detail, name="job"),
    path("exports/<int:pk>/progression/", views_jobs.job_progress, name="job_progress"),
    path("exports/<int:pk>/telecharger/", views_jobs.job_download, name="job_download"),
    # Former names, same addresses (essaim.accounts.allauth_urls answers them first).
    path("connexion/", account.login, name="login"),
    path("deconnexion/", account.logout, name="logout"),
    path("mot-de-passe/oubli/", account.password_reset, name="password_reset"),
    path("mot-de-passe/oubli/envoye/", account.password_reset_done, name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/fait/",
        account.password_reset_from_key_done,
        name="password_reset_complete",
    ),
    # Links e-mailed before the move to allauth: no longer valid, say so and offer a new one.
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.former_password_reset_link,
        name="password_reset_confirm",
    ),
]
