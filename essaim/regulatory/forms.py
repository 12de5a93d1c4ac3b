"""Forms of the single window's pages (DSFR rendering through ``EssaimForm``)."""

import secrets

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from essaim.accounts import permissions
from essaim.accounts.models import Role
from essaim.actors.models import Organisation, OrganisationKind
from essaim.core.forms import EssaimForm
from essaim.geo.models import Perimeter
from essaim.projects.models import Project
from essaim.regulatory.models import ATTACHMENT_MAX_BYTES, Priority, RuleLevel, Theme, Ticket
from essaim.regulatory.services import experimentation_calls, officers_of
from essaim.regulatory.workflow import Outcome, OutOfScopeReason, TicketState

MAX_UPLOAD = ATTACHMENT_MAX_BYTES


def _check_upload(upload):
    if upload and upload.size > MAX_UPLOAD:
        raise forms.ValidationError(_("Le fichier dépasse 10 Mo."))
    return upload


CHOOSE = _("— choisir —")


def _blank(choices, label=CHOOSE):
    return [("", label), *choices]


class TicketForm(EssaimForm):
    """A new ticket. ``idempotency_key`` (hidden) makes a resubmitted form create nothing
    twice; anonymous people also give their e-mail address, confirmed before the ticket opens."""

    email = forms.EmailField(
        label=_("Votre adresse électronique"),
        help_text=_("Nous vous enverrons un lien pour la confirmer avant d'ouvrir la saisine."),
    )
    title = forms.CharField(label=_("Objet"), max_length=255)
    project = forms.ModelChoiceField(
        label=_("Votre projet"),
        queryset=Perimeter.objects.none(),
        required=False,
        help_text=_("si votre projet a sa page sur la plateforme"),
    )
    project_title = forms.CharField(label=_("Nom du projet"), max_length=255, required=False)
    wants_to_do = forms.CharField(
        label=_("Ce que le projet veut faire"), widget=forms.Textarea(attrs={"rows": 4})
    )
    blocked_by = forms.CharField(label=_("Ce qui bloque"), widget=forms.Textarea(attrs={"rows": 4}))
    rules_text = forms.CharField(
        label=_("Règles en cause (si vous les connaissez)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    rule_level = forms.ChoiceField(
        label=_("Niveau de la règle"), choices=_blank(RuleLevel.choices), required=False
    )
    rule_text = forms.CharField(
        label=_("Texte (code, décret, arrêté, circulaire)"), max_length=255, required=False
    )
    rule_article = forms.CharField(label=_("Article"), max_length=100, required=False)
    perimeter = forms.ModelChoiceField(
        label=_("Territoire"), queryset=Perimeter.objects.order_by("name"), required=False
    )
    attachment = forms.FileField(label=_("Pièce jointe"), required=False)
    publish_consent = forms.BooleanField(
        label=_(
            "J'accepte que la réponse soit publiée sous forme anonymisée dans la base de "
            "connaissances"
        ),
        required=False,
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, anonymous: bool = False, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        projects = (
            Project.objects.none()
            if anonymous or user is None
            else Project.objects.editable_by(user).order_by("title")
        )
        if anonymous or not projects.exists():
            del self.fields["project"]
        else:
            self.fields["project"].queryset = projects
        if not anonymous:
            del self.fields["email"]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", secrets.token_urlsafe(24))

    def clean_attachment(self):
        return _check_upload(self.cleaned_data.get("attachment"))

    def clean(self):
        data = super().clean()
        if data.get("rule_text") and not data.get("rule_level"):
            self.add_error("rule_level", _("Précisez le niveau de la règle citée."))
        return data

    def rules(self) -> list[dict]:
        data = self.cleaned_data
        if not data.get("rule_text"):
            return []
        return [
            {
                "level": data["rule_level"],
                "text": data["rule_text"],
                "article": data.get("rule_article", ""),
            }
        ]


class QueueFilterForm(EssaimForm):
    q = forms.CharField(label=_("Recherche"), required=False)
    state = forms.ChoiceField(
        label=_("État"), choices=_blank(TicketState.choices, _("tous")), required=False
    )
    category = forms.ChoiceField(
        label=_("Thème"), choices=_blank(Theme.choices, _("tous")), required=False
    )
    priority = forms.ChoiceField(
        label=_("Priorité"), choices=_blank(Priority.choices, _("toutes")), required=False
    )
    perimeter = forms.ModelChoiceField(
        label=_("Territoire"), queryset=Perimeter.objects.none(), required=False
    )
    assignee = forms.ModelChoiceField(
        label=_("Agent chargé"), queryset=officers_of(0), required=False
    )
    overdue = forms.BooleanField(label=_("En retard seulement"), required=False)

    def __init__(self, *args, programme_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        # EXISTS per territory (an index probe), not a DISTINCT over every ticket.
        self.fields["perimeter"].queryset = Perimeter.objects.filter(
            Exists(Ticket.objects.filter(perimeter=OuterRef("pk"), programme_id__in=programme_ids))
        )
        self.fields["assignee"].queryset = permissions.holders(
            [Role.SINGLE_WINDOW_OFFICER], programmes=programme_ids
        )


class CommentForm(EssaimForm):
    comment = forms.CharField(
        label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class TriageForm(CommentForm):
    category = forms.ChoiceField(label=_("Thème"), choices=_blank(Theme.choices))
    priority = forms.ChoiceField(label=_("Priorité"), choices=Priority.choices)
    field_order = ["category", "priority", "comment"]


def administrations():
    return Organisation.objects.filter(
        kind__in=[OrganisationKind.PUBLIC_BODY, OrganisationKind.LOCAL_AUTHORITY]
    ).order_by("name")


class RouteForm(CommentForm):
    administration = forms.ModelChoiceField(
        label=_("Administration compétente"), queryset=Organisation.objects.none()
    )
    assignee = forms.ModelChoiceField(
        label=_("Agent chargé"), queryset=officers_of(0), required=False
    )
    field_order = ["administration", "assignee", "comment"]

    def __init__(self, *args, ticket=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["administration"].queryset = administrations()
        if ticket is not None:
            self.fields["assignee"].queryset = officers_of(ticket.programme_id)


class AnswerForm(EssaimForm):
    body = forms.CharField(
        label=_("Réponse (envoyée par courriel à l'auteur)"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    attachment = forms.FileField(label=_("Pièce jointe"), required=False)

    def clean_attachment(self):
        return _check_upload(self.cleaned_data.get("attachment"))


class MessageForm(AnswerForm):
    body = forms.CharField(label=_("Votre message"), widget=forms.Textarea(attrs={"rows": 4}))


class CloseForm(EssaimForm):
    outcome = forms.ChoiceField(
        label=_("Issue"),
        choices=_blank([c for c in Outcome.choices if c[0] != Outcome.EXPERIMENTATION]),
    )
    out_of_scope_reason = forms.ChoiceField(
        label=_("Motif du hors champ"), choices=_blank(OutOfScopeReason.choices), required=False
    )
    reason = forms.CharField(
        label=_("Précisions (envoyées avec l'issue)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class ReopenForm(EssaimForm):
    comment = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 2}))


class ExperimentationFieldsForm(EssaimForm):
    call = forms.ModelChoiceField(label=_("Appel à projets"), queryset=Perimeter.objects.none())
    derogation_asked = forms.CharField(
        label=_("Dérogation demandée"), widget=forms.Textarea(attrs={"rows": 3})
    )
    rule_text = forms.CharField(label=_("Règle en cause"), widget=forms.Textarea(attrs={"rows": 2}))
    rule_level = forms.ChoiceField(label=_("Niveau de la règle"), choices=_blank(RuleLevel.choices))
    duration_months = forms.IntegerField(label=_("Durée (mois)"), min_value=1, max_value=60)
    evaluation_plan = forms.CharField(
        label=_("Plan d'évaluation"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, programme_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        calls = experimentation_calls()
        if programme_id is not None:
            calls = calls.filter(programme_id=programme_id)
        self.fields["call"].queryset = calls
        if not self.is_bound and calls.count() == 1:
            self.initial.setdefault("call", calls.first().pk)


class ExperimentationNewForm(ExperimentationFieldsForm):
    title = forms.CharField(label=_("Titre"), max_length=255)
    project_title = forms.CharField(label=_("Projet"), max_length=255, required=False)
    perimeter = forms.ModelChoiceField(
        label=_("Territoire"), queryset=Perimeter.objects.order_by("name"), required=False
    )
    field_order = ["call", "title", "project_title", "perimeter"]


class PublishForm(EssaimForm):
    title = forms.CharField(label=_("Titre publié"), max_length=255)
    question = forms.CharField(label=_("Question (anonymisée)"), widget=forms.Textarea)
    answer = forms.CharField(label=_("Réponse (anonymisée)"), widget=forms.Textarea)
    theme = forms.ChoiceField(label=_("Catégorie"), choices=())
    rule_level = forms.ChoiceField(
        label=_("Niveau de la règle"), choices=_blank(RuleLevel.choices), required=False
    )
    rule_reference = forms.CharField(label=_("Règle"), max_length=255, required=False)

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The categories of the ticket's programme (its admins run them).
        self.fields["theme"].choices = list(themes)


class ExperimentationActionForm(EssaimForm):
    comment = forms.CharField(
        label=_("Commentaire (motif, bilan)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    granted_from = forms.DateField(
        label=_("Dérogation du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    granted_until = forms.DateField(
        label=_("au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    granted_perimeter = forms.ModelChoiceField(
        label=_("Territoire de la dérogation"),
        queryset=Perimeter.objects.order_by("name"),
        required=False,
    )
    evaluation_date_1 = forms.DateField(
        label=_("Évaluation intermédiaire"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    evaluation_date_2 = forms.DateField(
        label=_("Évaluation finale"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class HeldMailAttachForm(EssaimForm):
    """Attach a message to confirm to a ticket of its single window, named by its number."""

    number = forms.CharField(
        label=_("Numéro de la saisine"),
        max_length=32,
        help_text=_("Par exemple SAISINE-2019-0042."),
    )

    def __init__(self, *args, item=None, **kwargs):
        self.item, self.ticket = item, None
        super().__init__(*args, **kwargs)

    def clean_number(self):
        number = self.cleaned_data["number"].strip().upper()
        ticket = Ticket.objects.filter(programme_id=self.item.programme_id, number=number).first()
        if self.item.programme_id is None or ticket is None:
            raise forms.ValidationError(_("Aucune saisine de ce numéro dans ce guichet unique."))
        self.ticket = ticket
        return number


class HeldMailDiscardForm(EssaimForm):
    comment = forms.CharField(
        label=_("Pourquoi l'écarter ? (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HeldMailAssignForm(EssaimForm):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None)

    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
