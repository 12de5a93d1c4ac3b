from django.tasks import task

from essaim.financing.alerts import send_digests


@task()
def send_alert_digests() -> int:
    """The financing alert digest, as a background task (``django.tasks``)."""
    return send_digests()
