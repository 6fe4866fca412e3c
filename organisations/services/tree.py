"""Writes on the organisation tree: create, update, move (keeping ``path`` right)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from organisations.models import Organisation


def organisation_parent_check(*, organisation: Organisation, parent: Organisation | None) -> None:
    """Raise ValidationError when ``parent`` is the organisation itself or lies below it."""
    if parent is None or organisation.pk is None:
        return
    if parent.pk == organisation.pk or organisation.pk in parent.lineage_ids:
        raise ValidationError(
            _("An organisation cannot be placed under itself or one of its sub-organisations."),
            code="cycle",
        )


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


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, name: str, slug: str, kind: str, themes=None
) -> Organisation:
    organisation.name = name
    organisation.slug = slug
    organisation.kind = kind
    organisation.themes = list(themes or [])
    organisation.save(update_fields=["name", "slug", "kind", "themes"])
    return organisation


@transaction.atomic
def organisation_move(*, organisation: Organisation, parent: Organisation | None) -> Organisation:
    """Place the organisation (and everything below it) under ``parent`` (None: top level)."""
    current = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if parent is not None:
        parent = Organisation.objects.select_for_update().get(pk=parent.pk)
    organisation_parent_check(organisation=current, parent=parent)
    old_path = current.path
    new_path = f"{parent.path if parent else '/'}{current.pk}/"
    if old_path == new_path:
        organisation.parent = parent
        return organisation
    # Lock the subtree, then rewrite every path prefix in one UPDATE.
    list(
        Organisation.objects.select_for_update()
        .filter(path__startswith=old_path)
        .values_list("pk", flat=True)
    )
    Organisation.objects.filter(pk=current.pk).update(parent=parent, path=new_path)
    Organisation.objects.filter(path__startswith=old_path).exclude(pk=current.pk).update(
        path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1))
    )
    organisation.parent = parent
    organisation.path = new_path
    return organisation
