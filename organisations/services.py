"""Writes on organisations, memberships, groups and invitations."""

from django.db import transaction

from organisations.models import Organisation


@transaction.atomic
def organisation_create(
    *, name: str, slug: str, kind: str, parent: Organisation | None = None, themes=None
) -> Organisation:
    organisation = Organisation.objects.create(
        name=name, slug=slug, kind=kind, parent=parent, themes=list(themes or [])
    )
    organisation.path = f"{parent.path if parent else '/'}{organisation.pk}/"
    organisation.save(update_fields=["path"])
    return organisation
