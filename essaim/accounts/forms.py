"""Forms of the account pages: allauth's, rendered with the DSFR and worded like the rest of
Essaim (ACCOUNT_FORMS, MFA_FORMS and SOCIALACCOUNT_FORMS in the settings point here)."""

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_base_forms
from allauth.mfa.recovery_codes import forms as recovery_forms
from allauth.mfa.totp import forms as totp_forms
from allauth.socialaccount import forms as social_forms
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from essaim.accounts import permissions
from essaim.accounts.models import ApiToken, TokenAccess
from essaim.core.forms import DsfrMixin, EssaimForm

EMAIL_LABEL = _("Adresse électronique")


class AllauthDsfrMixin(DsfrMixin):
    """allauth's forms in Essaim's words: ``labels`` and ``help_texts`` by field name, labels
    rather than placeholders (the DSFR's advice)."""

    labels: dict = {}
    help_texts: dict = {}
    numeric_code = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.labels:
                field.label = self.labels[name]
            if name in self.help_texts:
                field.help_text = self.help_texts[name]
        if self.numeric_code and "code" in self.fields:
            self.fields["code"].widget.attrs.update(
                {"inputmode": "numeric", "autocomplete": "one-time-code"}
            )
        # The DSFR pass above (DsfrMixin) made the bound fields with allauth's labels.
        self._bound_fields_cache.clear()


class LoginForm(AllauthDsfrMixin, account_forms.LoginForm):
    labels = {"login": EMAIL_LABEL, "password": _("Mot de passe")}
    help_texts = {"password": ""}  # the page links to the reset itself

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].widget.attrs["autocomplete"] = "email"

    def clean_login(self) -> str:
        # Addresses are stored in lower case: "Camille@Exemple.fr" signs in as camille@exemple.fr.
        return super().clean_login().lower()


class SignupForm(AllauthDsfrMixin, account_forms.SignupForm):
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=pgettext_lazy("personne", "Nom"), max_length=150)

    field_order = ["first_name", "last_name", "email", "password1", "password2"]
    labels = {
        "email": EMAIL_LABEL,
        "password1": _("Mot de passe"),
        "password2": _("Mot de passe (confirmation)"),
    }
    help_texts = {"email": _("Un lien de confirmation y sera envoyé.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"


class SocialSignupForm(AllauthDsfrMixin, social_forms.SignupForm):
    labels = {"email": EMAIL_LABEL}


class AddEmailForm(AllauthDsfrMixin, account_forms.AddEmailForm):
    labels = {"email": EMAIL_LABEL}


class ChangePasswordForm(AllauthDsfrMixin, account_forms.ChangePasswordForm):
    help_texts = {"oldpassword": ""}


class SetPasswordForm(AllauthDsfrMixin, account_forms.SetPasswordForm):
    pass


class ResetPasswordForm(AllauthDsfrMixin, account_forms.ResetPasswordForm):
    labels = {"email": EMAIL_LABEL}


class ResetPasswordKeyForm(AllauthDsfrMixin, account_forms.ResetPasswordKeyForm):
    pass


class ReauthenticateForm(AllauthDsfrMixin, account_forms.ReauthenticateForm):
    help_texts = {"password": ""}


CODE_LABELS = {"code": _("Code à 6 chiffres, ou code de secours")}


class MFAAuthenticateForm(AllauthDsfrMixin, mfa_base_forms.AuthenticateForm):
    labels = CODE_LABELS
    numeric_code = True


class MFAReauthenticateForm(AllauthDsfrMixin, mfa_base_forms.ReauthenticateForm):
    labels = CODE_LABELS
    numeric_code = True


class ActivateTOTPForm(AllauthDsfrMixin, totp_forms.ActivateTOTPForm):
    labels = {"code": _("Code affiché par l'application (6 chiffres)")}
    numeric_code = True


class DeactivateTOTPForm(AllauthDsfrMixin, totp_forms.DeactivateTOTPForm):
    pass


class GenerateRecoveryCodesForm(AllauthDsfrMixin, recovery_forms.GenerateRecoveryCodesForm):
    pass


class ApiTokenForm(EssaimForm):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        required=False,
        help_text=_("Pour le reconnaître, par exemple « script d'export »."),
    )
    access = forms.ChoiceField(
        label=_("Droits du jeton"),
        choices=TokenAccess.choices,
        initial=TokenAccess.READ,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("En lecture seule, le jeton ne peut rien créer, modifier ni supprimer."),
    )
    programme = forms.ModelChoiceField(
        label=_("Limiter au programme"),
        queryset=None,
        required=False,
        empty_label=_("Tous mes programmes"),
        help_text=_("Limité à un programme, le jeton n'emporte pas vos rôles dans les autres."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        programmes = ApiToken._meta.get_field("programme").related_model.objects.order_by("name")
        self.fields["programme"].queryset = permissions.programmes_with_a_role(user).filter(
            programmes, "pk"
        )
