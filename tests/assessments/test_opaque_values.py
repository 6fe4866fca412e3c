"""Nothing the attempt page (or its htmx answers) carries tells a right choice from a wrong
one, nor the order of the content file: a choice is named by its position in the attempt's
frozen, shuffled order."""

import random
import re
from collections import Counter

from django.urls import reverse

from assessments import services
from assessments.models import Choice
from tests.assessments.conftest import make_quiz, right_choice

INPUT = re.compile(r"<input type=\"(?:radio|checkbox)\"[^>]*>")


def _right_positions(attempt) -> list[int]:
    right = dict(
        Choice.objects.filter(
            question_id__in=[e["q"] for e in attempt.layout], is_correct=True
        ).values_list("question_id", "pk")
    )
    return [entry["c"].index(right[entry["q"]]) for entry in attempt.layout]


def test_the_right_choice_is_at_every_position_equally_often(course):
    """In the files the right answer comes first; over many draws its value is not predictable."""
    quiz = make_quiz(course=course, questions=10, draw=10, shuffle=False)
    rng = random.Random(20261201)
    counts = Counter()
    for _ in range(300):
        layout = services.draw_layout(quiz=quiz, rng=rng)
        for entry in layout:
            right = Choice.objects.get(question_id=entry["q"], is_correct=True).pk
            counts[entry["c"].index(right)] += 1
    total = sum(counts.values())
    assert set(counts) == {0, 1, 2}
    for position in range(3):  # about a third each (3000 draws: 1000 ± 5 %)
        assert 0.28 < counts[position] / total < 0.39, counts


def test_picking_the_lowest_value_everywhere_scores_like_chance(course, enrolment):
    quiz = make_quiz(course=course, questions=30, draw=30)
    scores = []
    for _ in range(5):
        attempt = services.attempt_start(quiz=quiz, enrolment=enrolment)
        for entry in attempt.layout:
            services.response_save(attempt=attempt, question_id=entry["q"], positions=[0])
        scores.append(float(services.attempt_submit(attempt=attempt).score))
    assert sum(scores) / len(scores) < 50  # a third on average, not the 100 % of file order


def test_the_page_names_choices_by_position_only(client, learner, course, enrolment):
    quiz = make_quiz(course=course, questions=4)
    attempt = services.attempt_start(quiz=quiz, enrolment=enrolment)
    client.force_login(learner)

    html = client.get(reverse("assessments:attempt", args=[attempt.pk])).content.decode()

    inputs = INPUT.findall(html)
    assert len(inputs) == 12
    for number, entry in enumerate(attempt.layout, start=1):
        values = re.findall(rf'name="q{entry["q"]}" value="(\d+)" id="q{number}-(\d+)"', html)
        assert [int(v) for v, _ in values] == [0, 1, 2]  # shown in value order
        assert all(v == i for v, i in values)
    choice_ids = {str(c) for entry in attempt.layout for c in entry["c"]}
    named = set(re.findall(r'value="(\d+)"', "".join(inputs)))
    assert not (named - {"0", "1", "2"})
    assert not any(f'"c{pk}"' in html for pk in choice_ids)
    # all inputs have the same shape: no attribute singles the right one out (length
    # patterns of the real banks are checked in tests/content/test_guessing.py)
    assert len({re.sub(r'"[^"]*"', '""', tag) for tag in inputs}) == 1


def test_a_position_outside_the_question_is_refused(client, learner, course, enrolment):
    quiz = make_quiz(course=course, questions=2)
    attempt = services.attempt_start(quiz=quiz, enrolment=enrolment)
    client.force_login(learner)
    question = attempt.layout[0]["q"]
    url = reverse("assessments:answer", args=[attempt.pk, question])

    for bad in ["3", "-1", str(right_choice(question)), "99999999999999999999"]:
        response = client.post(url, {f"q{question}": bad}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert "Choose one of the answers shown." in response.content.decode()
    assert not attempt.responses.exists()


def test_knowledge_checks_use_positions_too(client, learner, course, enrolment):
    lesson = course.lessons.first()
    check = make_quiz(course=course, kind="check", lesson=lesson, questions=2)
    attempt = services.attempt_start(quiz=check, enrolment=enrolment)
    client.force_login(learner)
    html = client.get(reverse("assessments:attempt", args=[attempt.pk])).content.decode()
    values = re.findall(r'<input type="radio" name="q\d+" value="(\d+)"', html)
    assert sorted(set(values)) == ["0", "1", "2"]
    assert "UITLEG-" not in html and "TERUGKOPPELING-" not in html
