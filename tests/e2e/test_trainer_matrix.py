"""The progress matrix of a group with many assigned courses fits a 1280 px screen: the page does
not scroll sideways, the learner column stays in place, and the course columns scroll inside a
labelled region that a keyboard user can focus and scroll with the arrow keys."""

import pytest

from tests.courses.factories import make_course
from tests.courses.trainer_helpers import assign
from tests.factories import GroupFactory, GroupMemberFactory, MemberFactory, OrganisationFactory

pytestmark = pytest.mark.e2e

REGION = "Progress per learner and assigned course"


def test_a_wide_matrix_scrolls_inside_its_region_with_the_learner_column_fixed(
    page, axe_check, log_in, live_server
):
    organisation = OrganisationFactory(name="Politie Eenheid Oost", kind="police")
    trainer = MemberFactory(
        organisation=organisation, role="trainer", user__preferred_language="en"
    ).user
    group = GroupFactory(organisation=organisation, name="Basisteam Oost")
    for name in ("Lotte Learner", "Sam de Vries"):
        person = MemberFactory(organisation=organisation, user__name=name).user
        GroupMemberFactory(group=group, user=person)
    for number in range(1, 9):
        course = make_course(lessons=2, title_en=f"Course number {number} with a long title")
        assign(trainer, course, group=group, days=20 + number)
    log_in(trainer)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/trainer/groups/{group.pk}/")
    region = page.get_by_role("region", name=REGION)
    region.wait_for()
    axe_check(page)

    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    widths = region.evaluate("r => [r.scrollWidth, r.clientWidth]")
    assert widths[0] > widths[1], widths  # eight courses do not fit: the region scrolls
    learner = page.get_by_role("rowheader").filter(has_text="Lotte Learner")
    before = learner.bounding_box()["x"]

    for _ in range(80):  # the keyboard reaches the region
        page.keyboard.press("Tab")
        if region.evaluate("r => r === document.activeElement"):
            break
    else:
        raise AssertionError("the matrix region cannot be reached with Tab")
    for _ in range(5):
        page.keyboard.press("ArrowRight")

    # (the browser scrolls smoothly: wait for it)
    page.wait_for_function("r => r.scrollLeft > 0", arg=region.element_handle())
    assert learner.bounding_box()["x"] == pytest.approx(before, abs=1)
    axe_check(page)
