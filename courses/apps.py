from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        # People who join a group later get the group's assigned courses.
        from courses.services.assignments import assignments_apply_to_new_group_member
        from organisations.services import register_group_join_handler

        register_group_join_handler(assignments_apply_to_new_group_member)

        # "Download my data" and "delete my account" cover this app's own data.
        from accounts.hooks import account_erasers, email_verified, personal_data_sections
        from courses import personal_data
        from courses.classroom import classroom_link_email

        email_verified.register(classroom_link_email)

        personal_data_sections.register(personal_data.learning_section)
        personal_data_sections.register(personal_data.assignment_section)
        personal_data_sections.register(personal_data.reviewer_section)
        personal_data_sections.register(personal_data.classroom_section)
        account_erasers.register(personal_data.account_erase)
