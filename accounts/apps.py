from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts import personal_data, receivers
        from accounts.hooks import personal_data_sections

        receivers.connect()
        # Accounts' own sections lead "download my data"; higher apps add theirs after.
        personal_data_sections.register(personal_data.profile_section)
        personal_data_sections.register(personal_data.security_section)
