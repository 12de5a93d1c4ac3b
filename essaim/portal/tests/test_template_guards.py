"""The template guards: an unknown variable in a template fails a test, and so does a form that
posts without a CSRF token.

- Every page the permission matrix says an identity may read (``permission_matrix.PAGES``, GET
  answered 2xx) is rendered for that identity on the demo, with ``string_if_invalid`` set to a
  marker: the marker never shows, i.e. no template asks for a variable its view does not give
  (a typo, a renamed field, a context that lost a key).
- Every ``<form method="post">`` of Essaim's templates carries ``{% csrf_token %}``, and every
  htmx ``hx-post``/``hx-put``/``hx-patch``/``hx-delete`` sits in such a form.
"""

import copy
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from essaim.testing import close_response

from . import matrix_world
from .matrix_probe import url_of
from .matrix_world import IDENTITIES
from .permission_matrix import PAGES

# The demo world, loaded once for this module (fixtures of matrix_world).
media = matrix_world.media
_media_root = matrix_world._media_root
world = matrix_world.world


class Marker(str):
    """What an unknown variable renders as. Falsy, so that Django treats it as it treats the
    empty default: ``{% if obj.missing_relation %}`` stays false and ``{{ x|default:"…" }}``
    (the way to say that ``x`` is optional) gives its default; the text still shows wherever a
    template prints a variable its view did not give."""

    def __bool__(self) -> bool:
        return False


MARKER = Marker("@@unknown-template-variable@@")

TEMPLATE_ROOT = Path(settings.BASE_DIR) / "essaim"
# Who renders the pages: every identity of the matrix but the other programme's admin (who
# reads the same templates as the programme admin).
READERS = [identity for identity in IDENTITIES if identity != "other"]
# Files, not pages (rendered to PDF, CSV or JSON).
NOT_PAGES = {
    "applications:receipt",
    "labels:certificate",
    "support:pdf",
    "reviews:export",
    "api:openapi-json",
    "healthz",
}


def _templates_with_marker():
    templates = copy.deepcopy(settings.TEMPLATES)
    for engine in templates:
        engine.setdefault("OPTIONS", {})["string_if_invalid"] = MARKER
    return templates


def _readable(identity: str):
    column = IDENTITIES.index(identity)
    for name, (args, get, _post) in sorted(PAGES.items()):
        if name not in NOT_PAGES and get and get != "-" and get.split()[column] == "o":
            yield name, args


@pytest.mark.django_db
@pytest.mark.slow
@pytest.mark.parametrize("identity", READERS)
def test_pages_use_no_unknown_template_variable(world, identity):
    found = []
    with override_settings(TEMPLATES=_templates_with_marker()):
        for name, args in _readable(identity):
            url = url_of(name, args, world.ids)
            response = world.client(identity).get(url)
            if "text/html" not in response.headers.get("Content-Type", ""):
                close_response(response)
                continue
            body = response.content.decode()
            at = body.find(MARKER)
            if at != -1:
                found.append(f"{name} ({url}): …{body[max(0, at - 160) : at + len(MARKER)]}")
    assert not found, "Unknown template variables:\n" + "\n".join(found)


def _essaim_templates():
    return sorted(TEMPLATE_ROOT.glob("**/templates/**/*.html"))


FORM_RE = re.compile(r"<form\b[^>]*>", re.IGNORECASE | re.DOTALL)
POST_RE = re.compile(r"""method\s*=\s*["']?post""", re.IGNORECASE)
HTMX_WRITE_RE = re.compile(r"\bhx-(?:post|put|patch|delete)\s*=", re.IGNORECASE)


def test_the_scan_finds_the_templates():
    assert len(_essaim_templates()) > 50


@pytest.mark.parametrize(
    "path", _essaim_templates(), ids=lambda p: str(p.relative_to(TEMPLATE_ROOT))
)
def test_every_posting_form_carries_a_csrf_token(path):
    text = path.read_text(encoding="utf-8")
    for match in FORM_RE.finditer(text):
        tag = match.group(0)
        if not POST_RE.search(tag) and not HTMX_WRITE_RE.search(tag):
            continue
        end = text.find("</form>", match.end())
        body = text[match.end() : end if end != -1 else len(text)]
        line = text.count("\n", 0, match.start()) + 1
        assert "{% csrf_token %}" in body, f"{path}:{line}: a posting form without csrf_token"
    # An htmx write outside a form would send no token.
    for match in HTMX_WRITE_RE.finditer(text):
        opening = text.rfind("<", 0, match.start())
        before = text[:opening]
        inside_form = before.lower().count("<form") > before.lower().count("</form>")
        tag_is_form = text[opening : opening + 5].lower() == "<form"
        line = text.count("\n", 0, match.start()) + 1
        assert inside_form or tag_is_form, f"{path}:{line}: an htmx write outside a form"
