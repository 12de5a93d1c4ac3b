from django.tasks import task

from essaim.support.reminders import send_action_reminders as send


@task()
def send_action_reminders() -> int:
    """The daily reminders about action due dates, as a background task (``django.tasks``)."""
    return send()
