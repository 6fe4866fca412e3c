"""Admin for people, the audit log and the task outbox.

People are never deleted here (that would delete their enrolments and change every statistic);
the "Delete and anonymise" action calls the same service as "Delete my account".
The audit log is read-only. The outbox is read-only too: it shows what waits for the broker and
why, and sends chosen messages now instead of at the relay's next run.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import outbox
from accounts.models import AuditEvent, OutboxMessage, User
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
                    "skj_number",
                    "registerplein_number",
                    "other_register_name",
                    "other_register_number",
                    "date_of_birth",
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


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record to read: nobody adds, changes or deletes it here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "actor", "subject_user", "organisation", "ip_address")
    list_filter = ("action",)
    search_fields = ("actor__email", "subject_user__email", "summary", "ip_address")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "subject_user", "organisation")
    readonly_fields = [field.name for field in AuditEvent._meta.fields]


class OutboxStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("waiting", _("Waiting")), ("sent", _("Sent"))]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(sent_at__isnull=True)
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        return queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("pk", "task", "created_at", "sent_at", "attempts", "last_error_short")
    list_filter = (OutboxStateFilter, "task")
    date_hierarchy = "created_at"
    ordering = ("-pk",)
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]
    actions = ["send_now"]

    @admin.display(description=_("last error"))
    def last_error_short(self, message: OutboxMessage) -> str:
        return message.last_error[:120]

    @admin.action(description=_("Send the selected waiting messages now"))
    def send_now(self, request, queryset):
        waiting = list(
            queryset.filter(sent_at__isnull=True).order_by("pk").values_list("pk", flat=True)
        )
        sent = sum(outbox.deliver(message_id) for message_id in waiting)
        level = messages.SUCCESS if sent == len(waiting) else messages.WARNING
        self.message_user(
            request,
            _("%(sent)d of %(waiting)d waiting messages sent.")
            % {"sent": sent, "waiting": len(waiting)},
            level,
        )
