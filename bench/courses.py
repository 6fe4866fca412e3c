"""Courses for the benchmark: the real catalogue when it loads, topped up with synthetic
published courses of ``SYNTHETIC_LESSONS`` lessons until there are ``MIN_COURSES``."""

import random
from collections.abc import Callable

from django.conf import settings

from courses.models import Course, Lesson, Module

MIN_COURSES = 6
SYNTHETIC_LESSONS = 15


def _lesson_body(rng: random.Random, language: str, number: int) -> str:
    words = (
        "sekswerk stigma respect vertrouwen aangifte veiligheid zorg bank gesprek rechten"
        if language == "nl"
        else "sex work stigma respect trust report safety care bank conversation rights"
    ).split()
    paragraphs = [
        "<p>" + " ".join(rng.choice(words) for _ in range(80)) + ".</p>" for _ in range(6)
    ]
    return f"<h2>{'Les' if language == 'nl' else 'Lesson'} {number}</h2>" + "".join(paragraphs)


def synthetic_course(rng: random.Random, number: int) -> Course:
    course = Course.objects.create(
        slug=f"bench-cursus-{number}",
        title_nl=f"Benchmarkcursus {number}",
        title_en=f"Benchmark course {number}",
        summary_nl="Een gegenereerde cursus voor de benchmark.",
        summary_en="A generated course for the benchmark.",
        theme=1 + number % 5,
        audiences=["police", "bank", "healthcare"],
        minutes=60,
        languages=["nl", "en"],
        status=Course.Status.PUBLISHED,
    )
    position = 0
    for module_number in range(3):
        module = Module.objects.create(
            course=course,
            slug=f"module-{module_number + 1}",
            title_nl=f"Module {module_number + 1}",
            title_en=f"Module {module_number + 1}",
            position=module_number,
        )
        lessons = []
        for _ in range(SYNTHETIC_LESSONS // 3):
            position += 1
            lessons.append(
                Lesson(
                    course=course,
                    module=module,
                    slug=f"les-{position}",
                    title_nl=f"Les {position}",
                    title_en=f"Lesson {position}",
                    body_nl=_lesson_body(rng, "nl", position),
                    body_en=_lesson_body(rng, "en", position),
                    minutes=4,
                    position=position,
                )
            )
        Lesson.objects.bulk_create(lessons)
    return course


def courses_for_bench(rng: random.Random, log: Callable[[str], None]) -> list[Course]:
    """The real catalogue if it loads, topped up with synthetic courses to MIN_COURSES."""
    try:
        from courses.loader import load_catalogue

        report = load_catalogue(settings.CONTENT_DIR)
        loaded = [c.slug for c in report.courses if c.status != "invalid"]
        log(f"catalogue: loaded {len(loaded)} course(s) from content/")
    except Exception as error:  # the catalogue is optional for the benchmark
        log(f"catalogue: not loaded ({error.__class__.__name__}: {error}); synthetic courses")
    courses = [
        course
        for course in Course.objects.filter(status=Course.Status.PUBLISHED).order_by("pk")
        if course.lessons.filter(is_active=True).count() >= 3
    ]
    number = 1
    while len(courses) < MIN_COURSES:
        courses.append(synthetic_course(rng, number))
        number += 1
    return courses
