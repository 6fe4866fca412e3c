"""Admin for people and the audit log.

People are never deleted here (that would delete their enrolments and change every statistic);
the "Delete and anonymise" action calls the same service as "Delete my account".
The audit log is read-only.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import AuditEvent, User
from accounts.services import account_delete


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "name", "profession", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups", "profession")
    search_fields = ("email", "name")
    readonly_fields = ("last_login", "date_joined", "anonymised_at")
    filter_horizontal = ("groups", "user_permissions")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("name", "preferred_language", "profession")}),
        (
            _("Registration numbers"),
            {
                "fields": (
                    "big_number",
                    "vvn_number",
                    "other_register_name",
                    "other_register_number",
                )
            },
        ),
        (
            _("Access"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined", "anonymised_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "usable_password", "password1", "password2"),
            },
        ),
    )
    actions = ["anonymise_accounts"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Delete and anonymise the selected accounts"))
    def anonymise_accounts(self, request, queryset):
        count = 0
        for user in queryset.filter(anonymised_at__isnull=True):
            account_delete(user=user, request=request)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d account deleted and anonymised.",
                "%(count)d accounts deleted and anonymised.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "action", "actor", "subject_user", "organisation", "ip_address")
    list_filter = ("action",)
    search_fields = ("actor__email", "subject_user__email", "summary", "ip_address")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "subject_user", "organisation")
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
