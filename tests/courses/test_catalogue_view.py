"""The public catalogue at /courses/: published courses, filters, htmx partial, query count."""

from django.urls import reverse

from courses.models import Course
from tests.factories import CourseFactory

URL = reverse("courses:catalogue")


def test_anyone_sees_the_published_courses(client, db):
    CourseFactory(
        title_nl="Sekswerk en de bank",
        summary_nl="Over bankrekeningen voor sekswerkers.",
        audiences=["bank", "insurance"],
        theme=1,
        minutes=45,
    )
    CourseFactory(title_nl="Nog niet klaar", status=Course.Status.DRAFT)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Sekswerk en de bank" in html
    assert "Over bankrekeningen voor sekswerkers." in html
    assert "Banks, Insurers" in html
    assert "Business services" in html
    assert "about 45 minutes" in html
    assert "Nederlands, English" in html
    assert "Nog niet klaar" not in html
    course = Course.objects.get(title_nl="Sekswerk en de bank")
    assert f'href="{reverse("courses:course", args=[course.slug])}"' in html


def test_it_shows_english_titles_in_english(client, db):
    CourseFactory(title_nl="Cursus over stigma", title_en="Course about stigma")
    client.cookies["academy_language"] = "en"

    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Course about stigma" in html


def test_it_filters_by_audience_and_theme(client, db):
    CourseFactory(title_nl="Voor agenten", audiences=["police"], theme=3)
    CourseFactory(title_nl="Voor boa's", audiences=["boa", "municipality"], theme=4)
    CourseFactory(title_nl="Voor zorg", audiences=["healthcare"], theme=2)

    by_audience = client.get(URL, {"audience": "boa"}).content.decode()
    by_theme = client.get(URL, {"theme": "2"}).content.decode()
    both = client.get(URL, {"audience": "police", "theme": "4"}).content.decode()

    assert "Voor boa&#x27;s" in by_audience and "Voor agenten" not in by_audience
    assert "Voor zorg" in by_theme and "Voor agenten" not in by_theme
    assert "No courses match these filters" in both
    assert "0 courses found" in both


def test_a_bad_filter_value_explains_itself_and_filters_nothing(client, db):
    CourseFactory(title_nl="Voor agenten", audiences=["police"])

    response = client.get(URL, {"audience": "martians", "theme": "x"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice" in html or "Selecteer een geldige keuze" in html
    assert "Voor agenten" in html


def test_htmx_gets_only_the_results_and_the_count(client, db):
    CourseFactory(title_nl="Voor agenten", audiences=["police"])

    response = client.get(URL, {"audience": "police"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert html.lstrip().startswith('<div id="catalogue-results">')
    assert 'id="catalogue-count" hx-swap-oob="innerHTML"' in html
    assert "Voor agenten" in html
    assert "HX-Request" in response["Vary"]


def test_an_htmx_history_restore_gets_the_whole_page(client, db):
    response = client.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")

    html = response.content.decode()
    assert "<html" in html
    assert "hx-swap-oob" not in html


def test_the_filter_form_works_without_javascript(client, db):
    html = client.get(URL).content.decode()

    assert f'<form method="get" action="{URL}"' in html
    assert 'hx-get="/courses/"' in html and 'hx-push-url="true"' in html
    assert '<label class="utrecht-form-label" for="id_audience">Audience</label>' in html
    assert '<label class="utrecht-form-label" for="id_theme">Theme</label>' in html


def test_long_catalogues_are_paginated(client, db):
    CourseFactory.create_batch(30, audiences=["police"])

    first = client.get(URL, {"audience": "police"}).content.decode()
    second = client.get(URL, {"audience": "police", "page": "2"}).content.decode()

    assert first.count('class="academy-card courses-card"') == 24
    assert "Page 1 of 2" in first
    assert 'href="?audience=police&amp;page=2"' in first
    assert second.count('class="academy-card courses-card"') == 6


def test_the_number_of_queries_does_not_grow_with_the_courses(client, db, count_queries):
    CourseFactory.create_batch(3)
    small = count_queries(lambda: client.get(URL))
    CourseFactory.create_batch(20)
    large = count_queries(lambda: client.get(URL))

    assert small == large <= 3
