from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        from assessments import catalogue, sections
        from courses import loader, pages

        pages.register_course_page_section(sections.course_page_section)
        pages.register_lesson_page_section(sections.lesson_page_section)
        pages.register_trainer_learner_section(sections.trainer_learner_section)
        loader.register_course_validator(catalogue.validate_course_questions)
        loader.register_course_extension(catalogue.load_course_questions)
        loader.register_catalogue_validator(catalogue.validate_survey_file)
        loader.register_catalogue_extension(catalogue.load_survey)

        # "Download my data" covers this app's own data. Nothing here holds a name or an
        # address, so there is no eraser (see assessments.personal_data).
        from accounts.hooks import personal_data_sections
        from assessments import personal_data

        personal_data_sections.register(personal_data.assessment_section)
