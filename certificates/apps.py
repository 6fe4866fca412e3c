from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        from accounts.hooks import account_erasers, personal_data_sections, registration_changed
        from certificates import catalogue, personal_data, reference, sections, services
        from courses import loader, pages
        from courses.services import register_completion_handler

        register_completion_handler(services.on_completion)
        registration_changed.register(services.on_registration_changed)
        personal_data_sections.register(personal_data.certificates_section)
        account_erasers.register(personal_data.erase_certificates)
        pages.register_course_facts(sections.course_facts)
        pages.register_course_page_section(sections.course_page_section)
        loader.register_course_yaml_key(catalogue.KEY)
        loader.register_course_validator(catalogue.validate_accreditations)
        loader.register_course_extension(catalogue.load_accreditations)
        # Django's own hook for reference data: after migrate, and after the flush of a
        # transactional test, the bodies and the role are there.
        post_migrate.connect(reference.ensure_reference_data, sender=self)
