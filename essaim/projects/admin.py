from django.contrib import admin

from essaim.projects.models import Need, Project


class NeedInline(admin.TabularInline):
    model = Need
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "holder", "perimeter", "stage", "is_published", "is_fictitious"]
    list_filter = ["stage", "is_published", "is_fictitious"]
    search_fields = ["title", "holder__name"]
    raw_id_fields = ["holder", "communes", "challenge", "collective", "perimeter"]
    inlines = [NeedInline]
