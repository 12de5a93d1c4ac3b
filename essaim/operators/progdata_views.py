"""A programme's knowledge-base categories and the financing instruments it references, run by
its admins from its settings (other programmes' staff and everyone else get a 404, like the
settings page). Every write goes through ``essaim.regulatory.services.categories`` and
``essaim.financing.programme_instruments``."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from essaim.core.forms import add_service_errors
from essaim.core.history import history_rows
from essaim.financing import programme_instruments
from essaim.financing.models import Instrument
from essaim.operators.settings_forms import CategoryForm
from essaim.operators.settings_views import (
    HISTORY_SHOWN,
    _programme,
    move_offset,
    ordered_list_action,
)
from essaim.regulatory.models import KnowledgeCategory
from essaim.regulatory.services import categories


def _categories_page(request, programme, form=None, edited=None):
    return render(
        request,
        "operators/settings/categories.html",
        {
            "programme": programme,
            "categories": categories.categories_with_use(programme),
            "form": form if edited is None and form is not None else CategoryForm(),
            "edited": edited,
            "edit_form": form if edited is not None else None,
            "history": history_rows(programme, limit=HISTORY_SHOWN),
        },
        status=422 if form is not None else 200,
    )


def knowledge_categories(request, slug: str):
    programme = _programme(request, slug)
    if request.method != "POST":
        return _categories_page(request, programme)
    form = CategoryForm(request.POST)
    if form.is_valid():
        try:
            category = categories.category_add(
                user=request.user, programme=programme, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("La catégorie « %(title)s » est ajoutée.") % {"title": category.title}
            )
            return redirect("operators:categories", slug=programme.slug)
    return _categories_page(request, programme, form=form)


def _category(programme, pk: int) -> KnowledgeCategory:
    category = KnowledgeCategory.objects.filter(programme=programme, pk=pk).first()
    if category is None:
        raise Http404
    category.programme = programme
    return category


@require_POST
def category_update(request, slug: str, pk: int):
    programme = _programme(request, slug)
    category = _category(programme, pk)
    form = CategoryForm(request.POST, prefix=f"category-{category.pk}")
    if form.is_valid():
        try:
            categories.category_update(user=request.user, category=category, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("La catégorie est enregistrée."))
            return redirect("operators:categories", slug=programme.slug)
    return _categories_page(request, programme, form=form, edited=category.pk)


@require_POST
def category_move(request, slug: str, pk: int):
    programme = _programme(request, slug)
    category = _category(programme, pk)
    return ordered_list_action(
        request,
        programme,
        "operators:categories",
        lambda: categories.category_move(
            user=request.user, category=category, offset=move_offset(request)
        ),
    )


@require_POST
def category_delete(request, slug: str, pk: int):
    programme = _programme(request, slug)
    category = _category(programme, pk)
    return ordered_list_action(
        request,
        programme,
        "operators:categories",
        lambda: categories.category_delete(user=request.user, category=category),
        _("La catégorie « %(title)s » est supprimée.") % {"title": category.title},
    )


# --- Financing instruments ---------------------------------------------------------------------


@require_GET
def instruments(request, slug: str):
    """The instruments the programme references; the catalogue searched (``?q=``) to add one."""
    programme = _programme(request, slug)
    q = " ".join(request.GET.get("q", "").split())[:100]
    return render(
        request,
        "operators/settings/instruments.html",
        {
            "programme": programme,
            "references": programme_instruments.referenced(programme),
            "q": q,
            "found": programme_instruments.catalogue_search(programme, q),
            "history": history_rows(programme, limit=HISTORY_SHOWN),
        },
    )


def _instrument(request) -> Instrument:
    try:
        pk = int(request.POST.get("instrument", ""))
    except ValueError:
        raise Http404 from None
    instrument = Instrument.objects.published().filter(pk=pk).first()
    if instrument is None:
        raise Http404
    return instrument


@require_POST
def instrument_add(request, slug: str):
    programme = _programme(request, slug)
    instrument = _instrument(request)
    try:
        programme_instruments.programme_instrument_add(
            user=request.user, programme=programme, instrument=instrument
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("« %(name)s » est référencé par le programme.") % {"name": instrument.name}
        )
    return redirect("operators:instruments", slug=programme.slug)


@require_POST
def instrument_remove(request, slug: str):
    programme = _programme(request, slug)
    instrument = _instrument(request)
    if programme_instruments.programme_instrument_remove(
        user=request.user, programme=programme, instrument=instrument
    ):
        messages.success(
            request,
            _("« %(name)s » n'est plus référencé par le programme.") % {"name": instrument.name},
        )
    return redirect("operators:instruments", slug=programme.slug)
