"""The form of "Record a classroom session". It checks input; ``courses.classroom`` checks the
rules again."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.classroom import classroom_emails_parse, classroom_group_members
from courses.models import Course
from courses.trainer.forms import CourseChoiceField, DateInput, published_courses
from organisations.models import Membership, Organisation, Role

MEMBER_OPTIONS_LIMIT = 1000


class TrainerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.name or obj.email


class ClassroomSessionForm(forms.Form):
    course = CourseChoiceField(
        label=_("Course"),
        queryset=Course.objects.none(),
        empty_label=_("Choose a course"),
        error_messages={"required": _("Choose the course that was taught.")},
    )
    held_on = forms.DateField(
        label=_("Date of the session"),
        widget=DateInput(),
        error_messages={
            "required": _("Give the date of the session."),
            "invalid": _("Enter a valid date, for example 2025-06-30."),
        },
    )
    trainer = TrainerChoiceField(
        label=_("Trainer"),
        queryset=User.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the trainers in the list.")},
    )
    location = forms.CharField(label=_("Location (optional)"), max_length=200, required=False)
    members = forms.ModelMultipleChoiceField(
        label=_("Attendees from your groups"),
        queryset=User.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": _("One of the chosen people is not in a group of this organisation.")
        },
    )
    emails = forms.CharField(
        label=_("Other attendees: e-mail addresses, one per line"),
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off", "spellcheck": "false"}),
        required=False,
        help_text=_(
            "An address of someone with an account here is linked to that account. Other "
            "people are linked when they create an account with that address."
        ),
    )

    def __init__(self, *args, organisation: Organisation, user: User, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs["initial"] = {"trainer": user.pk, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["course"].queryset = published_courses()
        managers = Membership.objects.filter(
            organisation_id__in=organisation.lineage_ids, role__in=[Role.TRAINER, Role.ADMIN]
        ).values("user_id")
        self.fields["trainer"].queryset = User.objects.filter(
            Q(pk__in=managers) | Q(pk=user.pk), is_active=True
        ).order_by("name", "email")
        members = classroom_group_members(organisation=organisation)
        self.fields["members"].queryset = User.objects.filter(pk__in=members.values("user_id"))

    @staticmethod
    def initial_for(session) -> dict:
        """The form's values for a recorded session: members chosen by account, the others
        by the address that was entered."""
        rows = list(session.attendances.values_list("user_id", "email"))
        return {
            "course": session.course_id,
            "held_on": session.held_on,
            "trainer": session.trainer_id,
            "location": session.location,
            "members": [user_id for user_id, email in rows if user_id and not email],
            "emails": "\n".join(email for _user_id, email in rows if email),
        }

    def member_options(self) -> tuple[list, bool]:
        """Group memberships to show as checkboxes and whether the list was cut."""
        members = classroom_group_members(organisation=self.organisation)
        rows = list(members[: MEMBER_OPTIONS_LIMIT + 1])
        return rows[:MEMBER_OPTIONS_LIMIT], len(rows) > MEMBER_OPTIONS_LIMIT

    def chosen_member_ids(self) -> set[str]:
        if self.is_bound:
            return {str(v) for v in self.data.getlist("members")}
        return {str(v) for v in self.initial.get("members", [])}

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("The date of the session cannot be in the future."))
        return held_on

    def clean_emails(self):
        return classroom_emails_parse(text=self.cleaned_data["emails"])

    def clean(self):
        cleaned = super().clean()
        if (
            "members" in cleaned
            and "emails" in cleaned
            and not cleaned["members"]
            and not cleaned["emails"]
        ):
            self.add_error("members", _("Choose at least one attendee or enter an e-mail address."))
        return cleaned
