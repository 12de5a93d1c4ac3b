"""All the certificates of a published wave, as one background job (``essaim.core.jobs``).

Certificates are made one at a time on first request (``certificates.certificate_file``), never
at publication, so publishing stays quick. A programme admin who wants them all at once (to send
them, to print them) starts this job from the wave's page: ``essaim worker`` makes and stores
each missing certificate (a PDF by WeasyPrint, the slow part), then bundles them in a ZIP, the
progress counted per label and shown on the wave's page, the link e-mailed when ready.
"""

import tempfile
import zipfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.calls.models import Wave, WaveStatus
from essaim.core import jobs
from essaim.core.models import BackgroundJob
from essaim.labels import certificates, rules
from essaim.labels.models import Label

KIND = "labels.wave_certificates"
PROGRESS_EVERY = 5  # a certificate takes a fraction of a second: a write every five is cheap


def _labels(wave: Wave):
    return (
        Label.objects.public()
        .valid_on(timezone.localdate())
        .filter(wave=wave)
        .select_related("perimeter", "wave", "programme__owner")
        .order_by("perimeter__name", "pk")
    )


def wave_certificates_start(*, wave: Wave, user) -> tuple[BackgroundJob, bool]:
    """Start (or find still running) the batch of ``wave``'s certificates; ``(job, created)``."""
    if not rules.can_decide(user, wave):
        raise PermissionDenied(_("Seuls les administrateurs du programme peuvent faire cela."))
    if wave.status != WaveStatus.PUBLISHED:
        raise ValidationError(_("Les attestations existent une fois la vague publiée."))
    title = _("Attestations de la vague %(number)s — %(programme)s") % {
        "number": wave.number,
        "programme": wave.programme.name,
    }
    return jobs.job_start(
        user=user,
        kind=KIND,
        title=title,
        params={"wave": wave.pk},
        programme_id=wave.programme_id,
    )


def last_job(wave: Wave, user) -> BackgroundJob | None:
    """``user``'s latest certificate batch of ``wave`` (shown on the wave's page)."""
    return (
        BackgroundJob.objects.filter(requested_by=user, kind=KIND, params__wave=wave.pk)
        .order_by("-created_at", "-pk")
        .first()
    )


def run_wave_certificates(job: BackgroundJob, progress: jobs.Progress) -> jobs.JobFile:
    wave = Wave.objects.select_related("programme").filter(pk=job.params.get("wave")).first()
    if wave is None or not rules.can_decide(job.requested_by, wave):
        raise jobs.JobError(_("Vous n'avez plus accès à cette vague : la préparation est annulée."))
    labels = list(_labels(wave))
    progress.every = PROGRESS_EVERY
    progress.start(len(labels))
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed once stored
    names: set[str] = set()
    with zipfile.ZipFile(handle, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for label in labels:
            stored = certificates.certificate_file(label)
            name = f"attestation-{label.perimeter.slug}.pdf"
            if name in names:
                name = f"attestation-{label.perimeter.slug}-{label.pk}.pdf"
            names.add(name)
            with stored.open("rb") as pdf:
                archive.writestr(name, pdf.read())
            progress.advance()
    handle.seek(0)
    return jobs.JobFile(f"attestations-vague-{wave.number}.zip", "application/zip", handle)
