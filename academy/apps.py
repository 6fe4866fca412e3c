from django.apps import AppConfig


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = "Academy"

    def ready(self) -> None:
        # Integer lookups leave out values no id column can hold (see academy.integers); in
        # every process (web, worker, management commands), not only where middleware runs.
        import academy.integers  # noqa: F401
