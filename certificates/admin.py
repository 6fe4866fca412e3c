"""Admin for accreditation administrators and staff: bodies, accreditations, certificates.

- Accreditation bodies: a read-only list for accreditation administrators (the group has the
  view permission only); people with the change permission (superusers) may edit them.
- Accreditations: added and changed by accreditation administrators and staff. The form repeats
  the database's check constraints with a message per field (a granted accreditation needs its
  number, points, and a period in order), so nothing reaches the database half-valid. Every
  save and delete is written to the audit log. An accreditation that certificates or course
  evaluations point to cannot be deleted (``PROTECT``): the admin's delete page lists them.
- Certificates: read-only (the PDF is never shown here), no adding or deleting. They are revoked
  with a reason, from the list (an action with an intermediate page) or from the certificate's
  own page, through ``certificates.services.certificate_revoke`` (which audits).
- Course evaluations are not here: they are shown as aggregates only (``certificates:evaluations``).

Django's admin requires staff status: accreditation administrators are people with staff status
and the group "accreditation administrator" (as content authors are), and the MFA gate requires
two-factor authentication for them before ``/admin/``.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.audit import audit_record
from accounts.models import AuditEvent
from certificates.models import Accreditation, AccreditationBody, Certificate
from certificates.services import certificate_revoke

REVOKE_TEMPLATE = "admin/certificates/certificate/revoke.html"


@admin.register(AccreditationBody)
class AccreditationBodyAdmin(admin.ModelAdmin):
    list_display = ("short_name", "name", "registry", "register")
    search_fields = ("short_name", "name", "registry")
    ordering = ("short_name",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # accreditations point to bodies; a body is never removed here


class AccreditationAdminForm(forms.ModelForm):
    class Meta:
        model = Accreditation
        fields = [
            "course",
            "body",
            "status",
            "number",
            "points",
            "unit",
            "valid_from",
            "valid_until",
            "first_version",
            "last_version",
            "requires_date_of_birth",
            "applied_on",
        ]

    def clean_number(self) -> str:
        return (self.cleaned_data.get("number") or "").strip()

    def clean_points(self):
        points = self.cleaned_data.get("points")
        if points is not None and points <= 0:
            raise ValidationError(_("Points must be more than 0."))
        return points

    def clean(self):
        """The check constraints of ``Accreditation``, as messages next to the fields."""
        cleaned = super().clean()
        granted = cleaned.get("status") == Accreditation.Status.GRANTED
        if granted:
            required = {
                "number": _("A granted accreditation needs the number the body gave."),
                "points": _("A granted accreditation needs its points (more than 0)."),
                "valid_from": _("A granted accreditation needs the first day it is valid."),
                "valid_until": _("A granted accreditation needs the last day it is valid."),
            }
            for field, message in required.items():
                if field not in self.errors and cleaned.get(field) in (None, ""):
                    self.add_error(field, message)
        valid_from, valid_until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error("valid_until", _("The last day cannot lie before the first day."))
        first, last = cleaned.get("first_version"), cleaned.get("last_version")
        if first and last is not None and last < first:
            self.add_error(
                "last_version", _("The last version covered cannot be lower than the first.")
            )
        body, number = cleaned.get("body"), cleaned.get("number")
        if body and number and "number" not in self.errors:
            taken = Accreditation.objects.filter(body=body, number=number)
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error(
                    "number", _("Another accreditation of this body already has this number.")
                )
        return cleaned


def filled_fields(form) -> list[str]:
    """The fields given a value in a form that adds a row (``changed_data`` leaves out the
    ones that keep their default, such as the status "applied")."""
    return [name for name, value in form.cleaned_data.items() if value not in (None, "", False)]


def _status_label(value: str | None) -> str:
    return value or "new"


def audit_accreditation(
    *, request, accreditation: Accreditation, pk: int, old_status, changed, deleted=False
) -> None:
    """One audit event per save or delete: which fields changed and the status move."""
    new_status = None if deleted else accreditation.status
    if deleted:
        move = f"{_status_label(old_status)} → deleted"
    elif old_status == new_status:
        move = f"{new_status} (changed)"
    else:
        move = f"{_status_label(old_status)} → {new_status}"
    summary = (
        f"Accreditation {accreditation.body.short_name} for {accreditation.course.slug}: {move}"
    )
    audit_record(
        action=AuditEvent.Action.ACCREDITATION_CHANGED,
        request=request,
        actor=request.user,
        summary=summary,
        data={
            "accreditation": pk,
            "course": accreditation.course.slug,
            "body": accreditation.body.short_name,
            "number": accreditation.number,
            "fields": sorted(changed),
            "old_status": old_status,
            "new_status": new_status,
        },
    )


@admin.register(Accreditation)
class AccreditationAdmin(admin.ModelAdmin):
    form = AccreditationAdminForm
    list_display = (
        "course",
        "body",
        "status",
        "number",
        "points",
        "valid_from",
        "valid_until",
        "review_link",
    )
    list_filter = ("status", "body")
    list_select_related = ("course", "body")
    search_fields = ("number", "course__slug", "course__title_nl", "body__short_name")
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description=_("Review pages"))
    def review_link(self, obj):
        url = reverse("courses:review", args=[obj.course.slug])
        return format_html('<a href="{}">{}</a>', url, _("What an assessor sees"))

    def get_deleted_objects(self, objs, request):
        """Certificates and evaluations protect their accreditation: list them as "protected"
        (Django would otherwise say the account may not delete certificates, which misleads:
        nobody may)."""
        to_delete, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            perms_needed = set()
        return to_delete, counts, perms_needed, protected

    def save_model(self, request, obj, form, change):
        old_status = form.initial.get("status") if change else None
        super().save_model(request, obj, form, change)
        audit_accreditation(
            request=request,
            accreditation=obj,
            pk=obj.pk,
            old_status=old_status,
            changed=form.changed_data if change else filled_fields(form),
        )

    def delete_model(self, request, obj):
        pk, status = obj.pk, obj.status
        super().delete_model(request, obj)  # sets obj.pk to None
        audit_accreditation(
            request=request, accreditation=obj, pk=pk, old_status=status, changed=[], deleted=True
        )

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for accreditation in queryset.select_related("course", "body"):
            self.delete_model(request, accreditation)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the revocation"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the public verification page of the certificate."),
        error_messages={
            "required": _(
                "Give the reason for the revocation; it is shown on the verification page."
            )
        },
    )


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "holder_name",
        "course_title_nl",
        "issued_at",
        "expires_on",
        "revoked_at",
    )
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("code",)
    show_full_result_count = False
    actions = ["revoke_certificates"]
    fields = (
        "code",
        "holder_name",
        "holder_erased",
        "course_title_nl",
        "course_title_en",
        "course_version",
        "completed_at",
        "issued_at",
        "reissued_at",
        "expires_on",
        "accreditation_body",
        "accreditation_number",
        "points",
        "points_unit",
        "register",
        "registration_number",
        "revocation",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pdf").select_related("revoked_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        """The change permission allows revoking; a certificate itself is never edited."""
        if obj is not None:
            return False
        return super().has_change_permission(request)

    @admin.display(description=_("Revocation"))
    def revocation(self, obj):
        if obj.revoked_at is not None:
            when = date_format(timezone.localtime(obj.revoked_at), "j F Y, H:i")
            by = obj.revoked_by.email if obj.revoked_by else "-"
            return format_html("{} ({}): {}", when, by, obj.revoked_reason)
        if not obj.pk:
            return "-"
        url = reverse("admin:certificates_certificate_revoke", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Revoke this certificate"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name="certificates_certificate_revoke",
            ),
            *super().get_urls(),
        ]

    def _revoke(self, request, certificates, reason: str) -> int:
        count = 0
        for certificate in certificates:
            if certificate.revoked_at is None:
                certificate_revoke(
                    certificate=certificate, actor=request.user, reason=reason, request=request
                )
                count += 1
        self.message_user(
            request,
            ngettext("%(count)d certificate revoked.", "%(count)d certificates revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
        return count

    def _revoke_page(self, request, form, certificates, *, action: bool):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revoke certificates"),
            "opts": self.model._meta,
            "form": form,
            "certificates": certificates,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, REVOKE_TEMPLATE, context)

    @admin.action(description=_("Revoke selected certificates"), permissions=["change"])
    def revoke_certificates(self, request, queryset):
        """First the page that asks for the reason, then (posted with ``apply``) the revocation."""
        form = RevokeForm(request.POST if "apply" in request.POST else None)
        certificates = list(queryset.order_by("code"))
        if form.is_bound and form.is_valid():
            self._revoke(request, certificates, form.cleaned_data["reason"])
            return None
        return self._revoke_page(request, form, certificates, action=True)

    def revoke_view(self, request, pk):
        if not self.has_change_permission(request):
            raise PermissionDenied
        certificate = get_object_or_404(self.get_queryset(request), pk=pk)
        form = RevokeForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            self._revoke(request, [certificate], form.cleaned_data["reason"])
            return redirect("admin:certificates_certificate_change", certificate.pk)
        return self._revoke_page(request, form, [certificate], action=False)
