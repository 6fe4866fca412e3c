"""Forms of the trainer pages. They check input; the services check the rules again."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.models import Assignment, Course
from courses.trainer.queries import SORT_CHOICES, STATUS_CHOICES
from organisations.models import Group, Membership, Organisation

LEARNER_OPTIONS_LIMIT = 300


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Group) -> str:
        return f"{obj.name} ({obj.organisation.name})"


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Course) -> str:
        return obj.title


def is_id(value: str) -> bool:
    """A plain row id as a form or URL sends it: ASCII digits within the range of a bigint
    (``str.isdigit`` also accepts "²" and other scripts' digits, which ``int`` refuses)."""
    return value.isascii() and value.isdigit() and len(value) <= 18


def published_courses():
    return Course.objects.filter(status=Course.Status.PUBLISHED).order_by("title_nl")


def subtree_members(organisation: Organisation):
    """Everyone with a membership at or below the organisation (trainers learn too)."""
    member = Membership.objects.filter(organisation__path__startswith=organisation.path)
    return User.objects.filter(is_active=True, pk__in=member.values("user_id")).order_by(
        "name", "email"
    )


class AssignmentForm(forms.Form):
    course = CourseChoiceField(
        label=_("Course"),
        queryset=Course.objects.none(),
        empty_label=_("Choose a course"),
        error_messages={"required": _("Choose the course to assign.")},
    )
    group = GroupChoiceField(
        label=_("Group"),
        queryset=Group.objects.none(),
        required=False,
        empty_label=_("No group: I choose learners below"),
        help_text=_("Everyone in the group gets the course, also people who join it later."),
    )
    learners = forms.ModelMultipleChoiceField(
        label=_("Learners"),
        queryset=User.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": _("One of the chosen learners is not a member of this organisation.")
        },
    )
    due_date = forms.DateField(
        label=_("Due date"),
        widget=DateInput(),
        error_messages={
            "required": _("Give a due date."),
            "invalid": _("Enter a valid date, for example 2025-06-30."),
        },
    )
    message = forms.CharField(
        label=_("Message to the learners (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
        help_text=_("Sent with the e-mail that tells them about the course."),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["course"].queryset = published_courses()
        self.fields["group"].queryset = Group.objects.filter(
            organisation__path__startswith=organisation.path
        ).select_related("organisation")
        self.fields["learners"].queryset = subtree_members(organisation)

    def learner_options(self, query: str = "") -> tuple[list[User], bool]:
        """Learners to show as checkboxes (filtered by ``query``; chosen ones always shown) and
        whether the list was cut at LEARNER_OPTIONS_LIMIT."""
        members = self.fields["learners"].queryset
        if query:
            members = members.filter(Q(name__icontains=query) | Q(email__icontains=query))
        options = list(members[: LEARNER_OPTIONS_LIMIT + 1])
        cut = len(options) > LEARNER_OPTIONS_LIMIT
        options = options[:LEARNER_OPTIONS_LIMIT]
        chosen = self.chosen_learner_ids()
        shown = {str(u.pk) for u in options}
        missing = [pk for pk in chosen - shown if is_id(pk)]
        if missing:
            options += list(self.fields["learners"].queryset.filter(pk__in=missing))
        return options, cut

    def chosen_learner_ids(self) -> set[str]:
        if not self.is_bound:
            return {str(pk) for pk in self.initial.get("learners", [])}
        return {str(v) for v in self.data.getlist("learners")}

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        if due_date < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due_date

    def clean(self):
        cleaned = super().clean()
        group, learners = cleaned.get("group"), cleaned.get("learners")
        if "group" in cleaned and "learners" in cleaned:
            if group is None and not learners:
                self.add_error("learners", _("Choose a group or at least one learner."))
            elif group is not None and learners:
                self.add_error("learners", _("Choose either a group or learners, not both."))
        course = cleaned.get("course")
        if group is not None and course is not None:
            if Assignment.objects.filter(
                group=group, course=course, unassigned_at__isnull=True
            ).exists():
                self.add_error(
                    "course",
                    _("This course is already assigned to this group. Unassign it first."),
                )
        return cleaned


class DueDateForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    due_date = forms.DateField(
        label=_("New due date"),
        widget=DateInput(),
        error_messages={
            "required": _("Give a due date."),
            "invalid": _("Enter a valid date, for example 2025-06-30."),
        },
    )

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        if due_date < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due_date


class MatrixFilterForm(forms.Form):
    """The filters of a progress matrix; invalid values fall back to the defaults."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *STATUS_CHOICES],
    )
    course = forms.TypedChoiceField(
        label=_("Course"), required=False, coerce=int, empty_value=None, choices=()
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, columns, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.columns = columns
        self.fields["course"].choices = [("", _("All courses"))] + [
            (c.assignment.pk, c.course.title) for c in columns
        ]

    def values(self) -> dict:
        """Cleaned values, each falling back to its default when invalid."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        errors = self.errors
        course_id = None if "course" in errors else data.get("course")
        column = next((c for c in self.columns if c.assignment.pk == course_id), None)
        return {
            "status": "" if "status" in errors else data.get("status") or "",
            "column": column,
            "sort": "name" if "sort" in errors else data.get("sort") or "name",
        }
