from django.contrib import admin
from django.http import HttpRequest

from specifications.forms import CriterionForm
from specifications.models import Criterion, PersonSpecification


def _is_locked(obj: PersonSpecification | None) -> bool:
    """A version a submitted application used: its snapshot and packs quote it."""
    return obj is not None and obj.is_locked


class CriterionInline(admin.StackedInline):
    """Criteria with their rule as JSON text, checked by the model as everywhere:
    the recruiters' form is used, since the model reports rule errors under "rule"."""

    model = Criterion
    form = CriterionForm
    extra = 0
    fields = [("order", "category", "requirement", "route"), "text", "rule"]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_add_permission(request, obj) and not _is_locked(obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not _is_locked(obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not _is_locked(obj)


@admin.register(PersonSpecification)
class PersonSpecificationAdmin(admin.ModelAdmin):
    """Specifications and their criteria. A locked version is shown, never changed:
    copy it to a new version instead (the recruiter's "Copy" does)."""

    list_display = ["title", "version", "organisation", "band", "locked_at"]
    list_filter = ["organisation"]
    search_fields = ["title", "slug", "organisation__name"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["locked_at", "created_at", "updated_at"]
    inlines = [CriterionInline]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # The slug is in bookmarked URLs and in exported specs.
        return [*self.readonly_fields, *(["slug"] if obj else [])]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not _is_locked(obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not _is_locked(obj)
