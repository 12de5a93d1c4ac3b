from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "essaim.core"
    label = "core"
    verbose_name = _("socle")

    def ready(self):
        from datetime import timedelta

        from django.core import checks

        from essaim.core import cache, history, jobs, lookups, schedule
        from essaim.core.idempotency import purge_expired
        from essaim.core.money import check_money_constraints

        lookups.register()
        # Public fragments (essaim.core.cache) go stale with every typed change of their data.
        history.history_recorded.register(cache.history_recorded)
        schedule.register("idempotency_keys_purge", purge_expired, timedelta(hours=6))
        schedule.register("background_jobs_purge", jobs.purge_expired, timedelta(hours=6))
        checks.register(check_money_constraints, checks.Tags.models)
