from datetime import timedelta

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class RegulatoryConfig(AppConfig):
    name = "essaim.regulatory"
    label = "regulatory"
    verbose_name = _("guichet unique")

    def ready(self):
        from django.db.models.signals import post_save

        from essaim.calls.models import Programme
        from essaim.core import history, schedule
        from essaim.regulatory.history import ExperimentationAction, HeldMailAction, TicketAction
        from essaim.regulatory.models import (
            ExperimentationRequest,
            QuarantinedMail,
            QuarantineStatus,
            Ticket,
        )
        from essaim.regulatory.services import ticket_reminders_send
        from essaim.regulatory.services.categories import programme_created
        from essaim.regulatory.tasks import mailbox_poll_run
        from essaim.regulatory.workflow import ExperimentationState, TicketState

        post_save.connect(programme_created, sender=Programme, dispatch_uid="kb_categories")
        history.describe(Ticket, actions=TicketAction, states=TicketState)
        history.describe(
            ExperimentationRequest, actions=ExperimentationAction, states=ExperimentationState
        )
        history.describe(QuarantinedMail, actions=HeldMailAction, states=QuarantineStatus)
        schedule.register("ticket_reminders", ticket_reminders_send, timedelta(hours=6))
        poll_every = timedelta(seconds=int(getattr(settings, "ESSAIM_IMAP_POLL_SECONDS", 300)))
        schedule.register("mailbox_poll", mailbox_poll_run, poll_every)
