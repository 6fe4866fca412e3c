from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from accounts.hooks import account_erasers, personal_data_sections
        from reporting import personal_data

        personal_data_sections.register(personal_data.reporting_section)
        account_erasers.register(personal_data.reporting_erase)
