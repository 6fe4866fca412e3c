from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        # "Download my data" and "delete my account" cover this app's own data.
        from accounts.hooks import account_erasers, personal_data_sections, personal_identifiers
        from organisations import personal_data

        personal_data_sections.register(personal_data.organisation_section)
        personal_identifiers.register(personal_data.identifiers)
        account_erasers.register(personal_data.account_erase)
