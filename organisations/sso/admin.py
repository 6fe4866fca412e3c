"""Identity providers in the admin, for platform staff only (superusers; the platform roles
have no permission on them). The client secret is write-only: typed once, stored encrypted,
never shown again. Every save and delete is audited (without the secret)."""

import json
import os

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_record
from accounts.models import AuditEvent
from organisations.models import IdentityProvider, IdentityProviderDomain, Role
from organisations.sso import secrets

AUDITED_FIELDS = (
    "name",
    "issuer",
    "client_id",
    "sso_only",
    "trusted_for_mfa",
    "group_mapping",
    "is_active",
)


class IdentityProviderForm(forms.ModelForm):
    issuer = forms.URLField(label=_("Issuer URL"), max_length=300, assume_scheme="https")
    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "Stored encrypted and never shown again. Leave empty to keep the current secret. "
            "A secret in the environment variable SSO_SECRET_<PROVIDER ID> takes precedence."
        ),
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "organisation",
            "slug",
            "name",
            "issuer",
            "client_id",
            "sso_only",
            "trusted_for_mfa",
            "group_mapping",
            "is_active",
        ]

    def clean_issuer(self):
        issuer = self.cleaned_data["issuer"].rstrip("/")
        if not issuer.startswith("https://") and not issuer.startswith("http://127.0.0.1"):
            raise ValidationError(_("The issuer must be an https:// address."), code="https")
        return issuer

    def clean_group_mapping(self):
        mapping = self.cleaned_data.get("group_mapping") or {}
        if not isinstance(mapping, dict):
            raise ValidationError(_('Use {"claim value": {"group": "…", "role": "…"}}.'))
        for rule in mapping.values():
            if not isinstance(rule, dict) or set(rule) - {"group", "role"}:
                raise ValidationError(
                    _('Each rule is {"group": "<group name>", "role": "learner" or "trainer"}.')
                )
            if rule.get("role", Role.LEARNER) not in (Role.LEARNER, Role.TRAINER):
                raise ValidationError(
                    _("A claim may give the learner or trainer role only, never %(role)s.")
                    % {"role": rule.get("role")},
                    code="role",
                )
        return mapping

    def clean(self):
        cleaned = super().clean()
        if not self.instance.client_secret_encrypted and not cleaned.get("client_secret"):
            slug = cleaned.get("slug") or ""
            if not os.environ.get(secrets.environment_name(slug)):
                self.add_error("client_secret", _("Enter the client secret."))
        return cleaned


class DomainInline(admin.TabularInline):
    model = IdentityProviderDomain
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields["domain"]
        original = field.clean

        def clean_domain(value):
            return original((value or "").strip().lower().lstrip("@"))

        field.clean = clean_domain
        return formset


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    form = IdentityProviderForm
    inlines = [DomainInline]
    list_display = ("name", "organisation", "slug", "sso_only", "trusted_for_mfa", "is_active")
    list_select_related = ("organisation",)
    search_fields = ("name", "slug", "organisation__name")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        secret = form.cleaned_data.get("client_secret")
        if secret:
            obj.client_secret_encrypted = secrets.encrypt(secret)
        changed = [name for name in AUDITED_FIELDS if name in form.changed_data]
        super().save_model(request, obj, form, change)
        audit_record(
            action=AuditEvent.Action.SSO_PROVIDER_CHANGED,
            request=request,
            organisation=obj.organisation,
            summary=f"identity provider {obj.slug} {'changed' if change else 'added'}",
            data={
                "fields": changed + (["client_secret"] if secret else []),
                "group_mapping": json.dumps(obj.group_mapping, sort_keys=True)[:500],
            },
        )

    def delete_model(self, request, obj):
        audit_record(
            action=AuditEvent.Action.SSO_PROVIDER_CHANGED,
            request=request,
            organisation=obj.organisation,
            summary=f"identity provider {obj.slug} deleted",
        )
        super().delete_model(request, obj)
