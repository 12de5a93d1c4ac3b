"""The page of a territory's ecosystem network: the picture, the measures and the table
alternative. Who sees what: ``essaim.synergies.network``'s docstring."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from essaim.actors.models import Organisation
from essaim.core.forms import add_service_errors
from essaim.projects.models import Project
from essaim.synergies import network, network_services, network_svg
from essaim.synergies.models import ProjectRelation
from essaim.synergies.network_forms import ProjectRelationEndForm, ProjectRelationForm
from essaim.synergies.rules import can_add_project_relation, can_end_project_relation

# The table lists at most this many nodes and relations (the most connected first); the API
# pages through the rest.
TABLE_ROWS = 300


@login_not_required
@require_safe
def territory_network(request, slug: str):
    label = network.territory_label(request.user, slug)
    if label is None:
        raise Http404(
            _("Aucun territoire labellisé n'a l'identifiant « %(slug)s ».") % {"slug": slug}
        )
    graph = network.build(label, request.user)
    nodes = graph.ranked()
    edges = sorted(
        graph.edges,
        key=lambda e: (e.started_on is None, e.started_on, graph.name_of(e.source)),
    )
    return render(
        request,
        "synergies/network/territory.html",
        {
            "label": label,
            "territory": label.perimeter,
            "network": graph,
            "svg": network_svg.render(graph),
            "nodes": nodes[:TABLE_ROWS],
            "nodes_truncated": len(nodes) > TABLE_ROWS,
            "edges": [
                {
                    "source": graph.nodes[e.source],
                    "target": graph.nodes[e.target],
                    "edge": e,
                }
                for e in edges[:TABLE_ROWS]
            ],
            "edges_truncated": len(edges) > TABLE_ROWS,
            "node_count": len(nodes),
            "edge_count": len(edges),
            "max_rows": TABLE_ROWS,
        },
    )


def project_relation_add(request, pk: int):
    """Declare an organisation's relation with a project (funder, partner, supplier, mentor…):
    a ``synergies.ProjectRelation``."""
    project = get_object_or_404(
        Project.objects.visible_to(request.user).select_related("holder"), pk=pk
    )
    if not can_add_project_relation(request.user, project):
        raise PermissionDenied(
            _("Seuls les membres de la structure porteuse déclarent les relations du projet.")
        )
    form = ProjectRelationForm(request.POST or None, project=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            network_services.project_relation_add(
                user=request.user,
                project=project,
                organisation=data["organisation"],
                kind=data["kind"],
                started_on=data.get("started_on"),
                ended_on=data.get("ended_on"),
                description=data.get("description", ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Relation du projet enregistrée."))
            return redirect(project)
    return render(
        request, "synergies/network/project_relation_form.html", {"form": form, "project": project}
    )


def project_relation_end(request, pk: int):
    """End a project's relation (the day it ended): from the project's page, for who may
    declare its relations. A relation of a project the user does not see is a 404."""
    relation = get_object_or_404(
        ProjectRelation.objects.filter(
            project__in=Project.objects.visible_to(request.user),
            organisation__in=Organisation.objects.visible_to(request.user),
        ).select_related("project__holder", "organisation"),
        pk=pk,
    )
    if not can_end_project_relation(request.user, relation):
        raise PermissionDenied(
            _("Seuls les membres de la structure porteuse déclarent les relations du projet.")
        )
    form = ProjectRelationEndForm(
        request.POST if request.method == "POST" else None, relation=relation
    )
    if request.method == "POST" and form.is_valid():
        try:
            network_services.project_relation_end(
                user=request.user, relation=relation, ended_on=form.cleaned_data["ended_on"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("La relation avec %(organisation)s a pris fin.")
                % {"organisation": relation.organisation.name},
            )
            return redirect(f"{relation.project.get_absolute_url()}#project-relations")
    return render(
        request,
        "synergies/network/project_relation_end.html",
        {"form": form, "relation": relation, "project": relation.project},
        status=422 if form.errors else 200,
    )


def project_section(*, request, project) -> dict | None:
    """The project's relations on its page, for its editors (``projects.hooks``), with the links
    to declare one and to end one for those who may (one query)."""
    return {
        "template": "synergies/network/_project_section.html",
        "project": project,
        "relations": ProjectRelation.objects.filter(project=project)
        .filter(organisation__in=Organisation.objects.visible_to(request.user))
        .select_related("organisation")
        .order_by("started_on", "pk"),
        "can_add": can_add_project_relation(request.user, project),
    }
