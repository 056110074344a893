from django.contrib import admin
from django.http import HttpRequest

from recruitment.models import AccessLog, Panel, PanelMember


class PanelMemberInline(admin.TabularInline):
    model = PanelMember
    extra = 0
    autocomplete_fields = ["recruiter"]


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin):
    list_display = ["vacancy", "lead", "finalised_at"]
    list_select_related = ["vacancy", "lead"]
    search_fields = ["vacancy__title", "vacancy__reference"]
    autocomplete_fields = ["vacancy", "lead"]
    inlines = [PanelMemberInline]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the log is a record of what happened."""

    list_display = [
        "at",
        "user_email",
        "action",
        "vacancy_reference",
        "candidate_number",
        "detail",
    ]
    list_filter = ["action"]
    search_fields = ["user_email", "vacancy_reference", "candidate_number"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
