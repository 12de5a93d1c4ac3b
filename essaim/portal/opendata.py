"""The open-data registry: every public data set of the platform, in one place — its identifier,
title, description, fields (Table Schema type, French and English title and description), the
producer of its rows (``opendata_rows``), its primary key and the date of its latest change.

The downloads (CSV, JSON, Table Schema) and the DCAT-AP catalogue (``opendata_formats``) are
built from this registry only: a data set added here is listed, downloadable and catalogued.

What is public is each app's own definition, asked through its querysets: labels of published
waves (``Label.objects.public``), published projects (``Project.objects.visible_to`` an
anonymous reader), published instruments (``Instrument.objects.published``), published impact
values (``essaim.impact.opendata``); the single window gives counts only.
"""

from essaim.portal.opendata_figures import IMPACT_PROGRAMMES, IMPACT_TERRITORIES, SINGLE_WINDOW
from essaim.portal.opendata_projects import INSTRUMENTS, PROJECTS
from essaim.portal.opendata_territories import TERRITORIES, TERRITORY_COMMUNES

DATASETS = (
    TERRITORIES,
    TERRITORY_COMMUNES,
    PROJECTS,
    INSTRUMENTS,
    IMPACT_PROGRAMMES,
    IMPACT_TERRITORIES,
    SINGLE_WINDOW,
)
BY_ID = {dataset.id: dataset for dataset in DATASETS}


def get(dataset_id: str):
    """The data set ``dataset_id``, or ``None``."""
    return BY_ID.get(dataset_id[:80])
