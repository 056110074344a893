from django.contrib import admin
from django.http import HttpRequest

from portfolio.models import CaseType, Specialty


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    ordering = ["code"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # Exported portfolios name specialties by code: a new code would orphan them.
        return ["code"] if obj else []


@admin.register(CaseType)
class CaseTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # Exported portfolios name case types by slug.
        return ["slug"] if obj else []

    def get_prepopulated_fields(self, request: HttpRequest, obj=None) -> dict:
        return {} if obj else self.prepopulated_fields
