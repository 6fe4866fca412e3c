"""Forms of the learner pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Audience
from organisations.models import Theme


class CatalogueFilterForm(forms.Form):
    """GET filters of the catalogue; an empty choice means "all"."""

    audience = forms.ChoiceField(
        label=_("Audience"),
        required=False,
        choices=[("", _("All audiences")), *Audience.choices],
        widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
    )
    theme = forms.TypedChoiceField(
        label=_("Theme"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All themes")), *Theme.choices],
        widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
    )

    def filters(self) -> dict:
        """The valid filters (an invalid value filters nothing; the form shows why)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            key: cleaned[key]
            for key in ("audience", "theme")
            if key in cleaned and cleaned[key] not in (None, "")
        }
