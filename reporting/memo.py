"""Answers reused within one request (and inside ``batch()``): the reporting engine asks the
same questions from several places (the filter form, the key figures, the tables, the chart);
each is answered once. The memo starts empty with every request and is dropped at its end,
so nothing outlives the request that computed it."""

from __future__ import annotations

import contextlib
import contextvars

from django.core.signals import request_finished, request_started

_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("reporting_memo", default=None)


@contextlib.contextmanager
def batch():
    """Reuse query results while inside (tasks and reports that ask many questions)."""
    token = _memo.set({} if _memo.get() is None else _memo.get())
    try:
        yield
    finally:
        _memo.reset(token)


def _start_request(**kwargs):
    _memo.set({})


def _end_request(**kwargs):
    _memo.set(None)


request_started.connect(_start_request, dispatch_uid="reporting_memo_start")
request_finished.connect(_end_request, dispatch_uid="reporting_memo_end")


def memoised(key, build):
    memo = _memo.get()
    if memo is None:
        return build()
    if key not in memo:
        memo[key] = build()
    return memo[key]


def memoised_values():
    """What this request has memoised so far (read only)."""
    memo = _memo.get()
    return () if memo is None else tuple(memo.items())


def current_memo() -> dict | None:
    """The memo itself, for the engine's prefetches (None outside a request or batch)."""
    return _memo.get()
