"""Django admin for organisations. Every write goes through the services (tree paths, audit,
group-join handlers); the admin only offers forms around them."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from organisations import services
from organisations.models import (
    Group,
    GroupMember,
    Invitation,
    InvitationBatch,
    Membership,
    Organisation,
)


class OrganisationAdminForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "slug", "kind", "themes", "parent"]

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        services.organisation_parent_check(organisation=self.instance, parent=parent)
        return parent


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ["indented_name", "kind", "parent", "path", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    ordering = ["path"]
    readonly_fields = ["path", "created_at"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj):
        return f"{'— ' * obj.depth}{obj.name}"

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.organisation_create(
                name=data["name"],
                slug=data["slug"],
                kind=data["kind"],
                parent=data.get("parent"),
                themes=data.get("themes"),
            )
            obj.pk, obj.path, obj.created_at = created.pk, created.path, created.created_at
            obj._state.adding = False
            return
        services.organisation_update(
            organisation=obj,
            name=data["name"],
            slug=data["slug"],
            kind=data["kind"],
            themes=data.get("themes"),
        )
        if "parent" in form.changed_data:
            services.organisation_move(organisation=obj, parent=data.get("parent"))

    def has_delete_permission(self, request, obj=None):
        # Deleting would cascade to memberships, groups and learner records; not from here.
        return False


def _report(request, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("You may not do that."))


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__email", "user__name", "organisation__name"]
    list_select_related = ["user", "organisation"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["organisation"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "organisation", "created_at"] if obj else ["created_at"]

    def save_model(self, request, obj, form, change):
        try:
            if change:
                services.membership_set_role(
                    membership=obj,
                    role=form.cleaned_data["role"],
                    actor=request.user,
                    request=request,
                )
            else:
                created = services.membership_add(
                    organisation=obj.organisation,
                    user=obj.user,
                    role=obj.role,
                    actor=request.user,
                    request=request,
                )
                obj.pk, obj.created_at = created.pk, created.created_at
                obj._state.adding = False
        except (ValidationError, PermissionDenied) as exc:
            _report(request, exc)

    def delete_model(self, request, obj):
        try:
            services.membership_remove(membership=obj, actor=request.user, request=request)
        except (ValidationError, PermissionDenied) as exc:
            _report(request, exc)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "organisation"):
            self.delete_model(request, membership)


class GroupMemberInline(admin.TabularInline):
    """Read-only: members join on the group page so that the join handlers run."""

    model = GroupMember
    fields = ["user", "added_at"]
    readonly_fields = ["user", "added_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "created_at"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    inlines = [GroupMemberInline]

    def get_readonly_fields(self, request, obj=None):
        return ["organisation", "created_at"] if obj else ["created_at"]

    def save_model(self, request, obj, form, change):
        try:
            if change:
                services.group_rename(group=obj, name=form.cleaned_data["name"], actor=request.user)
            else:
                created = services.group_create(
                    organisation=obj.organisation, name=obj.name, actor=request.user
                )
                obj.pk, obj.created_at = created.pk, created.created_at
                obj._state.adding = False
        except (ValidationError, PermissionDenied) as exc:
            _report(request, exc)

    def delete_model(self, request, obj):
        try:
            services.group_delete(group=obj, actor=request.user)
        except PermissionDenied as exc:
            _report(request, exc)

    def delete_queryset(self, request, queryset):
        for group in queryset.select_related("organisation"):
            self.delete_model(request, group)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are made on the organisation pages; here staff can look, resend, revoke."""

    list_display = ["email", "organisation", "role", "status", "expires_at", "send_count"]
    list_filter = ["status", "role"]
    search_fields = ["email", "name", "organisation__name"]
    list_select_related = ["organisation"]
    actions = ["resend", "revoke"]
    exclude = ["token"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Invitation._meta.fields if f.name != "token"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected invitations again"))
    def resend(self, request, queryset):
        self._each(request, queryset, services.invitation_resend)

    @admin.action(description=_("Revoke the selected invitations"))
    def revoke(self, request, queryset):
        self._each(request, queryset, services.invitation_revoke)

    def _each(self, request, queryset, action):
        done = 0
        for invitation in queryset.select_related("organisation"):
            try:
                action(invitation=invitation, actor=request.user, request=request)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                messages.warning(
                    request, f"{invitation.email}: {' '.join(getattr(exc, 'messages', []))}"
                )
        if done:
            messages.success(request, _("%(count)d invitation(s) done.") % {"count": done})


@admin.register(InvitationBatch)
class InvitationBatchAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "filename",
        "organisation",
        "status",
        "processed_rows",
        "total_rows",
        "created_at",
    ]
    list_filter = ["status"]
    list_select_related = ["organisation"]
    actions = ["restart"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in InvitationBatch._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Continue processing (failed or stalled uploads)"))
    def restart(self, request, queryset):
        for batch in queryset.select_related("organisation"):
            try:
                services.invitation_batch_restart(batch=batch, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                _report(request, exc)


from organisations.sso import admin as _sso_admin  # noqa: E402,F401  (registers IdentityProvider)
