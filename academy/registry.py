"""The one registry class: how a lower app lets higher apps react, without signals.

The apps form a ladder (accounts ← organisations ← courses ← assessments ← certificates ←
reporting). A lower app that must let higher ones react offers a ``Registry``; the higher app
registers a plain function from its ``AppConfig.ready()``, for example
``courses.services.register_completion_handler(certificate_issue_on_completion)``. The lower
app calls them explicitly, in registration order, at one readable place. Registering the same
function twice has no effect (``ready()`` may run more than once in tests).

This module imports nothing of the platform, so every app may use it (the import-linter
contract in pyproject.toml allows exactly this one upward import).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Registry:
    def __init__(self, name: str) -> None:
        self.name = name
        self._functions: list[Callable] = []

    def register(self, fn: Callable) -> Callable:
        """Add ``fn``; returns it so the method also works as a decorator."""
        if fn not in self._functions:
            self._functions.append(fn)
        return fn

    def unregister(self, fn: Callable) -> None:
        if fn in self._functions:
            self._functions.remove(fn)

    def __iter__(self) -> Iterator[Callable]:
        return iter(list(self._functions))

    def __len__(self) -> int:
        return len(self._functions)

    @contextmanager
    def override(self, *functions: Callable) -> Iterator[None]:
        """Within the block only ``functions`` are registered (for tests)."""
        saved = self._functions
        self._functions = list(functions)
        try:
            yield
        finally:
            self._functions = saved

    def __repr__(self) -> str:
        return f"<Registry {self.name}: {len(self._functions)} functions>"
