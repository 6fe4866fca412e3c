from django import forms
from django.utils.translation import gettext_lazy as _


class SurveyForm(forms.Form):
    """One Likert field (1–5) per statement; built from the survey's items."""

    SCALE = [
        (1, _("Strongly disagree")),
        (2, _("Disagree")),
        (3, _("Neither agree nor disagree")),
        (4, _("Agree")),
        (5, _("Strongly agree")),
    ]

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[item.slug] = forms.TypedChoiceField(
                label=item.text,
                choices=self.SCALE,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose an answer for this statement.")},
            )

    def answers(self) -> dict[str, int]:
        return {item.slug: self.cleaned_data[item.slug] for item in self.items}
