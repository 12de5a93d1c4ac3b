from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "essaim.accounts"
    label = "accounts"
    verbose_name = _("comptes")

    def ready(self) -> None:
        # Stamps every sign-in (force_login included) with its time, for the staff session age.
        from essaim.accounts import middleware  # noqa: F401
        from essaim.accounts.history import UserAction, user_details
        from essaim.accounts.models import ApiToken, User
        from essaim.core import history
        from essaim.core.idempotency import bearer_user

        history.describe(User, actions=UserAction, details=user_details)
        bearer_user.register(lambda *, raw: ApiToken.objects.get_user_for(raw))
