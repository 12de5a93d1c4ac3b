"""The open-data pages: the list of data sets (``/donnees/``), each data set as CSV, JSON and
Table Schema, and the DCAT-AP catalogue in JSON-LD at a stable address. Public, read-only; the
files are streamed, a constant number of queries whatever their size."""

import json

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from essaim.calls.models import Programme
from essaim.portal import opendata, opendata_formats
from essaim.portal.opendata_fields import CSV_DELIMITER, LICENSE_TITLE, LICENSE_URL

CATALOGUE_TYPE = "application/ld+json"


def _dataset(dataset_id: str):
    dataset = opendata.get(dataset_id)
    if dataset is None:
        raise Http404(_("Jeu de données introuvable."))
    return dataset


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _urls(request):
    """``urls(kind, dataset)``: the absolute address of the catalogue, the list page or one of
    a data set's files."""
    names = {"csv": "opendata:csv", "json": "opendata:json", "schema": "opendata:schema"}

    def url(kind: str, dataset) -> str:
        if kind == "catalogue":
            return request.build_absolute_uri(reverse("opendata:catalogue"))
        if kind == "index":
            return request.build_absolute_uri(reverse("opendata:index"))
        return request.build_absolute_uri(reverse(names[kind], args=[dataset.id]))

    return url


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_not_required
@require_safe
def index(request):
    language = get_language()
    datasets = [
        {
            "id": dataset.id,
            "title": dataset.title.get(language),
            "description": dataset.description.get(language),
            "modified": dataset.modified(),
            "field_count": len(dataset.fields),
        }
        for dataset in opendata.DATASETS
    ]
    return render(
        request,
        "portal/opendata/index.html",
        {
            "datasets": datasets,
            "license_title": LICENSE_TITLE,
            "license_url": LICENSE_URL,
            "delimiter": CSV_DELIMITER,
        },
    )


@login_not_required
@require_safe
def dataset_csv(request, dataset_id: str):
    dataset = _dataset(dataset_id)
    lines = opendata_formats.csv_lines(dataset, _base_url(request))
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in lines), content_type="text/csv; charset=utf-8"
    )
    return _attachment(response, f"{dataset.id}.csv")


@login_not_required
@require_safe
def dataset_json(request, dataset_id: str):
    dataset = _dataset(dataset_id)
    chunks = opendata_formats.json_chunks(
        dataset,
        _base_url(request),
        schema_url=_urls(request)("schema", dataset),
        language=get_language(),
    )
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in chunks), content_type="application/json"
    )
    return _attachment(response, f"{dataset.id}.json")


@login_not_required
@require_safe
def dataset_schema(request, dataset_id: str):
    dataset = _dataset(dataset_id)
    schema = opendata_formats.table_schema(dataset, get_language())
    return HttpResponse(
        json.dumps(schema, ensure_ascii=False, indent=2), content_type="application/json"
    )


@login_not_required
@require_safe
def catalogue(request):
    """The DCAT-AP catalogue (JSON-LD): every data set of the registry with its three files."""
    programme = Programme.objects.select_related("owner").order_by("pk").first()
    publisher = programme.owner.name if programme and programme.owner_id else "Essaim"
    document = opendata_formats.catalogue(
        opendata.DATASETS,
        urls=_urls(request),
        publisher=publisher,
        modified={dataset.id: dataset.modified() for dataset in opendata.DATASETS},
    )
    return HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type=CATALOGUE_TYPE
    )
