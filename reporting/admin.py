"""Admin of the reporting app: the partners' targets shown on the national overview.

A target is a number of completions (online and in class) a partner aims for in a year, for one
course or for all its courses ("bank staff trained"). Coordinators manage targets: the admin site
lets them in without staff status (``academy.admin_site``), and this is the only model they see
there; others need the usual Django permissions. The model's constraints (one target per partner, course and year;
one "all courses" target per partner and year) are checked by the form, with a message.
"""

from django.contrib import admin

from organisations.permissions import is_coordinator
from reporting.models import Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("organisation", "course", "year", "completions", "label")
    list_filter = ("year",)
    search_fields = ("organisation__name", "course__title_nl", "course__title_en", "label")
    list_select_related = ("organisation", "course")
    ordering = ("-year", "organisation__name")

    def _coordinator(self, request) -> bool:
        return is_coordinator(request.user)

    def has_module_permission(self, request) -> bool:
        return self._coordinator(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._coordinator(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return self._coordinator(request) or super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._coordinator(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._coordinator(request) or super().has_delete_permission(request, obj)
