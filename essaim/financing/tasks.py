from django.tasks import task


@task()
def send_alert_digests() -> int:
    """The financing alert digest, as a background task (``django.tasks``)."""
    from essaim.financing.alerts import send_digests

    return send_digests()
