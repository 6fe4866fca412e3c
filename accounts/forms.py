"""Forms of the accounts app.

This module is imported by allauth while it builds its own forms (``ACCOUNT_SIGNUP_FORM_CLASS``),
so it must not import ``allauth.account.forms``.
"""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    AuditEvent,
    Register,
    User,
    big_number_validator,
    other_register_number_validator,
    registerplein_number_validator,
    skj_number_validator,
    vvn_number_validator,
)

REGISTRATION_FIELDS = (
    "big_number",
    "vvn_number",
    "skj_number",
    "registerplein_number",
    "other_register_name",
    "other_register_number",
    "date_of_birth",
)
_SEPARATORS = re.compile(r"[\s.\-]")
REGISTER_VALIDATORS = {
    Register.BIG: big_number_validator,
    Register.VVN: vvn_number_validator,
    Register.SKJ: skj_number_validator,
    Register.REGISTERPLEIN: registerplein_number_validator,
    Register.OTHER: other_register_number_validator,
}
EARLIEST_DATE_OF_BIRTH = date(1900, 1, 1)
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


def clean_registration_number(register: str, value: str) -> str:
    """The number as stored: registers with digit-only numbers drop spaces, dots and hyphens
    people type; the other register keeps its characters. Raises ``ValidationError`` with the
    register's own message. Used by the profile and by the course evaluation."""
    value = (value or "").strip()
    if register != Register.OTHER:
        value = _SEPARATORS.sub("", value)
    if value:
        validator = REGISTER_VALIDATORS[register]
        validator(value)
    return value


def validate_date_of_birth(value: date | None) -> None:
    """A date of birth is in the past and not before 1900."""
    if value is None:
        return
    if value >= timezone.localdate():
        raise forms.ValidationError(_("A date of birth lies in the past."), code="future")
    if value < EARLIEST_DATE_OF_BIRTH:
        raise forms.ValidationError(
            _("Enter a date of birth after 1 January 1900."), code="too_early"
        )


def date_of_birth_field(**kwargs) -> forms.DateField:
    """The date of birth as a date input (optional unless the caller says otherwise)."""
    options = {
        "label": _("Date of birth"),
        "required": False,
        "input_formats": DATE_INPUT_FORMATS,
        "validators": [validate_date_of_birth],
        "widget": forms.DateInput(
            attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"
        ),
    }
    options.update(kwargs)
    return forms.DateField(**options)


def _current_language() -> str:
    language = (get_language() or "nl")[:2]
    return language if language in User.Language.values else User.Language.NL


class SignupForm(forms.Form):
    """Extra fields for allauth's signup form (allauth adds e-mail and password).

    ``accounts.adapter.AccountAdapter.save_user`` stores them on the new user.
    """

    field_order = ["name", "email", "password1", "password2", "preferred_language"]

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        help_text=_("As it should appear on your certificates."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language"),
        choices=User.Language.choices,
        help_text=_("The language of the platform and of the e-mails we send you."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = _current_language()

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter your name."), code="required")
        return name

    def signup(self, request, user) -> None:
        """Required by allauth; the adapter already saved our fields."""


def _number_field(label, help_text) -> forms.CharField:
    """A registration number as typed (spaces, dots or hyphens allowed; cleaned to digits)."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=30,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class ProfileForm(forms.ModelForm):
    """Name, language, profession, registration numbers and the date of birth.

    Registration numbers may be typed with spaces, dots or hyphens; they are stored as digits.
    The other register needs both its name and the number, or neither. The date of birth is
    optional (only some registers ask for it: ``Accreditation.requires_date_of_birth``).
    """

    big_number = _number_field(
        _("BIG registration number"),
        _("11 digits. For doctors, nurses and other BIG-registered professionals."),
    )
    vvn_number = _number_field(
        _("Kwaliteitsregister V&VN number"), _("6 to 9 digits. For nurses and carers.")
    )
    skj_number = _number_field(
        _("SKJ registration number"), _("6 to 9 digits. For youth care professionals.")
    )
    registerplein_number = _number_field(
        _("Registerplein number"), _("5 to 9 digits. For social workers.")
    )
    date_of_birth = date_of_birth_field(
        help_text=_("Only needed when the register of an accredited course asks for it.")
    )
    other_register_name = forms.CharField(
        label=_("Other register"),
        required=False,
        max_length=100,
        help_text=_("The name of another professional register."),
    )
    other_register_number = forms.CharField(
        label=_("Number in the other register"),
        required=False,
        max_length=40,
        help_text=_("3 to 40 letters, digits, dots, slashes or hyphens."),
    )

    class Meta:
        model = User
        fields = [
            "name",
            "preferred_language",
            "profession",
            "big_number",
            "vvn_number",
            "skj_number",
            "registerplein_number",
            "other_register_name",
            "other_register_number",
            "date_of_birth",
        ]
        labels = {"name": _("Name"), "preferred_language": _("Language")}
        help_texts = {
            "name": _("As it should appear on your certificates."),
            "preferred_language": _("The language of the platform and of our e-mails."),
        }
        widgets = {"name": forms.TextInput(attrs={"autocomplete": "name"})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["profession"].choices = [("", _("Not specified"))] + list(
            User.Profession.choices
        )
        self._initial_registration = {
            name: getattr(self.instance, name) or ("" if name != "date_of_birth" else None)
            for name in REGISTRATION_FIELDS
        }

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter your name."), code="required")
        return name

    def clean_big_number(self) -> str:
        return clean_registration_number(Register.BIG, self.cleaned_data["big_number"])

    def clean_vvn_number(self) -> str:
        return clean_registration_number(Register.VVN, self.cleaned_data["vvn_number"])

    def clean_skj_number(self) -> str:
        return clean_registration_number(Register.SKJ, self.cleaned_data["skj_number"])

    def clean_registerplein_number(self) -> str:
        return clean_registration_number(
            Register.REGISTERPLEIN, self.cleaned_data["registerplein_number"]
        )

    def clean_other_register_name(self) -> str:
        return " ".join(self.cleaned_data["other_register_name"].split())

    def clean_other_register_number(self) -> str:
        return clean_registration_number(Register.OTHER, self.cleaned_data["other_register_number"])

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("other_register_name")
        number = cleaned.get("other_register_number")
        if "other_register_name" in cleaned and "other_register_number" in cleaned:
            if name and not number:
                self.add_error(
                    "other_register_number",
                    _("Enter your number in this register, or leave the register name empty."),
                )
            elif number and not name:
                self.add_error(
                    "other_register_name",
                    _("Enter the name of the register this number belongs to."),
                )
        return cleaned

    def registration_changes(self) -> dict[str, object]:
        """The registration numbers (and date of birth) that this (valid) form changes:
        field → new value."""
        return {
            name: self.cleaned_data[name]
            for name in REGISTRATION_FIELDS
            if self.cleaned_data.get(name) != self._initial_registration[name]
        }


class DeleteAccountForm(forms.Form):
    """The person types their e-mail address to confirm that they mean it."""

    email = forms.CharField(
        label=_("Type your e-mail address to confirm"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        value = self.cleaned_data["email"].strip()
        if value.lower() != self.user.email.lower():
            raise forms.ValidationError(
                _("This is not the e-mail address of your account. Type %(email)s exactly."),
                params={"email": self.user.email},
                code="mismatch",
            )
        return value


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("All actions"))] + list(AuditEvent.Action.choices),
    )
