"""The trainer area, mounted at /trainer/: assigning courses, following a group's or an
assignment's progress (the matrix), one learner's progress, reminders and the CSV export.

``views`` (thin pages), ``forms``, ``queries`` (the matrix reads), ``exports`` (streamed CSV),
``urls``. Writes go through ``courses.services``; access through ``organisations.permissions``.
"""
