"""Forms of the reporting pages."""

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from reporting.periods import Period
from reporting.scope import Viewer, organisations_under
from reporting.statistics import Filters, groups_visible_to, published_courses

# Aggregate-only viewers: quarters and years only (``reporting.timeline``).
FIXED_PERIODS = [
    ("quarter", _("This quarter")),
    ("previous_quarter", _("Last quarter")),
    ("year", _("This year")),
    ("previous_year", _("Last year")),
]
DETAIL_PERIODS = [
    ("month", _("This month")),
    ("previous_month", _("Last month")),
    *FIXED_PERIODS,
    ("last_30_days", _("The last 30 days")),
    ("custom", _("Choose dates")),
]
DEFAULT_PERIOD = "quarter"
LONGEST_CUSTOM_PERIOD = timedelta(days=3 * 366)
SELECT = {"class": "utrecht-select utrecht-select--html-select"}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "utrecht-textbox", **(attrs or {})}, format="%Y-%m-%d")


class ObjectChoiceField(forms.ChoiceField):
    """A choice among objects the page has loaded already (no query of its own, unlike a
    ModelChoiceField, which queries once to list and once more to clean); cleans to the
    object, or None for the empty choice."""

    def __init__(self, *, key: str, empty_label, **kwargs):
        super().__init__(**kwargs)
        self.key, self.empty_label, self.objects = key, empty_label, {}

    def set_objects(self, objects, label) -> None:
        self.objects = {str(getattr(o, self.key)): o for o in objects}
        self.choices = [("", self.empty_label), *((k, label(o)) for k, o in self.objects.items())]

    def clean(self, value):
        value = super().clean(value)
        return self.objects.get(value) if value else None


class DashboardFilterForm(forms.Form):
    """The dashboard's GET filters: period, course, group, sub-organisation.

    What the form offers depends on the viewer: people who see their own organisation in detail
    may choose any dates and a group; people who see aggregates only (a parent organisation, the
    coordinator) get the fixed periods and no groups, so that two overlapping periods can never
    be subtracted to reveal a hidden number. An invalid value is ignored (the form says why)
    and the rest of the filters still apply."""

    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        widget=forms.Select(attrs=SELECT),
        error_messages={"invalid_choice": _("Choose one of the periods in the list.")},
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=DateInput(),
        help_text=_("Only for “Choose dates”."),
        error_messages={"invalid": _("Enter a valid date, for example 2025-01-31.")},
    )
    end = forms.DateField(
        label=_("Up to and including"),
        required=False,
        widget=DateInput(),
        help_text=_("Only for “Choose dates”."),
        error_messages={"invalid": _("Enter a valid date, for example 2025-03-31.")},
    )
    course = ObjectChoiceField(
        label=_("Course"),
        required=False,
        key="slug",
        empty_label=_("All courses"),
        widget=forms.Select(attrs=SELECT),
        error_messages={"invalid_choice": _("Choose one of the courses in the list.")},
    )
    group = ObjectChoiceField(
        label=_("Group"),
        required=False,
        key="pk",
        empty_label=_("All groups"),
        widget=forms.Select(attrs=SELECT),
        error_messages={"invalid_choice": _("Choose one of the groups in the list.")},
    )
    organisation = ObjectChoiceField(
        label=_("Sub-organisation"),
        required=False,
        key="slug",
        empty_label="",
        widget=forms.Select(attrs=SELECT),
        error_messages={"invalid_choice": _("Choose one of the sub-organisations in the list.")},
    )

    def __init__(
        self,
        data=None,
        *,
        viewer: Viewer,
        organisation: Organisation,
        today: date,
    ):
        super().__init__(data, initial={"period": DEFAULT_PERIOD})
        self.viewer = viewer
        self.today = today
        self.fields["period"].choices = DETAIL_PERIODS if viewer.detail else FIXED_PERIODS
        self.fields["course"].set_objects(published_courses(), label=lambda c: c.title)
        self.fields["organisation"].empty_label = _("All of %(name)s") % {"name": organisation.name}
        self.fields["organisation"].set_objects(
            organisations_under(viewer, organisation), label=str
        )
        if viewer.detail:
            self.fields["group"].set_objects(groups_visible_to(viewer), label=lambda g: g.name)
        else:
            for name in ("start", "end", "group"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period") != "custom":
            return cleaned
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is None and "start" not in self.errors:
            self.add_error("start", _("Give the first day of the period."))
        if end is None and "end" not in self.errors:
            self.add_error("end", _("Give the last day of the period."))
        if start and end:
            if end < start:
                self.add_error("end", _("The last day must not be before the first day."))
            elif end - start > LONGEST_CUSTOM_PERIOD:
                self.add_error("end", _("Choose a period of at most three years."))
            elif start > self.today:
                self.add_error("start", _("The period must not start in the future."))
        return cleaned

    def _valid(self, name: str):
        """The field's cleaned value, or None when it is absent or was invalid."""
        if not self.is_bound:
            return None
        self.is_valid()
        if name in self.errors or name not in self.fields:
            return None
        return getattr(self, "cleaned_data", {}).get(name)

    def chosen_period(self) -> Period:
        name = self._valid("period") or DEFAULT_PERIOD
        if name == "custom":
            if self.errors.get("start") or self.errors.get("end"):
                return Period.named(DEFAULT_PERIOD, self.today)
            return Period(start=self.cleaned_data["start"], end=self.cleaned_data["end"])
        if name.startswith("previous_"):
            name = name.removeprefix("previous_")
            current = Period.named(name, self.today)
            return Period.named(name, current.start - timedelta(days=1))
        return Period.named(name, self.today)

    def chosen_filters(self) -> Filters:
        course, group, organisation = (
            self._valid(name) for name in ("course", "group", "organisation")
        )
        return Filters(
            course_id=course.pk if course else None,
            group_id=group.pk if group else None,
            organisation_id=organisation.pk if organisation else None,
        )

    def chosen_objects(self) -> dict:
        """The valid choices as objects (for the page's headings)."""
        return {name: self._valid(name) for name in ("course", "group", "organisation")}
