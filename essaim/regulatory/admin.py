"""Read-only technical admin: every write goes through the services (workflow, history)."""

from django.contrib import admin

from essaim.regulatory.models import (
    ExperimentationRequest,
    KnowledgeArticle,
    KnowledgeCategory,
    QuarantinedMail,
    Ticket,
    TicketMessage,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MessageInline(admin.TabularInline):
    model = TicketMessage
    fields = ("created_at", "direction", "kind", "from_email", "subject", "sent_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnly):
    list_display = ("number", "title", "state", "outcome", "channel", "received_at", "assignee")
    list_filter = ("state", "outcome", "channel", "category", "priority", "programme")
    search_fields = ("number", "title", "author_email")
    list_select_related = ("assignee",)
    inlines = [MessageInline]


@admin.register(QuarantinedMail)
class QuarantinedMailAdmin(ReadOnly):
    list_display = ("received_at", "kind", "programme", "from_email", "reason", "status")
    list_filter = ("kind", "status", "programme")
    exclude = ("raw",)


@admin.register(ExperimentationRequest)
class ExperimentationRequestAdmin(ReadOnly):
    list_display = ("number", "title", "state", "call", "granted_from", "granted_until")
    list_filter = ("state", "call")
    search_fields = ("number", "title")


@admin.register(KnowledgeArticle)
class KnowledgeArticleAdmin(ReadOnly):
    list_display = ("title", "programme", "theme", "is_published", "published_at", "is_fictitious")
    list_filter = ("is_published", "programme", "theme")
    search_fields = ("title", "question")


@admin.register(KnowledgeCategory)
class KnowledgeCategoryAdmin(admin.ModelAdmin):
    """Last resort: programmes' admins run their categories on the settings pages."""

    list_display = ("title", "code", "programme", "position")
    list_filter = ("programme",)
