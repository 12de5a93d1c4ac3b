from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.actors.models import CollectiveRole
from essaim.applications.services.applying import perimeter_for_unit
from essaim.applications.workflow import COMMENT_AUDIENCES, Actor, Audience
from essaim.core.forms import EssaimForm
from essaim.geo.models import Perimeter, UnitKind


class ApplicationCreateForm(EssaimForm):
    title = forms.CharField(label=_("Titre de la candidature"), max_length=255)
    perimeter = forms.ModelChoiceField(
        label=_("Territoire existant"),
        queryset=Perimeter.objects.order_by("name"),
        required=False,
        help_text=_("Choisissez un périmètre déjà défini…"),
    )
    collective = forms.ModelChoiceField(
        label=_("Collectif porteur"),
        queryset=None,
        required=False,
        empty_label=_("Un nouveau collectif"),
        help_text=_("Un collectif dont vous êtes référent, ou un nouveau collectif."),
    )

    def __init__(self, *args, collectives=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collective"].queryset = collectives
        if not collectives.exists():
            del self.fields["collective"]

    def clean(self):
        data = super().clean()
        # The unit comes from geo's picker (hidden inputs unit_kind and unit_code).
        data["unit_kind"] = str(self.data.get("unit_kind", "")).strip()
        data["unit_code"] = str(self.data.get("unit_code", "")).strip()
        if not data.get("perimeter") and not data.get("unit_code"):
            self.add_error("perimeter", _("Choisissez un territoire ou une unité officielle."))
        return data

    def resolved_perimeter(self):
        if self.cleaned_data.get("perimeter"):
            return self.cleaned_data["perimeter"]
        kind, code = self.cleaned_data["unit_kind"], self.cleaned_data["unit_code"]
        if kind not in UnitKind.values:
            from django.core.exceptions import ValidationError

            raise ValidationError({"perimeter": _("Choisissez une unité dans la liste.")})
        return perimeter_for_unit(kind=kind, code=code)


class ApplicationMetaForm(EssaimForm):
    title = forms.CharField(label=_("Titre de la candidature"), max_length=255)
    summary = forms.CharField(
        label=_("Résumé"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class OrganisationSiretForm(EssaimForm):
    siret = forms.CharField(label=_("SIRET"), max_length=20)
    name = forms.CharField(
        label=_("Nom (si l'organisation n'est pas encore connue)"), max_length=255, required=False
    )
    role = forms.ChoiceField(label=_("Rôle"), choices=CollectiveRole.choices)


class OrganisationPickForm(EssaimForm):
    organisation = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Rôle"), choices=CollectiveRole.choices)


class RoleForm(EssaimForm):
    role = forms.ChoiceField(label=_("Rôle"), choices=CollectiveRole.choices)


class PersonInviteForm(EssaimForm):
    email = forms.EmailField(label=_("Adresse électronique"))
    can_edit = forms.BooleanField(
        label=_("Peut modifier la candidature"), required=False, initial=True
    )
    is_signatory = forms.BooleanField(label=_("Signataire (peut déposer)"), required=False)


class PersonRightsForm(EssaimForm):
    can_edit = forms.BooleanField(label=_("Peut modifier"), required=False)
    is_signatory = forms.BooleanField(label=_("Signataire"), required=False)


class ChallengeForm(EssaimForm):
    title = forms.CharField(label=_("Intitulé du défi"), max_length=255)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lines = forms.CharField(
        label=_("Axes de travail"),
        required=False,
        help_text=_("Un axe par ligne (10 au plus)."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MessageForm(EssaimForm):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(
        label=_("Pièce jointe"),
        required=False,
        help_text=_("PDF, bureautique ou image ; 10 Mo au maximum."),
    )


class TransitionForm(EssaimForm):
    """A workflow action's comment, saying who will read it before it is sent: the applicants'
    own comments and a request for changes are addressed (a message of the thread, both sides
    read it); the instructors' other comments are an internal note unless they choose
    "Adressé au porteur". Without an ``audience`` posted, the transition's default applies."""

    comment = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    audience = forms.ChoiceField(
        label=_("Qui lira ce commentaire ?"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Une note interne n'est visible que de l'équipe du programme ; un commentaire adressé "
            "au porteur est publié dans les messages de la candidature."
        ),
    )

    def __init__(self, *args, transition, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        # The applicants' submissions take no comment on the page; every other action does.
        self.takes_comment = transition.comment_required or transition.actor == Actor.INSTRUCTOR
        audiences = COMMENT_AUDIENCES[transition.name]
        required = _("obligatoire") if transition.comment_required else _("facultatif")
        comment = self.fields["comment"]
        if len(audiences) > 1:
            comment.label = _("Commentaire (%(required)s) — %(action)s") % {
                "required": required,
                "action": transition.label,
            }
            self.fields["audience"].choices = [(a, Audience(a).label) for a in audiences]
            self.fields["audience"].initial = audiences[0]
            if transition.actor == Actor.COMMITTEE:
                self.fields["audience"].help_text = _(
                    "Une motivation adressée au porteur lui est communiquée à la publication de "
                    "la vague ; une note interne ne l'est jamais."
                )
        else:
            self._addressed_only(transition, required)
        self._bound_fields_cache.clear()  # bound fields copied the labels when they were made

    def _addressed_only(self, transition, required) -> None:
        comment = self.fields["comment"]
        del self.fields["audience"]
        if transition.actor == Actor.INSTRUCTOR:
            comment.label = _("Commentaire adressé au porteur (%(required)s) — %(action)s") % {
                "required": required,
                "action": transition.label,
            }
            comment.help_text = _(
                "Publié dans les messages de la candidature : le collectif le lit."
            )
        else:
            comment.label = _("Commentaire (%(required)s)") % {"required": required}
            comment.help_text = _(
                "Publié dans les messages de la candidature : l'équipe du programme et le "
                "collectif le lisent."
            )

    def clean_audience(self):
        return self.cleaned_data.get("audience") or None
