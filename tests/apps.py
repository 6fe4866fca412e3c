"""The platform's own apps, bottom of the ladder last (pyproject's import-linter layers): the
tests that read the code itself (exports, task queuing, static analysis, uploads) walk these."""

OUR_APPS = (
    "academy",
    "accounts",
    "organisations",
    "courses",
    "assessments",
    "certificates",
    "reporting",
)
