from django.contrib import admin
from django.http import HttpRequest

from applications.models import Vacancy


@admin.register(Vacancy)
class VacancyAdmin(admin.ModelAdmin):
    list_display = ["title", "reference", "organisation", "closing_date"]
    list_filter = ["organisation"]
    search_fields = ["title", "reference", "organisation__name"]
    autocomplete_fields = ["organisation", "specification"]
    date_hierarchy = "closing_date"

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        if obj is not None and obj.applications.exists():
            # Applications are written against this organisation's criteria.
            return ["organisation", "specification"]
        return []
