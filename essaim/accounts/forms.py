from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from essaim.core.forms import DsfrMixin, EssaimForm


class LoginForm(DsfrMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _("Adresse électronique ou mot de passe incorrect."),
        "inactive": _("Ce compte est désactivé."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.label = _("Adresse électronique")
        field.widget.input_type = "email"
        field.widget.attrs["autocomplete"] = "email"

    def clean_username(self) -> str:
        # Addresses are stored in lower case: "Camille@Exemple.fr" signs in as camille@exemple.fr.
        return self.cleaned_data["username"].strip().lower()


class ResetForm(DsfrMixin, PasswordResetForm):
    pass


class NewPasswordForm(DsfrMixin, SetPasswordForm):
    pass


class ApiTokenForm(EssaimForm):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        required=False,
        help_text=_("Pour le reconnaître, par exemple « script d'export »."),
    )
