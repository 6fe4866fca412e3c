"""The apps form a ladder (DESIGN.md): accounts ← organisations ← courses ← assessments ←
certificates ← reporting, with academy/ on top. The import-linter contract in pyproject.toml
checks every import; a new upward import fails this test (and so `make test`)."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_no_app_imports_an_app_above_it():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "1 kept, 0 broken" in result.stdout


def test_every_registry_has_a_registration_outside_the_tests():
    """No registry is offered before a higher app reacts through it."""
    import gc

    from academy.registry import Registry

    registries = [obj for obj in gc.get_objects() if type(obj) is Registry]  # no lazy objects
    assert registries
    empty = [repr(registry) for registry in registries if len(registry) == 0]
    assert not empty, empty
