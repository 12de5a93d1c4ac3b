"""Which addresses a webhook may be sent to.

A partner chooses the URL the server will call, so a careless rule would let anyone make the
server reach its own network (SSRF). The rule:

- ``https`` only. Plain ``http`` is accepted for ``localhost``, ``127.0.0.1`` and ``::1`` when
  ``settings.WEBHOOKS_ALLOW_LOCAL`` is on (debug, demo and tests) — a receiver on one's machine;
- in production (``WEBHOOKS_ALLOW_LOCAL`` off), the host must resolve only to public addresses:
  loopback, private networks (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16,
  cloud metadata), and reserved ranges are refused. The check runs when the subscription is saved
  and again before each attempt (a name may be re-pointed); redirects are never followed.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _addresses(host: str) -> list[str]:
    try:
        return [info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)]
    except (OSError, UnicodeError):
        return []


def _refuse(message: str):
    raise ValidationError({"url": _("Adresse de réception : %(why)s") % {"why": message}})


def check_url(url: str) -> None:
    """Raise a ``ValidationError`` on ``url`` (field ``url``) when webhooks may not go there."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host or parts.scheme not in ("http", "https"):
        _refuse(_("indiquez une URL complète."))
    if parts.username or parts.password:
        _refuse(_("pas d'identifiants dans l'URL ; les envois sont signés."))
    local = settings.WEBHOOKS_ALLOW_LOCAL and host in LOCAL_HOSTS
    if parts.scheme != "https" and not local:
        _refuse(_("seule une URL https est acceptée."))
    if settings.WEBHOOKS_ALLOW_LOCAL:
        return
    addresses = _addresses(host)
    if not addresses:
        _refuse(_("ce nom de domaine est introuvable."))
    if not all(ipaddress.ip_address(address.split("%")[0]).is_global for address in addresses):
        _refuse(_("les adresses locales ou de réseaux privés sont refusées."))
