"""Registries through which other apps add to the learner pages, without courses importing them.

- ``register_course_page_section(fn)``: ``fn(request, course, enrolment) -> (template_name,
  context) | None``; shown on the course page (``enrolment`` is None when the visitor is not
  enrolled). The assessments app adds "Final quiz", the certificates app "Certificate".
- ``register_lesson_page_section(fn)``: ``fn(request, lesson, enrolment) -> (template_name,
  context) | None``; shown below the lesson text (knowledge checks).
- ``register_trainer_learner_section(fn)``: ``fn(request, learner, enrolments) -> (template_name,
  context) | None``; shown on a trainer's page of one learner (``enrolments``: the learner's
  enrolments in the courses shown there). The assessments app adds the final-quiz attempts.

- ``register_course_facts(fn)``: ``fn(courses: list[Course]) -> {course id: [(term, html)]}``:
  extra lines of the facts list shown with a course on the catalogue, the course page and My
  learning (the certificates app adds its accreditation, or "applied for"). One call per page
  for all its courses, so the query count does not grow with the courses shown.

Each section template is rendered on its own (``render_to_string`` with the request), so it may
use its own ``{% load %}``s and partials.
"""

from django.template.loader import render_to_string

from academy.registry import Registry

course_page_sections = Registry("course page sections")
lesson_page_sections = Registry("lesson page sections")
trainer_learner_sections = Registry("trainer learner sections")
course_facts = Registry("course facts")


def register_course_page_section(fn):
    return course_page_sections.register(fn)


def register_lesson_page_section(fn):
    return lesson_page_sections.register(fn)


def register_trainer_learner_section(fn):
    return trainer_learner_sections.register(fn)


def register_course_facts(fn):
    return course_facts.register(fn)


def attach_course_facts(courses) -> None:
    """Set ``course.more_facts`` (a list of ``(term, html)``) on each of ``courses``."""
    courses = list(courses)
    for course in courses:
        course.more_facts = []
    if not courses:
        return
    for provider in course_facts:
        extra = provider(courses)
        for course in courses:
            course.more_facts.extend(extra.get(course.pk, ()))


def render_sections(registry: Registry, request, *args) -> list[str]:
    """HTML of every section that has something to show."""
    html = []
    for section in registry:
        result = section(request, *args)
        if result:
            template_name, context = result
            html.append(render_to_string(template_name, context, request=request))
    return html
