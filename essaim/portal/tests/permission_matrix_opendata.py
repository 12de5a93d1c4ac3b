"""The permission matrix's rows of the open data (``essaim.portal.opendata_urls``; merged into
``PAGES`` by ``permission_matrix.py``, same columns and letters): public and read-only — every
identity reads the list, the catalogue and each data set's files; a POST is refused (405)."""

_READ_ONLY = ("o o o o o o o o o o", "x x x x x x x x x x")

OPENDATA_PAGES: dict[str, tuple[str, str | None, str | None]] = {
    "opendata:index": ("", *_READ_ONLY),
    "opendata:catalogue": ("", *_READ_ONLY),
    "opendata:csv": ("dataset_id=:projets", *_READ_ONLY),
    "opendata:json": ("dataset_id=:territoires-labellises", *_READ_ONLY),
    "opendata:schema": ("dataset_id=:guichet-unique-saisines", *_READ_ONLY),
}
