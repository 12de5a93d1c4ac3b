"""The open-data registry's vocabulary: a data set, its fields (a Table Schema type, a title and
a description in French and English), the licence and the CSV conventions (``opendata``)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

LICENSE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
LICENSE_ID = "etalab-2.0"
LICENSE_TITLE = "Licence Ouverte / Open Licence 2.0"
# Lists inside one cell (codes, slugs) are separated by one space: no code or slug holds one.
LIST_SEPARATOR = " "
CSV_DELIMITER = ";"  # as the impact app's open data


@dataclass(frozen=True)
class Text:
    fr: str
    en: str

    def get(self, language: str | None) -> str:
        return self.en if (language or "fr").startswith("en") else self.fr


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # a Table Schema type: string, integer, number, boolean, date, datetime, yearmonth…
    title: Text
    description: Text
    required: bool = False
    is_list: bool = False  # a string of values separated by LIST_SEPARATOR


@dataclass(frozen=True)
class Dataset:
    id: str
    title: Text
    description: Text
    keywords: tuple[str, ...]
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    # rows(base_url) -> the rows, each a dict of the fields' values (Python types); a constant
    # number of queries whatever the number of rows, streamed where the rows may be many.
    rows: Callable[[str], Iterable[dict]]
    modified: Callable[[], object]  # the latest change (datetime, date or None)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


def column(name, type_, fr_title, en_title, fr_desc, en_desc, **kw) -> Field:
    return Field(name, type_, Text(fr_title, en_title), Text(fr_desc, en_desc), **kw)


PROGRAMME = column(
    "programme",
    "string",
    "Programme",
    "Programme",
    "Identifiant (slug) du programme de labellisation.",
    "Identifier (slug) of the labelling programme.",
    required=True,
)
TERRITORY = column(
    "territory",
    "string",
    "Territoire",
    "Territory",
    "Identifiant (slug) du périmètre du territoire.",
    "Identifier (slug) of the territory's perimeter.",
    required=True,
)
TERRITORY_NAME = column(
    "territory_name",
    "string",
    "Nom du territoire",
    "Territory name",
    "Nom du territoire.",
    "Name of the territory.",
)
PAGE_URL = column(
    "page_url",
    "string",
    "Page publique",
    "Public page",
    "Adresse de la page publique sur la plateforme.",
    "Address of the public page on the platform.",
)
# The last columns of a directory record (projects, instruments): whether it is made up for the
# demonstration, when it last changed, its public page.
RECORD_END = (
    column(
        "fictitious",
        "boolean",
        "Fictif",
        "Fictitious",
        "Donnée inventée pour la démonstration.",
        "Made-up data for the demonstration.",
    ),
    column(
        "updated_at",
        "datetime",
        "Mis à jour",
        "Updated",
        "Dernière modification.",
        "Latest change.",
    ),
    PAGE_URL,
)
