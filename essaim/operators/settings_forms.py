"""Forms of a programme's settings page (``settings_views``): bounded fields, errors that name
the field. They check input only; ``settings_services`` writes."""

import base64
import binascii

from django import forms
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from essaim.calls.models import LABEL_VALIDITY_MAX_YEARS, LABEL_VALIDITY_MIN_YEARS, Programme
from essaim.core.forms import EssaimForm, EssaimModelForm
from essaim.geo.models import Region
from essaim.operators.settings_services import SETTINGS_FIELDS

LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_SIDE = 2000
# Pillow's name of the format → the type the logo is served with.
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
# A configuration file's confirmation posts it back in base64 (4/3 larger): under Django's
# 2.5 MB request limit.
CONFIGURATION_MAX_BYTES = 1024 * 1024
TEXT_MAX_LENGTH = 20000  # the programme file's schema says the same


class ProgrammeSettingsForm(EssaimModelForm):
    description = forms.CharField(
        label=_("Présentation"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("quelques lignes, reprises dans la liste des programmes"),
    )
    home_text = forms.CharField(
        label=_("Texte de la page d'accueil"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("présentation publique du programme, en quelques paragraphes"),
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Zone du programme"),
        queryset=Region.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("les régions où l'on peut candidater ; aucune cochée : toute la France"),
    )

    class Meta:
        model = Programme
        fields = SETTINGS_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        validity = self.fields["label_validity_years"]
        validity.widget.attrs.update(min=LABEL_VALIDITY_MIN_YEARS, max=LABEL_VALIDITY_MAX_YEARS)
        if self.instance.pk and not self.is_bound:
            self.initial["regions"] = [region.pk for region in self.instance.regions.all()]


class LogoForm(EssaimForm):
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_(
            "PNG ou JPEG, au plus 512 Ko et 2000 pixels de côté. Le SVG n'est pas accepté : il "
            "peut contenir du code qui s'exécuterait chez les visiteurs."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove = forms.BooleanField(label=_("Retirer le logo"), required=False)

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo:
            return None
        if logo.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(_("Le logo pèse plus de 512 Ko."))
        head = logo.read(512)
        logo.seek(0)
        if b"<svg" in head.lower() or b"<?xml" in head.lower():
            raise forms.ValidationError(
                _(
                    "Le SVG n'est pas accepté (il peut contenir du code) : "
                    "envoyez un PNG ou un JPEG."
                )
            )
        try:
            with Image.open(logo) as image:
                kind = image.format
                width, height = image.size
                image.verify()
        except (
            UnidentifiedImageError,
            OSError,
            SyntaxError,
            ValueError,
            Image.DecompressionBombError,
        ):
            raise forms.ValidationError(
                _("Ce fichier n'est pas une image PNG ou JPEG lisible.")
            ) from None
        finally:
            logo.seek(0)
        if kind not in LOGO_FORMATS:
            raise forms.ValidationError(_("Le logo doit être une image PNG ou JPEG."))
        if max(width, height) > LOGO_MAX_SIDE:
            raise forms.ValidationError(_("Le logo dépasse 2000 pixels de côté."))
        logo.content_type = LOGO_FORMATS[kind]
        return logo

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("logo") and not cleaned.get("remove"):
            raise forms.ValidationError(_("Choisissez un fichier, ou cochez « Retirer le logo »."))
        return cleaned


class AxisForm(EssaimForm):
    title = forms.CharField(label=_("Intitulé"), max_length=255)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    takes_links = forms.BooleanField(
        label=_("Relie les mises en relation, rencontres, indicateurs et campagnes"),
        help_text=_(
            "Pour les axes de synergies, d'impact et d'entreprises engagées : leurs actions "
            "comptent ce qu'elles font avancer."
        ),
        required=False,
    )


def _read_text(upload) -> str:
    if upload.size > CONFIGURATION_MAX_BYTES:
        raise forms.ValidationError(_("Le fichier pèse plus de 1 Mo."))
    try:
        return upload.read().decode("utf-8")
    except UnicodeDecodeError:
        raise forms.ValidationError(_("Le fichier n'est pas du texte UTF-8.")) from None


class ConfigurationFileForm(EssaimForm):
    """A configuration file (YAML) sent from the pages; ``cleaned_data["file"]`` is its text."""

    file = forms.FileField(
        label=_("Fichier de configuration (YAML)"),
        help_text=_("un fichier écrit par « Télécharger la configuration », au plus 1 Mo"),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,text/yaml"}),
    )

    def clean_file(self):
        return _read_text(self.cleaned_data["file"])


class ConfirmImportForm(EssaimForm):
    """The previewed file, sent back to be imported (validated again from scratch)."""

    content = forms.CharField(
        widget=forms.HiddenInput, max_length=CONFIGURATION_MAX_BYTES * 4 // 3 + 4
    )

    @staticmethod
    def encode(text: str) -> str:
        return base64.b64encode(text.encode("utf-8")).decode("ascii")

    def clean_content(self):
        try:
            return base64.b64decode(self.cleaned_data["content"], validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise forms.ValidationError(
                _("Le fichier envoyé est illisible : recommencez.")
            ) from None


class CategoryForm(EssaimForm):
    title = forms.CharField(label=_("Intitulé"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
