"""The form the programme's team writes a news post with: bounded fields, errors that name the
field, an image checked for its type and size. It checks input only; ``news_services`` writes."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from essaim.calls.models import Programme
from essaim.core.forms import EssaimForm
from essaim.portal.news_markdown import BODY_MAX_LENGTH

IMAGE_MAX_BYTES = 2 * 1024 * 1024
IMAGE_MAX_SIDE = 4000
# Pillow's name of the format → the type the image is served with.
IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
# A publication date is kept within these years (no year 1 or 9999 in a feed).
DATE_MIN = datetime.date(2000, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)


def checked_image(upload):
    """``upload`` when it is a PNG, JPEG or WebP image within the bounds (its ``content_type``
    set from what Pillow read, not from what the browser said); ``ValidationError`` otherwise."""
    if upload.size > IMAGE_MAX_BYTES:
        raise forms.ValidationError(_("L'image pèse plus de 2 Mo."))
    head = upload.read(512).lower()
    upload.seek(0)
    if b"<svg" in head or b"<?xml" in head or b"<html" in head:
        raise forms.ValidationError(
            _("Le SVG n'est pas accepté (il peut contenir du code) : envoyez un PNG, JPEG ou WebP.")
        )
    try:
        with Image.open(upload) as image:
            kind = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise forms.ValidationError(
            _("Ce fichier n'est pas une image PNG, JPEG ou WebP lisible.")
        ) from None
    finally:
        upload.seek(0)
    if kind not in IMAGE_FORMATS:
        raise forms.ValidationError(_("L'image doit être au format PNG, JPEG ou WebP."))
    if max(width, height) > IMAGE_MAX_SIDE:
        raise forms.ValidationError(_("L'image dépasse 4000 pixels de côté."))
    upload.content_type = IMAGE_FORMATS[kind]
    return upload


class NewsPostForm(EssaimForm):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Titre"), max_length=200)
    summary = forms.CharField(
        label=_("Chapô"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("une ou deux phrases, reprises dans la liste, la page d'accueil et le flux"),
    )
    body = forms.CharField(
        label=_("Texte"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "En Markdown : **gras**, *italique*, ## intertitre, listes avec « - », liens "
            "[texte](https://…). Le HTML est affiché tel quel, jamais interprété."
        ),
    )
    published_at = forms.DateField(
        label=_("Date de publication"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("vide : le jour de la publication ; une date à venir la diffère"),
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=_("PNG, JPEG ou WebP, au plus 2 Mo et 4000 pixels de côté"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    image_alt = forms.CharField(
        label=_("Texte alternatif de l'image"),
        max_length=250,
        required=False,
        help_text=_("ce que montre l'image, pour qui ne la voit pas ; obligatoire avec une image"),
    )
    remove_image = forms.BooleanField(label=_("Retirer l'image"), required=False)

    def __init__(self, *args, programmes, post=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.post = post
        if post is not None:
            del self.fields["programme"]
            if not post.image:
                del self.fields["remove_image"]
        else:
            del self.fields["remove_image"]
            self.fields["programme"].queryset = programmes

    def clean_published_at(self):
        day = self.cleaned_data.get("published_at")
        if day is not None and not DATE_MIN <= day <= DATE_MAX:
            raise forms.ValidationError(_("Choisissez une date entre 2000 et 2100."))
        return day

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        return checked_image(upload) if upload else None

    def clean(self):
        cleaned = super().clean()
        removing = cleaned.get("remove_image")
        has_image = bool(cleaned.get("image")) or (
            self.post is not None and bool(self.post.image) and not removing
        )
        if (
            has_image
            and not (cleaned.get("image_alt") or "").strip()
            and "image" not in self.errors
        ):
            self.add_error(
                "image_alt", _("Décrivez l'image : le texte alternatif est obligatoire.")
            )
        return cleaned

    def image_change(self):
        """What ``news_update`` does to the image: a new file, ``False`` (removed) or None."""
        if self.cleaned_data.get("image"):
            return self.cleaned_data["image"]
        if self.cleaned_data.get("remove_image"):
            return False
        return None

    def text_fields(self) -> dict:
        fields = ("title", "summary", "body", "image_alt", "published_at")
        values = {name: self.cleaned_data[name] for name in fields}
        if self.cleaned_data.get("remove_image") and not self.cleaned_data.get("image"):
            values["image_alt"] = ""
        return values
