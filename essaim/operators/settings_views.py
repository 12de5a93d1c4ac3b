"""A programme's settings, run by its admins (a superuser too): presentation, zone, logo and
label validity; support axes; the whole configuration downloaded as YAML or imported from a
file (validated whole, previewed, then imported). Other programmes' staff and everyone else get
a 404. Also the superuser's "new programme from a file" and the public logo."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from essaim.accounts import permissions
from essaim.calls.models import Programme
from essaim.core.forms import add_service_errors
from essaim.core.history import history_rows
from essaim.financing.models import Instrument
from essaim.operators import programme_file, settings_services
from essaim.operators.forms import ProgrammeCreateForm
from essaim.operators.services import ProgrammeFileRefused, programme_start_from_file
from essaim.operators.settings_forms import (
    LOGO_FORMATS,
    AxisForm,
    ConfigurationFileForm,
    ConfirmImportForm,
    LogoForm,
    ProgrammeSettingsForm,
)
from essaim.support.models import SupportAxis

HISTORY_SHOWN = 20

# What the import preview counts, in words (``ImportResult.counts``' second key).
KIND_WORDS = {
    "programme": gettext_lazy("programme"),
    "organisation": gettext_lazy("organisations (porteur, partenaire expert)"),
    "regions": gettext_lazy("zone du programme"),
    "axis": gettext_lazy("axes d'accompagnement"),
    "wave": gettext_lazy("vagues"),
    "call": gettext_lazy("appels"),
    "cutoff": gettext_lazy("dates limites de dépôt"),
    "form": gettext_lazy("versions de formulaire"),
    "grid": gettext_lazy("grilles de notation"),
    "criterion": gettext_lazy("critères de notation"),
    "category": gettext_lazy("catégories de la base de connaissances"),
    "instrument": gettext_lazy("outils de financement référencés"),
    "partner": gettext_lazy("partenariats"),
}


def _programme(request, slug: str) -> Programme:
    """The programme whose settings ``request.user`` runs; a 404 for anyone else (other
    programmes' staff included: they learn nothing of this page)."""
    programme = get_object_or_404(Programme, slug=slug[:50])
    if not request.user.has_perm("operators.configure_programme", programme):
        raise Http404
    return programme


@require_GET
def settings_home(request):
    """The programmes whose settings the user runs: straight to the one when there is one."""
    programmes = list(
        permissions.admin_programmes(request.user).filter(Programme.objects.order_by("name"), "pk")
    )
    if len(programmes) == 1:
        return redirect("operators:settings", slug=programmes[0].slug)
    if not programmes:
        raise PermissionDenied
    return render(request, "operators/settings/home.html", {"programmes": programmes})


def _settings_page(request, programme, form=None, logo_form=None):
    return render(
        request,
        "operators/settings/settings.html",
        {
            "programme": programme,
            "form": form or ProgrammeSettingsForm(instance=programme),
            "logo_form": logo_form or LogoForm(),
            "axis_count": SupportAxis.objects.filter(programme=programme).count(),
            "instrument_count": Instrument.objects.filter(is_published=True).count(),
            "history": history_rows(programme, limit=HISTORY_SHOWN),
        },
        status=422 if (form or logo_form) is not None else 200,
    )


def programme_settings(request, slug: str):
    programme = _programme(request, slug)
    if request.method != "POST":
        return _settings_page(request, programme)
    form = ProgrammeSettingsForm(request.POST, instance=Programme.objects.get(pk=programme.pk))
    if form.is_valid():
        data = dict(form.cleaned_data)
        regions = data.pop("regions")
        try:
            settings_services.programme_settings_update(
                user=request.user, programme=programme, regions=regions, **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Les paramètres du programme sont enregistrés."))
            return redirect("operators:settings", slug=programme.slug)
    return _settings_page(request, programme, form=form)


@require_POST
def programme_logo_change(request, slug: str):
    programme = _programme(request, slug)
    form = LogoForm(request.POST, request.FILES)
    if not form.is_valid():
        return _settings_page(request, programme, logo_form=form)
    logo = None if form.cleaned_data["remove"] else form.cleaned_data["logo"]
    settings_services.programme_logo_set(user=request.user, programme=programme, logo=logo)
    messages.success(
        request,
        _("Le logo est retiré.") if logo is None else _("Le logo est enregistré."),
    )
    return redirect("operators:settings", slug=programme.slug)


@login_not_required
@require_GET
def programme_logo(request, slug: str):
    """The programme's logo, public like its page: served with its checked type, never
    sniffed as something else."""
    programme = get_object_or_404(Programme.objects.only("slug", "logo"), slug=slug[:50])
    if not programme.logo:
        raise Http404
    kind = "image/png" if programme.logo.name.endswith(".png") else "image/jpeg"
    if kind not in LOGO_FORMATS.values():  # pragma: no cover - the form stores only these
        raise Http404
    try:
        handle = programme.logo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=kind)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- Support axes -------------------------------------------------------------------------------


def _axes_page(request, programme, form=None, edited=None):
    axes = settings_services.axes_with_use(programme)
    return render(
        request,
        "operators/settings/axes.html",
        {
            "programme": programme,
            "axes": axes,
            "form": form if edited is None and form is not None else AxisForm(),
            "edited": edited,
            "edit_form": form if edited is not None else None,
            "history": settings_services.axes_history(axes, limit=HISTORY_SHOWN),
        },
        status=422 if form is not None else 200,
    )


def axes(request, slug: str):
    programme = _programme(request, slug)
    if request.method != "POST":
        return _axes_page(request, programme)
    form = AxisForm(request.POST)
    if form.is_valid():
        try:
            axis = settings_services.support_axis_add(
                user=request.user, programme=programme, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("L'axe « %(title)s » est ajouté.") % {"title": axis.title})
            return redirect("operators:axes", slug=programme.slug)
    return _axes_page(request, programme, form=form)


def _axis(programme, pk: int) -> SupportAxis:
    axis = SupportAxis.objects.filter(programme=programme, pk=pk).first()
    if axis is None:
        raise Http404
    axis.programme = programme
    return axis


@require_POST
def axis_update(request, slug: str, pk: int):
    programme = _programme(request, slug)
    axis = _axis(programme, pk)
    form = AxisForm(request.POST, prefix=f"axis-{axis.pk}")
    if form.is_valid():
        try:
            settings_services.support_axis_update(user=request.user, axis=axis, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("L'axe est enregistré."))
            return redirect("operators:axes", slug=programme.slug)
    return _axes_page(request, programme, form=form, edited=axis.pk)


def move_offset(request) -> int:
    """One place up or down in an ordered list of the settings (axes, categories)."""
    return -1 if request.POST.get("direction") == "up" else 1


def ordered_list_action(request, programme, page: str, act, done: str = ""):
    """Move or delete an item of an ordered list of the settings: ``act`` calls the service; a
    refusal (a deletion the plans or answers forbid, the end of the list) is shown, not raised."""
    try:
        act()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if done:
            messages.success(request, done)
    return redirect(page, slug=programme.slug)


@require_POST
def axis_move(request, slug: str, pk: int):
    programme = _programme(request, slug)
    axis = _axis(programme, pk)
    return ordered_list_action(
        request,
        programme,
        "operators:axes",
        lambda: settings_services.support_axis_move(
            user=request.user, axis=axis, offset=move_offset(request)
        ),
    )


@require_POST
def axis_delete(request, slug: str, pk: int):
    programme = _programme(request, slug)
    axis = _axis(programme, pk)
    return ordered_list_action(
        request,
        programme,
        "operators:axes",
        lambda: settings_services.support_axis_delete(user=request.user, axis=axis),
        _("L'axe « %(title)s » est supprimé.") % {"title": axis.title},
    )


# --- The configuration file ---------------------------------------------------------------------


@require_GET
def configuration_download(request, slug: str):
    """The same file as ``essaim programme export SLUG``."""
    programme = _programme(request, slug)
    text = programme_file.dump(programme_file.export_programme(programme))
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}.yaml"'
    return response


def _import_page(request, programme, *, form=None, problems=(), preview=None, confirm=None):
    return render(
        request,
        "operators/settings/import.html",
        {
            "programme": programme,
            "form": form or ConfigurationFileForm(),
            "problems": problems,
            "preview": preview,
            "preview_rows": [
                (KIND_WORDS.get(what, what), created, updated)
                for what, created, updated in (preview.rows() if preview else [])
            ],
            "confirm": confirm,
        },
        status=422 if problems or (form is not None and form.errors) else 200,
    )


def configuration_import(request, slug: str):
    """Step 1: send a file; every problem is listed with its path. Step 2: what would change,
    to confirm (``configuration_import_confirm``)."""
    programme = _programme(request, slug)
    if request.method != "POST":
        return _import_page(request, programme)
    form = ConfigurationFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, programme, form=form)
    text = form.cleaned_data["file"]
    data, problems = programme_file.read(text)
    if not problems:
        try:
            preview = settings_services.programme_configuration_preview(
                user=request.user, programme=programme, data=data
            )
        except ProgrammeFileRefused as refused:
            problems = refused.problems
        else:
            confirm = ConfirmImportForm(initial={"content": ConfirmImportForm.encode(text)})
            return _import_page(request, programme, preview=preview, confirm=confirm)
    return _import_page(request, programme, form=form, problems=problems)


@require_POST
def configuration_import_confirm(request, slug: str):
    programme = _programme(request, slug)
    confirm = ConfirmImportForm(request.POST)
    if not confirm.is_valid():
        messages.error(request, " ".join(confirm.errors.get("content", [])))
        return redirect("operators:configuration_import", slug=programme.slug)
    data, problems = programme_file.read(confirm.cleaned_data["content"])
    if not problems:
        try:
            result = settings_services.programme_configuration_import(
                user=request.user, programme=programme, data=data
            )
        except ProgrammeFileRefused as refused:
            problems = refused.problems
        else:
            messages.success(
                request,
                _("Configuration importée : %(summary)s.") % {"summary": result.summary()}
                if result.changed
                else _("Ce fichier ne change rien : la configuration est déjà la sienne."),
            )
            return redirect("operators:settings", slug=programme.slug)
    return _import_page(request, programme, problems=problems)


@require_POST
def programme_create_from_file(request):
    """A superuser starts a programme from a configuration file (a new identifier)."""
    if not request.user.has_perm("operators.create_programme"):
        raise PermissionDenied
    file_form = ConfigurationFileForm(request.POST, request.FILES, prefix="from-file")
    problems = []
    if file_form.is_valid():
        data, problems = programme_file.read(file_form.cleaned_data["file"])
        if not problems:
            try:
                result = programme_start_from_file(user=request.user, data=data)
            except ValidationError as error:
                if set(getattr(error, "error_dict", {})) == {"slug"}:  # the identifier is taken
                    add_service_errors(file_form, error, rename={"slug": "file"})
                else:  # what the models refuse beyond the schema
                    problems = settings_services.validation_problems(error)
            except ProgrammeFileRefused as refused:
                problems = refused.problems
            else:
                messages.success(
                    request,
                    _("Le programme « %(name)s » est créé depuis le fichier (%(summary)s).")
                    % {"name": result.programme.name, "summary": result.summary()},
                )
                return redirect("operators:settings", slug=result.programme.slug)
    return render(
        request,
        "operators/programme_create.html",
        {
            "form": ProgrammeCreateForm(templates=programme_file.template_names()),
            "file_form": file_form,
            "problems": problems,
        },
        status=422,
    )
