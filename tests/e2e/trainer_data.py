"""The trainer's world of the browser journeys: Tim, trainer at the police unit North (in
English), the police course, and his team with two learners."""

from tests.courses.factories import make_course
from tests.factories import GroupFactory, GroupMemberFactory, MemberFactory, OrganisationFactory


def police_team():
    """(organisation, trainer, course, group, learners)."""
    organisation = OrganisationFactory(name="Politie Eenheid Noord", kind="police")
    trainer = MemberFactory(
        organisation=organisation,
        role="trainer",
        user__name="Tim Trainer",
        user__preferred_language="en",
    ).user
    course = make_course(lessons=4, title_nl="Bejegening bij aangifte", title_en="Taking reports")
    group = GroupFactory(organisation=organisation, name="Basisteam Noord")
    learners = []
    for name in ("Lotte Learner", "Sam de Vries"):
        person = MemberFactory(organisation=organisation, user__name=name).user
        GroupMemberFactory(group=group, user=person)
        learners.append(person)
    return organisation, trainer, course, group, learners
