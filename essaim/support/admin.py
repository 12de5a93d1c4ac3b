"""Technical administration only: the pages and services are where plans are co-built (with
permission checks and history); the admin is for the programme's axes and for support."""

from django.contrib import admin

from essaim.support.models import (
    Action,
    Meeting,
    MeetingDecision,
    Milestone,
    SupportAxis,
    SupportPlan,
)


@admin.register(SupportAxis)
class SupportAxisAdmin(admin.ModelAdmin):
    list_display = ("title", "code", "position", "programme")
    list_filter = ("programme",)


@admin.register(SupportPlan)
class SupportPlanAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "opened_at")
    list_select_related = ("label__perimeter",)
    readonly_fields = ("label", "opened_at")


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ("title", "plan", "axis", "status", "due_on")
    list_filter = ("status", "axis")
    list_select_related = ("plan__label__perimeter", "axis")
    search_fields = ("title",)
    readonly_fields = ("status", "status_reason", "done_on", "created_by", "source_decision")
    raw_id_fields = ("plan", "challenge", "lead_organisation", "partners")


class DecisionInline(admin.TabularInline):
    model = MeetingDecision
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "plan", "held_on")
    list_select_related = ("plan__label__perimeter",)
    inlines = [DecisionInline]
    raw_id_fields = ("plan", "created_by")


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ("title", "plan", "due_on", "reached_on")
    list_select_related = ("plan__label__perimeter",)
    raw_id_fields = ("plan", "action")
