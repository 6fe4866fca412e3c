"""The styled error pages pass axe like every other page (DEBUG is off in the live server)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_404_page_is_styled_accessible_and_in_the_browser_language(page, axe_check):
    response = page.goto("/no-such-page/")

    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile("hoofdinhoud|main content", re.I))
    ).to_have_count(1)
    axe_check(page)
