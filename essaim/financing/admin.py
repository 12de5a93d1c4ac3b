from django.contrib import admin

from essaim.financing.models import (
    AlertSubscription,
    FinancingRequest,
    Instrument,
    ProgrammeInstrument,
    RequestDocument,
    TicketBand,
)


class TicketBandInline(admin.TabularInline):
    model = TicketBand
    extra = 0


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["name", "provider", "is_published", "closes_on", "updated_at"]
    list_filter = ["is_published", "is_national"]
    search_fields = ["name", "short_name", "provider__name"]
    raw_id_fields = ["provider"]
    filter_horizontal = ["regions", "perimeters", "excluded_regions", "excluded_perimeters"]
    inlines = [TicketBandInline]


class RequestDocumentInline(admin.TabularInline):
    model = RequestDocument
    extra = 0


@admin.register(FinancingRequest)
class FinancingRequestAdmin(admin.ModelAdmin):
    """Read-only: requests move only through the workflow (pages and API), with history."""

    list_display = ["project", "instrument", "amount", "status", "granted_amount", "sent_at"]
    list_filter = ["status", "instrument"]
    search_fields = ["project__title", "instrument__name"]
    inlines = [RequestDocumentInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(AlertSubscription)
class AlertSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "project", "collective", "last_sent_at"]


@admin.register(ProgrammeInstrument)
class ProgrammeInstrumentAdmin(admin.ModelAdmin):
    """Last resort: programmes' admins choose their instruments on the settings pages."""

    list_display = ("programme", "instrument", "since", "added_by")
    list_filter = ("programme",)
    raw_id_fields = ("instrument", "added_by")
