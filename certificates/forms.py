"""Forms of the certificates app: the course evaluation before an accredited certificate, and
the period filters of the evaluation results and the attendance list."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.forms import (
    DATE_INPUT_FORMATS,
    ProfileForm,
    clean_registration_number,
    date_of_birth_field,
)
from accounts.models import REGISTER_NUMBER_FIELDS, Register, User
from certificates.attendance import attendance_accreditations
from certificates.evaluation import MAX_MINUTES, points_text
from certificates.models import Accreditation

NO_POINTS = "none"
ATTENDANCE_MAX_YEARS = 5


def _scale(low: str, high: str) -> list[tuple[int, str]]:
    """Five answers; the ends carry their meaning (the legend gives the question)."""
    return [
        (1, format_lazy("1 – {}", low)),
        (2, "2"),
        (3, "3"),
        (4, "4"),
        (5, format_lazy("5 – {}", high)),
    ]


def accreditation_label(accreditation: Accreditation) -> str:
    body = accreditation.body
    return _("%(body)s: %(points)s %(unit)s (%(register)s)") % {
        "body": body.name,
        "points": points_text(accreditation.points),
        "unit": accreditation.get_unit_display(),
        "register": Register(body.register).label,
    }


class FinishForm(forms.Form):
    """The course evaluation and the registration number the chosen accreditation needs.

    ``covering``: the accreditations that cover the completion (the only ones offered).
    There is one number field per register of those accreditations (the page works without
    JavaScript), prefilled from the profile; only the chosen accreditation's one is required and
    stored. The date of birth is asked when a covering accreditation's register wants it, and
    required only when the chosen one does. With ``ask_evaluation=False`` (the evaluation was
    answered, a number is still missing) only the choice and the numbers remain.
    """

    relevance = forms.TypedChoiceField(
        label=_("How relevant was this course for your work?"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=_scale(_("not relevant"), _("very relevant")),
        error_messages={"required": _("Choose how relevant the course was for your work.")},
    )
    quality = forms.TypedChoiceField(
        label=_("How good was the quality of the course?"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=_scale(_("poor"), _("excellent")),
        error_messages={"required": _("Choose how good the course was.")},
    )
    minutes_reported = forms.IntegerField(
        label=_("How many minutes did the course take you?"),
        min_value=1,
        max_value=MAX_MINUTES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Enter the number of minutes the course took you."),
            "invalid": _("Enter a whole number of minutes."),
        },
    )
    accreditation = forms.ChoiceField(
        label=_("Which accreditation do you want the points of?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose an accreditation, or that you do not need points."),
            "invalid_choice": _("Choose one of the accreditations listed."),
        },
    )

    def __init__(
        self,
        *args,
        user: User,
        covering: tuple[Accreditation, ...],
        ask_evaluation: bool = True,
        chosen: Accreditation | None = None,
        stated_minutes: int = 0,
        measured_minutes: int = 0,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.covering = {str(a.pk): a for a in covering}
        if ask_evaluation:
            self.fields["minutes_reported"].help_text = _(
                "The course states %(stated)s minutes; the platform measured about "
                "%(measured)s minutes in the lessons."
            ) % {"stated": stated_minutes, "measured": measured_minutes}
        else:
            for name in ("relevance", "quality", "minutes_reported"):
                del self.fields[name]
        field = self.fields["accreditation"]
        field.choices = [(pk, accreditation_label(a)) for pk, a in self.covering.items()] + [
            (NO_POINTS, _("None: I do not need accreditation points"))
        ]
        if chosen is not None:
            field.initial = str(chosen.pk)
        self.number_fields: dict[str, str] = {}
        for accreditation in covering:
            self._add_number_field(accreditation, covering)
        if any(a.requires_date_of_birth for a in covering):
            bodies = ", ".join(a.body.name for a in covering if a.requires_date_of_birth)
            self.fields["date_of_birth"] = date_of_birth_field(
                initial=user.date_of_birth,
                help_text=_("Only needed for the points of %(bodies)s.") % {"bodies": bodies},
            )

    def _add_number_field(self, accreditation: Accreditation, covering) -> None:
        register = accreditation.body.register
        name = REGISTER_NUMBER_FIELDS[register]
        if name in self.fields:
            return
        profile_field = ProfileForm.base_fields[name]
        bodies = ", ".join(a.body.name for a in covering if a.body.register == register)
        self.number_fields[name] = register
        self.fields[name] = forms.CharField(
            label=profile_field.label,
            required=False,
            max_length=profile_field.max_length,
            initial=self.user.registration_number(register),
            help_text=format_lazy(
                "{} {}",
                profile_field.help_text,
                _("Needed for the points of %(bodies)s.") % {"bodies": bodies},
            ),
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
            if register != Register.OTHER
            else forms.TextInput(attrs={"autocomplete": "off"}),
        )

    @property
    def ask_evaluation(self) -> bool:
        return "relevance" in self.fields

    def number_field_list(self) -> list[forms.BoundField]:
        return [self[name] for name in self.number_fields]

    def birth_field(self) -> forms.BoundField | None:
        return self["date_of_birth"] if "date_of_birth" in self.fields else None

    def clean_accreditation(self) -> Accreditation | None:
        value = self.cleaned_data["accreditation"]
        if value == NO_POINTS:
            return None
        return self.covering[value]  # ChoiceField already refused anything else

    def clean(self):
        cleaned = super().clean()
        if "accreditation" not in cleaned:
            return cleaned
        chosen: Accreditation | None = cleaned["accreditation"]
        cleaned["registration_number"] = ""
        if chosen is None:
            cleaned["date_of_birth"] = None
            return cleaned
        register = chosen.body.register
        name = REGISTER_NUMBER_FIELDS[register]
        if name in self.errors:
            return cleaned
        try:
            number = clean_registration_number(register, cleaned.get(name, ""))
        except forms.ValidationError as error:
            self.add_error(name, error)
            return cleaned
        if not number:
            self.add_error(
                name,
                _("Fill in this number: the points of %(body)s are registered with it.")
                % {"body": chosen.body.name},
            )
            return cleaned
        cleaned["registration_number"] = number
        if not chosen.requires_date_of_birth:
            cleaned["date_of_birth"] = None
        elif "date_of_birth" not in self.errors and cleaned.get("date_of_birth") is None:
            self.add_error(
                "date_of_birth",
                _("Enter your date of birth: the register of %(body)s asks for it.")
                % {"body": chosen.body.name},
            )
        return cleaned

    def overwrites_profile(self) -> bool:
        """Whether saving replaces a registration number or date of birth the profile holds
        already (the profile asks for the password again for that; so does this form)."""
        chosen = self.cleaned_data.get("accreditation")
        if chosen is None:
            return False
        current = self.user.registration_number(chosen.body.register)
        if current and current != self.cleaned_data["registration_number"]:
            return True
        new_date = self.cleaned_data.get("date_of_birth")
        return bool(self.user.date_of_birth and new_date and new_date != self.user.date_of_birth)


class PeriodForm(forms.Form):
    """From and to (both optional here; the attendance list requires them)."""

    date_from = forms.DateField(
        label=_("From"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date lies before the start date."))
        return cleaned


class AttendanceForm(PeriodForm):
    """Accreditation and period of an attendance list (at most five years)."""

    accreditation = forms.ModelChoiceField(
        label=_("Accreditation"),
        queryset=Accreditation.objects.none(),
        empty_label=_("Choose an accreditation"),
        error_messages={
            "required": _("Choose an accreditation."),
            "invalid_choice": _("Choose one of the accreditations listed."),
        },
    )

    field_order = ["accreditation", "date_from", "date_to"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accreditation"].queryset = attendance_accreditations()
        self.fields["accreditation"].label_from_instance = self._label
        for name in ("date_from", "date_to"):
            self.fields[name].required = True
        self.fields["date_from"].error_messages["required"] = _("Enter the first day.")
        self.fields["date_to"].error_messages["required"] = _("Enter the last day.")

    @staticmethod
    def _label(accreditation: Accreditation) -> str:
        return _("%(body)s – %(course)s – no. %(number)s (%(status)s)") % {
            "body": accreditation.body.short_name,
            "course": accreditation.course.title,
            "number": accreditation.number or "–",
            "status": accreditation.get_status_display(),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end >= start:
            if end > start + relativedelta(years=ATTENDANCE_MAX_YEARS):
                self.add_error(
                    "date_to",
                    _("Choose a period of at most %(years)s years.")
                    % {"years": ATTENDANCE_MAX_YEARS},
                )
        return cleaned
