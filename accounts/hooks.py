"""How other apps add their records to "download my data" and "delete my account".

Apps register plain functions from their ``AppConfig.ready()``:

- ``personal_data_sections.register(fn)`` — ``fn(*, user) -> dict``: sections (key → JSON-ready
  value) merged into the export of ``accounts.services.personal_data_export``.
- ``account_erasers.register(fn)`` — ``fn(*, user) -> None``: erase or anonymise the app's
  personal data of ``user`` inside the transaction of ``accounts.services.account_delete``
  (for example the name snapshot on certificates). Keep aggregate numbers intact.

No signals: the accounts services call these in registration order, in one readable place.
"""

from academy.registry import Registry

personal_data_sections = Registry("personal data sections")
account_erasers = Registry("account erasers")
