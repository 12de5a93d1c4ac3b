from django.contrib import admin

from essaim.reviews.models import CriterionMark, ReviewRequest


class CriterionMarkInline(admin.TabularInline):
    model = CriterionMark
    extra = 0
    readonly_fields = ["criterion", "mark", "comment"]
    can_delete = False


@admin.register(ReviewRequest)
class ReviewRequestAdmin(admin.ModelAdmin):
    """Read-only: requests change through the services (workflow and history), not here."""

    list_display = ["application", "expert", "status", "deadline", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["application__reference", "expert__email"]
    list_select_related = ["application", "expert"]
    inlines = [CriterionMarkInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
