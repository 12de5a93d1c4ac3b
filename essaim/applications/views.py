"""The applicant's pages: my applications, create, write (autosave), collective, challenges,
messages, transitions, receipt. Instructors' pages are in ``views_instruction``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaim.accounts import identity, permissions
from essaim.actors.models import Collective, Organisation
from essaim.applications import applying, forms, queries, rules, workflow
from essaim.applications.completeness import missing_items
from essaim.applications.models import (
    Application,
    ApplicationPerson,
    Attachment,
    Message,
)
from essaim.applications.receipt import receipt_pdf
from essaim.applications.services import allowed_transitions, application_transition
from essaim.applications.workflow import EDITABLE_STATES
from essaim.calls.models import Call, CallStatus


def _get(request, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(request.user).select_related(
            "call__programme",
            "perimeter",
            "collective",
            "form_version",
            "wave",
            "cutoff",
            "decision",
            "label",
        ),
        pk=pk,
    )


def _errors_to_messages(request, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                messages.error(request, error if field == "__all__" else f"{error}")
    else:
        for error in exc.messages:
            messages.error(request, error)


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


def mine(request):
    """The applications of the collectives the user belongs to, and those they were invited to."""
    user = request.user
    collectives = permissions.territory_collectives(user)
    applications = (
        Application.objects.visible_to(user)
        .filter(Q(people__user=user) | collectives.q("collective"))
        .distinct()
        .select_related("call", "perimeter", "wave")
        .order_by("-updated_at")
    )
    applications = list(applications)
    for application in applications:
        application.shown_status_label = queries.status_label(
            queries.shown_status(user, application)
        )
    calls = Call.objects.filter(status=CallStatus.OPEN).order_by("title")
    return render(request, "applications/mine.html", {"applications": applications, "calls": calls})


def create(request):
    call = get_object_or_404(
        Call.objects.filter(status=CallStatus.OPEN), slug=request.GET.get("appel", "")
    )
    collectives = (
        permissions.lead_collectives(request.user)
        .filter(Collective.objects.all(), "pk")
        .select_related("perimeter")
    )
    form = forms.ApplicationCreateForm(request.POST or None, collectives=collectives)
    if request.method == "POST" and form.is_valid():
        try:
            collective = form.cleaned_data.get("collective")
            perimeter = (
                collective.perimeter
                if collective and not form.cleaned_data.get("perimeter")
                else form.resolved_perimeter()
            )
            application = applying.application_create(
                user=request.user,
                call=call,
                perimeter=perimeter,
                title=form.cleaned_data["title"],
                collective=collective,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Brouillon créé : complétez la candidature."))
            return redirect("applications:edit", pk=application.pk)
    return render(request, "applications/create.html", {"form": form, "call": call})


def _detail_context(request, application: Application) -> dict:
    """What the detail page and its includes need; ``review`` reuses the includes."""
    from essaim.calls.formengine import FormEngine

    role = rules.applicant_role(request.user, application)
    is_staff = rules.can_instruct(request.user, application)
    members = application.collective.members.select_related("organisation")
    transitions = allowed_transitions(application, request.user)
    return {
        "application": application,
        "status_label": queries.status_label(queries.shown_status(request.user, application)),
        "decision": queries.decision_visible_to(request.user, application),
        "role": role,
        "is_staff": is_staff,
        "can_edit": rules.can_edit_application(request.user, application),
        "members": members,
        "people": application.people.select_related("user").order_by("-is_lead", "email"),
        "challenges": application.challenges.all(),
        "sections": FormEngine(application.form_version.schema).readonly(application.answers),
        "attachments": application.attachments.order_by("uploaded_at"),
        "thread": application.messages.select_related("author"),
        "history": queries.history_visible_to(request.user, application),
        "transitions": [
            (t, forms.TransitionForm(auto_id=f"id_{t.name}_%s", transition=t)) for t in transitions
        ],
        "missing": missing_items(application) if application.status in EDITABLE_STATES else [],
        "show_thread": role.is_applicant or is_staff,
        "message_form": forms.MessageForm(),
    }


def detail(request, pk: int):
    application = _get(request, pk)
    return render(request, "applications/detail.html", _detail_context(request, application))


def _edit_context(request, application, form, meta_form, result=None) -> dict:
    return {
        "application": application,
        "form": form,
        "meta_form": meta_form,
        "layout": form.layout(),
        "file_names": ",".join(form.file_names()),
        "missing": missing_items(application),
        "result": result,
        "transitions": [
            t
            for t in allowed_transitions(application, request.user)
            if t.name in {"submit", "resubmit"}
        ],
    }


def edit(request, pk: int):
    """The answers. POST saves every valid answer (and files), keeps what was typed, and with
    ``action=submit`` tries to submit; a refused submission keeps everything typed."""
    application = _get(request, pk)
    if not rules.can_edit_application(request.user, application):
        raise PermissionDenied
    engine = applying.engine_for(application)
    if request.method != "POST":
        form = engine.build_form(application.answers)
        meta_form = forms.ApplicationMetaForm(
            initial={"title": application.title, "summary": application.summary}
        )
        return render(
            request, "applications/edit.html", _edit_context(request, application, form, meta_form)
        )
    form = engine.build_form(application.answers, data=request.POST, files=request.FILES)
    meta_form = forms.ApplicationMetaForm(request.POST)
    result = applying.application_save_answers(
        user=request.user, application=application, form=form
    )
    if meta_form.is_valid():
        applying.application_update(
            user=request.user,
            application=application,
            title=meta_form.cleaned_data["title"],
            summary=meta_form.cleaned_data["summary"],
        )
    if (
        request.POST.get("action") in {"submit", "resubmit"}
        and not result.errors
        and meta_form.is_valid()
    ):
        try:
            application_transition(
                application=application, user=request.user, name=request.POST["action"]
            )
        except ValidationError as exc:
            messages.error(
                request, _("Dépôt refusé : la candidature est incomplète (voir la liste).")
            )
            _errors_to_messages(request, exc)
        except PermissionDenied:
            messages.error(request, _("Seul un signataire peut déposer la candidature."))
        else:
            messages.success(
                request, _("Candidature déposée. Un accusé de réception vous a été envoyé.")
            )
            return redirect("applications:detail", pk=application.pk)
    elif not result.errors and meta_form.is_valid():
        messages.success(request, _("Enregistré."))
        return redirect("applications:edit", pk=application.pk)
    application.refresh_from_db()
    return render(
        request,
        "applications/edit.html",
        _edit_context(request, application, form, meta_form, result),
    )


@require_POST
def autosave(request, pk: int):
    """htmx: save the valid answers of the posted form, answer the field errors and the time."""
    application = _get(request, pk)
    if not rules.can_edit_application(request.user, application):
        raise PermissionDenied
    engine = applying.engine_for(application)
    form = engine.build_form(application.answers, data=request.POST, files=None)
    result = applying.application_save_answers(
        user=request.user, application=application, form=form
    )
    meta_form = forms.ApplicationMetaForm(request.POST)
    if meta_form.is_valid():
        applying.application_update(
            user=request.user,
            application=application,
            title=meta_form.cleaned_data["title"],
            summary=meta_form.cleaned_data["summary"],
        )
    return render(
        request,
        "applications/includes/autosave_status.html",
        {
            "result": result,
            "saved_at": timezone.localtime(),
            "fields": [
                {"dom_id": name.replace(".", "-"), "error": result.errors.get(name, "")}
                for name in form.fields
                if name not in form.file_names()
            ],
            "missing": missing_items(application),
            "application": application,
        },
    )


def _save_posted(request, application) -> None:
    """Keep what was typed before a block is added or removed."""
    if not rules.can_edit_application(request.user, application):
        raise PermissionDenied
    if request.POST:
        form = applying.engine_for(application).build_form(
            application.answers, data=request.POST, files=request.FILES
        )
        applying.application_save_answers(user=request.user, application=application, form=form)


@require_POST
def block_add(request, pk: int, key: str):
    application = _get(request, pk)
    _save_posted(request, application)
    try:
        applying.block_add(user=request.user, application=application, key=key)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect(f"{application.get_absolute_url()}modifier/#bloc-{key}")


@require_POST
def block_remove(request, pk: int, key: str, index: int):
    application = _get(request, pk)
    _save_posted(request, application)
    try:
        applying.block_remove(user=request.user, application=application, key=key, index=index)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect(f"{application.get_absolute_url()}modifier/#bloc-{key}")


# -- collective ---------------------------------------------------------------------------------


def collective(request, pk: int):
    application = _get(request, pk)
    if not rules.can_lead_application(request.user, application):
        raise PermissionDenied
    context = {
        "application": application,
        "members": application.collective.members.select_related("organisation"),
        "people": application.people.select_related("user").order_by("-is_lead", "email"),
        "siret_form": forms.OrganisationSiretForm(),
        "invite_form": forms.PersonInviteForm(),
        "role_choices": forms.RoleForm.base_fields["role"].choices,
    }
    return render(request, "applications/collective.html", context)


def organisation_search(request, pk: int):
    """htmx: organisations matching a name, to add to the collective."""
    application = _get(request, pk)
    if not rules.can_lead_application(request.user, application):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    results = []
    if len(query) >= 2:
        results = list(
            Organisation.objects.filter(Q(name__icontains=query) | Q(acronym__icontains=query))
            .exclude(collective_memberships__collective=application.collective)
            .order_by("name")[:10]
        )
    return render(
        request,
        "applications/includes/organisation_results.html",
        {
            "application": application,
            "results": results,
            "query": query,
            "role_choices": forms.RoleForm.base_fields["role"].choices,
        },
    )


@require_POST
def member_add(request, pk: int):
    application = _get(request, pk)
    if not rules.can_lead_application(request.user, application):
        # Before looking the SIRET up: a refused request adds nothing to the directory either.
        raise PermissionDenied
    try:
        if request.POST.get("organisation"):
            form = forms.OrganisationPickForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.get_json_data())
            organisation = get_object_or_404(Organisation, pk=form.cleaned_data["organisation"])
        else:
            form = forms.OrganisationSiretForm(request.POST)
            if not form.is_valid():
                raise ValidationError(
                    {
                        f: [e["message"] for e in errs]
                        for f, errs in form.errors.get_json_data().items()
                    }
                )
            organisation = applying.organisation_for_siret(
                siret=form.cleaned_data["siret"], name=form.cleaned_data["name"]
            )
        applying.collective_member_add(
            user=request.user,
            application=application,
            organisation=organisation,
            role=form.cleaned_data["role"],
        )
        messages.success(
            request, _("« %(name)s » ajoutée au collectif.") % {"name": organisation.name}
        )
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect("applications:collective", pk=application.pk)


@require_POST
def member_role(request, pk: int, member_pk: int):
    application = _get(request, pk)
    member = get_object_or_404(application.collective.members, pk=member_pk)
    try:
        applying.collective_member_set_role(
            user=request.user,
            application=application,
            member=member,
            role=request.POST.get("role", ""),
        )
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect("applications:collective", pk=application.pk)


@require_POST
def member_remove(request, pk: int, member_pk: int):
    application = _get(request, pk)
    member = get_object_or_404(application.collective.members, pk=member_pk)
    try:
        applying.collective_member_remove(user=request.user, application=application, member=member)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect("applications:collective", pk=application.pk)


@require_POST
def person_invite(request, pk: int):
    application = _get(request, pk)
    form = forms.PersonInviteForm(request.POST)
    if form.is_valid():
        try:
            applying.person_invite(user=request.user, application=application, **form.cleaned_data)
            messages.success(request, _("Invitation envoyée à %(email)s.") % form.cleaned_data)
        except ValidationError as exc:
            _errors_to_messages(request, exc)
    else:
        if not rules.can_lead_application(request.user, application):
            raise PermissionDenied
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("applications:collective", pk=application.pk)


def _person(application, person_pk) -> ApplicationPerson:
    return get_object_or_404(application.people, pk=person_pk)


@require_POST
def person_update(request, pk: int, person_pk: int):
    application = _get(request, pk)
    form = forms.PersonRightsForm(request.POST)
    form.is_valid()
    try:
        applying.person_update(
            user=request.user,
            application=application,
            person=_person(application, person_pk),
            can_edit=form.cleaned_data.get("can_edit", False),
            is_signatory=form.cleaned_data.get("is_signatory", False),
        )
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect("applications:collective", pk=application.pk)


@require_POST
def person_remove(request, pk: int, person_pk: int):
    application = _get(request, pk)
    try:
        applying.person_remove(
            user=request.user, application=application, person=_person(application, person_pk)
        )
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect("applications:collective", pk=application.pk)


@require_POST
def handover(request, pk: int, person_pk: int):
    application = _get(request, pk)
    try:
        applying.lead_handover(
            user=request.user, application=application, person=_person(application, person_pk)
        )
        messages.success(request, _("Vous avez passé la main."))
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect("applications:detail", pk=application.pk)


def invitation(request, token: str):
    person = (
        ApplicationPerson.objects.filter(invitation_token=token)
        .select_related("application")
        .first()
    )
    if person is None:
        raise Http404(_("Invitation inconnue ou déjà acceptée."))
    if not identity.has_verified_email(request.user, person.email):
        # Signed in with another account: say which address to use (accounts' template).
        return render(
            request,
            "accounts/invitation_wrong_account.html",
            {"person": person, "invitation_url": request.path},
            status=403 if request.method == "POST" else 200,
        )
    if request.method == "POST":
        try:
            applying.person_accept(user=request.user, token=token)
        except ValidationError as exc:
            _errors_to_messages(request, exc)
            return redirect("applications:mine")
        messages.success(request, _("Vous avez rejoint la candidature."))
        return redirect("applications:detail", pk=person.application_id)
    return render(request, "applications/invitation.html", {"person": person})


# -- challenges ---------------------------------------------------------------------------------


def challenges(request, pk: int, challenge_pk: int | None = None):
    application = _get(request, pk)
    if not rules.can_edit_application(request.user, application):
        raise PermissionDenied
    challenge = get_object_or_404(application.challenges, pk=challenge_pk) if challenge_pk else None
    initial = (
        {
            "title": challenge.title,
            "description": challenge.description,
            "lines": "\n".join(challenge.lines),
        }
        if challenge
        else None
    )
    form = forms.ChallengeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            applying.challenge_save(
                user=request.user, application=application, challenge=challenge, **form.cleaned_data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Défi enregistré."))
            return redirect("applications:challenges", pk=application.pk)
    return render(
        request,
        "applications/challenges.html",
        {
            "application": application,
            "challenges": application.challenges.all(),
            "form": form,
            "editing": challenge,
        },
    )


@require_POST
def challenge_remove(request, pk: int, challenge_pk: int):
    application = _get(request, pk)
    challenge = get_object_or_404(application.challenges, pk=challenge_pk)
    try:
        applying.challenge_remove(user=request.user, application=application, challenge=challenge)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect("applications:challenges", pk=application.pk)


@require_POST
def challenge_move(request, pk: int, challenge_pk: int, direction: str):
    application = _get(request, pk)
    challenge = get_object_or_404(application.challenges, pk=challenge_pk)
    try:
        applying.challenge_move(
            user=request.user,
            application=application,
            challenge=challenge,
            offset=-1 if direction == "haut" else 1,
        )
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect("applications:challenges", pk=application.pk)


# -- messages, transitions, files ----------------------------------------------------------------


@require_POST
def message_create(request, pk: int):
    application = _get(request, pk)
    form = forms.MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            applying.message_post(
                user=request.user,
                application=application,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data.get("attachment"),
            )
        except ValidationError as exc:
            context = _detail_context(request, application)
            _add_errors(form, exc)
            context["message_form"] = form
            return render(request, "applications/detail.html", context, status=422)
        messages.success(request, _("Message envoyé."))
        return redirect(f"{application.get_absolute_url()}#messages")
    if not rules.can_message(request.user, application):
        raise PermissionDenied
    context = _detail_context(request, application)
    context["message_form"] = form
    return render(request, "applications/detail.html", context, status=422)


@require_POST
def transition(request, pk: int, name: str):
    """The one view for every workflow action the table offers (applicant or instructor)."""
    application = _get(request, pk)
    transition = workflow.BY_NAME.get(name)
    if transition is None:
        raise Http404(_("Action inconnue : « %(name)s ».") % {"name": name})
    form = forms.TransitionForm(request.POST, transition=transition)
    form.is_valid()
    try:
        application_transition(
            application=application,
            user=request.user,
            name=name,
            comment=form.cleaned_data.get("comment", ""),
            audience=form.cleaned_data.get("audience"),
        )
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("Action effectuée."))
    return redirect("applications:detail", pk=application.pk)


def receipt(request, pk: int):
    application = _get(request, pk)
    if application.submitted_at is None:
        raise Http404(_("Pas encore déposée : pas de récépissé."))
    if not rules.can_message(request.user, application):
        raise PermissionDenied
    response = HttpResponse(
        receipt_pdf(application, user=request.user), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="recepisse-{application.reference}.pdf"'
    )
    return response


def attachment_download(request, pk: int, attachment_pk: int):
    application = _get(request, pk)
    attachment = get_object_or_404(Attachment, application=application, pk=attachment_pk)
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name
    )


def message_attachment(request, pk: int, message_pk: int):
    application = _get(request, pk)
    if not rules.can_message(request.user, application):
        raise Http404  # the thread is between the collective and the programme team only
    message = get_object_or_404(Message, application=application, pk=message_pk)
    if not message.attachment:
        raise Http404
    return FileResponse(
        message.attachment.open("rb"),
        as_attachment=True,
        filename=message.attachment_name or "piece-jointe",
    )
