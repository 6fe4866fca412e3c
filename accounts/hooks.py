"""How every app adds its records to "download my data" and "delete my account" (AVG art. 15,
17 and 20). Each app covers its OWN models; accounts never reaches into a higher app's data.

Apps register plain functions from their ``AppConfig.ready()`` (accounts registers its own
sections first, so they lead the file):

- ``personal_data_sections.register(fn)`` — ``fn(*, user) -> dict``: sections (key → JSON-ready
  value) merged into the export of ``accounts.services.personal_data_export``. Mark the
  function with ``@exports("app.Model", ...)``: the models whose rows of the person it exports.
- ``personal_identifiers.register(fn)`` — ``fn(*, user) -> tuple[set[str], set[str]]``: e-mail
  addresses and names of the person that only this app knows (the address an invitation was
  sent to, the name an inviter typed). Every eraser then scrubs all of them.
- ``account_erasers.register(fn)`` — ``fn(*, user, person: ErasedPerson) -> None``: erase or
  anonymise the app's personal data inside the transaction of
  ``accounts.services.account_delete``. ``person`` (``accounts.erasure.ErasedPerson``) holds
  every address and name the person had and helpers to find and scrub them in free text and
  JSON. Keep aggregate rows (memberships, enrolments, attempts) so that totals stay right.

- ``registration_changed.register(fn)`` — ``fn(*, user, fields: list[str]) -> None``: called
  inside ``accounts.services.profile_update`` when registration numbers (or the date of birth)
  changed; the certificates app re-issues certificates that carry the changed number.

- ``email_verified.register(fn)`` — ``fn(*, user) -> None``: called when one of the person's
  addresses is proven theirs (the confirmation link opened, or a sign-up whose address was
  already verified, as through single sign-on); the courses app links classroom attendances
  recorded by that address.

Which models hold personal data, and the rule the tests enforce
(``tests/accounts/test_personal_data_coverage.py``): every model with a ForeignKey or
OneToOneField to the user model, to ``courses.Enrolment`` or to ``assessments.Attempt`` is
either exported by a registered section (``@exports``) or listed with a reason in
``DELIBERATELY_NOT_EXPORTED``. This mapping lives here, next to the registries; an app adds its
own entries from its ``AppConfig.ready()`` with ``not_exported({...})``.

No signals: the accounts services call these in registration order, in one readable place.
"""

from collections.abc import Callable

from academy.registry import Registry

personal_data_sections = Registry("personal data sections")
personal_identifiers = Registry("personal identifiers")
registration_changed = Registry("registration numbers changed")
email_verified = Registry("e-mail address verified")
account_erasers = Registry("account erasers")

DELIBERATELY_NOT_EXPORTED: dict[str, str] = {
    "admin.LogEntry": (
        "The admin's log of changes made by staff members: a record of their work that names "
        "other people's records, not data about the staff member; given on request after "
        "redaction. Entries about the person are scrubbed when the account is deleted."
    ),
}


def exports(*model_labels: str) -> Callable[[Callable], Callable]:
    """Mark a personal data section with the models (``app_label.ModelName``) it exports."""

    def mark(fn: Callable) -> Callable:
        fn.exported_models = frozenset(model_labels)
        return fn

    return mark


def not_exported(reasons: dict[str, str]) -> None:
    """Declare models that hold personal data but are deliberately left out of the export,
    each with the reason (shown to reviewers, not to the person)."""
    DELIBERATELY_NOT_EXPORTED.update(reasons)


def exported_models() -> frozenset[str]:
    """Every model some registered section exports."""
    labels: set[str] = set()
    for section in personal_data_sections:
        labels |= getattr(section, "exported_models", frozenset())
    return frozenset(labels)
