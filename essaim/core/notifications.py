"""Tell people something happened: an in-app notification and, by default, an e-mail.

Call ``notify`` inside the transaction of the change: the rows are written with it, and the
e-mails are queued only once it commits.
"""

from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.db import transaction

from essaim.core.models import Notification
from essaim.core.tasks import send_email


def notify(
    *, users: Iterable, title: str, body: str = "", url: str = "", email: bool = True
) -> list[Notification]:
    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    notes = Notification.objects.bulk_create(
        [Notification(user=u, title=title[:255], body=body, url=url) for u in recipients.values()]
    )
    if email and recipients:
        link = f"\n\n{settings.ESSAIM_BASE_URL}{url}" if url else ""
        for user in recipients.values():
            transaction.on_commit(
                partial(send_email.enqueue, to=[user.email], subject=title, body=body + link)
            )
    return notes
