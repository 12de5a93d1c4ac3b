from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaim.accounts import permissions
from essaim.actors.models import Organisation
from essaim.core import cache, history
from essaim.core.forms import add_service_errors
from essaim.core.pagination import paginate
from essaim.projects import queries, rules, services
from essaim.projects.forms import DirectoryForm, NeedForm, ProjectForm
from essaim.projects.hooks import project_editor_sections, project_need_actions
from essaim.projects.models import Project

PAGE_SIZE = 20


def _history(project) -> list:
    return history.history_rows(project)


def _directory_body(request) -> str:
    form = DirectoryForm(request.GET or None)
    qs = queries.directory(Project.objects.visible_to(request.user), **form.filters())
    page = paginate(request, qs, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render_to_string("projects/_directory_body.html", context, request)


@login_not_required
def directory(request):
    """What anonymous readers are shown is cached (``essaim.core.cache``, topic projects): the
    public projects; a signed-in reader may see more (their unpublished projects)."""
    body = cache.for_anonymous(
        request,
        "project_directory",
        topics=(cache.PROJECTS,),
        compute=partial(_directory_body, request),
    )
    return render(
        request,
        "projects/directory.html",
        {"body": body, "can_create": rules.can_create_any(request.user)},
    )


def _project(request, pk: int) -> Project:
    return get_object_or_404(
        Project.objects.visible_to(request.user).select_related(
            "holder", "perimeter", "collective", "challenge"
        ),
        pk=pk,
    )


@login_not_required
def detail(request, pk: int):
    project = _project(request, pk)
    can_edit = rules.can_edit_project(request.user, project)
    context = {
        "project": project,
        "needs": _needs(request, project),
        "communes": list(project.communes.order_by("name")[:50]),
        "can_edit": can_edit,
        "need_form": NeedForm() if can_edit else None,
    }
    if can_edit:
        context["history"] = _history(project)
        context["sections"] = _editor_sections(request, project)
    return render(request, "projects/detail.html", context)


def _needs(request, project) -> list:
    """The project's needs, each with the ``actions`` higher apps offer the reader on it
    (synergies: "Je peux aider" for an engaged company's member)."""
    needs = list(project.needs.all())
    actions: dict[int, list[dict]] = {}
    for offered in project_need_actions(request=request, project=project, needs=needs):
        for pk, items in (offered or {}).items():
            actions.setdefault(pk, []).extend(items)
    for need in needs:
        need.actions = actions.get(need.pk, [])
    return needs


def _editor_sections(request, project) -> list[dict]:
    """What higher apps add to the page of a project its editor reads (financing: the requests
    sent for it and the alert on new instruments)."""
    sections = project_editor_sections(request=request, project=project)
    return [section for section in sections if section]


def _holders(user):
    """The organisations ``user`` may create a project for: any, for programme staff (the
    territory they choose must be their programme's: the service checks it); otherwise their own
    and their collectives' organisations."""
    if permissions.staff_programmes(user):
        return Organisation.objects.order_by("name")
    from django.db.models import Q

    query = Q(pk__in=[])
    holders = permissions.holder_organisations(user)
    if holders:
        query |= holders.q("pk")
    territories = permissions.territory_collectives(user)
    if territories:
        query |= territories.q("collective_memberships__collective")
    return Organisation.objects.filter(query).distinct().order_by("name")


def _save(request, form, project=None):
    data = {k: v for k, v in form.cleaned_data.items() if k != "holder"}
    try:
        if project is None:
            return services.project_create(
                user=request.user, holder=form.cleaned_data["holder"], data=data
            )
        return services.project_update(user=request.user, project=project, data=data)
    except ValidationError as exc:
        add_service_errors(form, exc)
    return None


def create(request):
    if not rules.can_create_any(request.user):
        raise PermissionDenied(_("Vous ne pouvez pas créer de projet."))
    form = ProjectForm(request.POST or None, user=request.user, holders=_holders(request.user))
    if request.method == "POST" and form.is_valid():
        project = _save(request, form)
        if project is not None:
            messages.success(request, _("Projet créé."))
            return redirect(project)
    return render(request, "projects/form.html", {"form": form, "project": None})


def edit(request, pk: int):
    project = _project(request, pk)
    if not rules.can_edit_project(request.user, project):
        raise PermissionDenied(_("Vous ne pouvez pas modifier ce projet."))
    form = ProjectForm(
        request.POST or None, user=request.user, instance=Project.objects.get(pk=project.pk)
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, project)
        if saved is not None:
            messages.success(request, _("Projet enregistré."))
            return redirect(saved)
    return render(request, "projects/form.html", {"form": form, "project": project})


@require_POST
def need_add(request, pk: int):
    project = _project(request, pk)
    if not rules.can_edit_project(request.user, project):
        raise PermissionDenied(_("Vous ne pouvez pas modifier ce projet."))
    form = NeedForm(request.POST)
    if form.is_valid():
        try:
            services.need_add(user=request.user, project=project, **form.cleaned_data)
            messages.success(request, _("Besoin ajouté."))
            return redirect(project)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "needs": _needs(request, project),
            "communes": list(project.communes.order_by("name")[:50]),
            "can_edit": True,
            "need_form": form,
            "history": _history(project),
            "sections": _editor_sections(request, project),
        },
        status=422,
    )
