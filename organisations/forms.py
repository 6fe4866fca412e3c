"""Forms of the organisation pages. Choices are limited to what the person may do; the services
enforce the same rules again."""

from pathlib import Path

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from organisations import permissions
from organisations.models import Group, Role
from organisations.services import csv_rows
from organisations.services.bulk import MAX_ROWS

MAX_UPLOAD_BYTES = 1024 * 1024
LANGUAGE_CHOICES = [("nl", "Nederlands"), ("en", "English")]


def _role_choices(user, organisation) -> list[tuple[str, str]]:
    grantable = permissions.grantable_roles(user, organisation)
    return [(value, label) for value, label in Role.choices if value in grantable]


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name or e-mail"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, actor, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(actor, organisation)


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name of the group"), max_length=150)


class MemberSearchForm(forms.Form):
    q = forms.CharField(label=_("Find a member by name or e-mail"), required=False, max_length=100)


class GroupMemberForm(forms.Form):
    """Pick a member of the group's organisation (by id, from the search results)."""

    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        label=_("Member"),
        error_messages={"invalid_choice": _("Choose a member of this organisation.")},
    )

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(
            memberships__organisation_id=group.organisation_id
        )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        required=False,
        help_text=_("Optional. Used in the e-mail and as the name on the new account."),
    )
    role = forms.ChoiceField(label=_("Role"))
    group = forms.ModelChoiceField(
        label=_("Group"),
        queryset=Group.objects.none(),
        required=False,
        empty_label=_("No group"),
        help_text=_("Optional. The person joins this group when they accept."),
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation e-mail"),
        choices=LANGUAGE_CHOICES,
        initial="nl",
        help_text=_("People who already have an account get it in the language of their profile."),
    )

    def __init__(self, *args, actor, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(actor, organisation)
        self.fields["group"].queryset = Group.objects.filter(organisation=organisation)


class InvitationBatchForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "A header row, then one person per row. Columns: email (required), name, role "
            "(learner, trainer, analyst or admin; empty means learner), group (the exact name of "
            "an existing group; unknown groups are not created but reported) and language "
            "(nl or en). Separate columns with a comma or a semicolon; save as UTF-8. "
            "At most 5000 rows."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".csv", ".txt"):
            raise ValidationError(_("Upload a .csv file."), code="extension")
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 1 MB. Split it up."), code="size")
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                _(
                    "The file is not UTF-8 text. In Excel, choose “Save as” → "
                    "“CSV UTF-8 (comma delimited)”."
                ),
                code="encoding",
            ) from None
        rows = csv_rows(text)  # raises ValidationError for a bad header
        if not rows:
            raise ValidationError(_("The file has a header but no people."), code="no_rows")
        if len(rows) > MAX_ROWS:
            raise ValidationError(
                _("The file has %(count)s rows; the maximum is %(max)s. Split it up.")
                % {"count": len(rows), "max": MAX_ROWS},
                code="too_many_rows",
            )
        self.cleaned_data["csv_text"] = text
        return upload


class InvitationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("pending", _("Pending")),
            ("accepted", _("Accepted")),
            ("revoked", _("Revoked")),
            ("expired", _("Expired")),
        ],
    )
