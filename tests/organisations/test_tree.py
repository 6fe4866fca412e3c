import pytest
from django.core.exceptions import ValidationError

from organisations.models import Organisation
from organisations.services import organisation_create, organisation_move
from tests import factories


@pytest.mark.django_db
def test_it_sets_the_path_on_create():
    top = organisation_create(name="Politie", slug="politie", kind="police")
    unit = organisation_create(name="Noord", slug="noord", kind="police", parent=top)
    assert top.path == f"/{top.pk}/"
    assert unit.path == f"/{top.pk}/{unit.pk}/"
    assert unit.depth == 1
    assert unit.ancestor_ids == [top.pk]


@pytest.mark.django_db
def test_it_moves_an_organisation_with_everything_below_it():
    a = factories.OrganisationFactory(name="A")
    b = factories.OrganisationFactory(name="B")
    unit = factories.OrganisationFactory(name="Unit", parent=a)
    team = factories.OrganisationFactory(name="Team", parent=unit)

    organisation_move(organisation=unit, parent=b)

    unit.refresh_from_db()
    team.refresh_from_db()
    assert unit.parent == b
    assert unit.path == f"/{b.pk}/{unit.pk}/"
    assert team.path == f"/{b.pk}/{unit.pk}/{team.pk}/"
    assert set(Organisation.objects.filter(path__startswith=a.path)) == {a}


@pytest.mark.django_db
def test_it_moves_an_organisation_to_the_top_level():
    a = factories.OrganisationFactory(name="A")
    unit = factories.OrganisationFactory(name="Unit", parent=a)
    organisation_move(organisation=unit, parent=None)
    unit.refresh_from_db()
    assert unit.parent is None
    assert unit.path == f"/{unit.pk}/"


@pytest.mark.django_db
def test_it_refuses_to_move_an_organisation_below_itself():
    a = factories.OrganisationFactory(name="A")
    unit = factories.OrganisationFactory(name="Unit", parent=a)
    with pytest.raises(ValidationError):
        organisation_move(organisation=a, parent=unit)
    with pytest.raises(ValidationError):
        organisation_move(organisation=a, parent=a)
    a.refresh_from_db()
    assert a.parent is None and a.path == f"/{a.pk}/"
