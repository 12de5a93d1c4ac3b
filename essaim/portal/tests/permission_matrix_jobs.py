"""The permission matrix's rows of the background jobs' pages ("Mes exports", ``essaim.core.jobs``;
``permission_matrix.py`` merges them; same columns and letters). The job asked about (``job``)
is French Impact's instructor's finished export: anybody else — the superuser included — gets a
404; the list shows each user their own jobs."""

JOBS_PAGES: dict[str, tuple[str, str | None, str | None]] = {
    "accounts:jobs": ("", "l o o o o o o o o o", "l x x x x x x x x x"),
    "accounts:job": ("pk=job", "l d d o d d d d d d", "l x x x x x x x x x"),
    "accounts:job_progress": ("pk=job", "l d d o d d d d d d", "l x x x x x x x x x"),
    "accounts:job_download": ("pk=job", "l d d o d d d d d d", "l x x x x x x x x x"),
    # Starting the batch of a published wave's certificates: its programme's admins.
    "labels:wave_certificates": ("pk=wave", "l x x x x x x x x x", "l d r d d d d d d r"),
}
