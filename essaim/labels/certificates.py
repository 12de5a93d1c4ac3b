"""Label certificates (attestations): an A4 PDF made by WeasyPrint from an HTML template, with the
public verification URL and its QR code (segno, inline SVG).

A certificate is made on first request and kept in ``Label.certificate`` (not at demo load, so
that the demo starts fast); later requests serve the stored file.
"""

from pathlib import Path

import segno
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import translation

from essaim.labels.models import Label

FONTS_DIR = Path(__import__("dsfr").__file__).parent / "static" / "dsfr" / "dist" / "fonts"


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as an inline SVG element (no XML declaration)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2, title=url)


def certificate_html(label: Label) -> str:
    url = label.verification_full_url
    with translation.override("fr"):
        return render_to_string(
            "labels/certificate.html",
            {
                "label": label,
                "programme": label.programme,
                "wave": label.wave,
                "territory": label.perimeter,
                "verification_url": url,
                "qr_svg": qr_svg(url),
                "fonts_url": FONTS_DIR.as_uri(),
            },
        )


def certificate_pdf(label: Label, *, compress: bool = True) -> bytes:
    from weasyprint import HTML

    html = certificate_html(label)
    return HTML(string=html, base_url=str(FONTS_DIR)).write_pdf(uncompressed_pdf=not compress)


def certificate_file(label: Label):
    """The label's stored certificate, made and stored first if missing. Writes only the
    ``certificate`` column, so it never overwrites a concurrent revocation."""
    if label.certificate and label.certificate.storage.exists(label.certificate.name):
        return label.certificate
    name = f"attestation-{label.pk}-{label.verification_code[:8]}.pdf"
    label.certificate.save(name, ContentFile(certificate_pdf(label)), save=False)
    Label.objects.filter(pk=label.pk).update(certificate=label.certificate.name)
    return label.certificate
