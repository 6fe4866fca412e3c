"""Benchmark rows of the reporting app (partner dashboards, national overview, exports,
snapshots, partner API), all over the large unit of ``bench.generate`` (20,000 learners at full
scale):

- ``org_dashboard``: the large unit's analyst opens its dashboard (default period);
- ``national_overview``: the coordinator opens the national overview;
- ``csv_export_20k``: the analyst downloads the dashboard's per-course table of the whole year
  as CSV; ``items`` = the learners of the unit that the table aggregates;
- ``snapshot_day``: ``reporting.snapshots.snapshot_day`` for yesterday, every organisation and
  course (one run: the job runs once a night);
- ``api_statistics``: the partner API's statistics of the large unit with one of its tokens.

The analyst and the coordinator come from the generator (``ctx.context``); for data generated
before they existed, they are made here (with an authenticator app: their pages are behind
the two-factor gate).
"""

from datetime import timedelta

from django.urls import Resolver404, resolve
from django.utils import timezone

from accounts.models import User
from bench.scenarios import BenchContext, Probe, _url, scenario

ANALYST_EMAIL = "analyst@bench.example.org"
COORDINATOR_EMAIL = "coordinator@bench.example.org"


def _large_organisation(ctx: BenchContext):
    from organisations.models import Organisation

    pk = ctx.context.get("large_organisation")
    return Organisation.objects.filter(pk=pk).first() if pk else None


def _with_totp(user: User) -> User:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    return user


def _analyst_id(ctx: BenchContext) -> int | None:
    if ctx.context.get("analyst"):
        return ctx.context["analyst"]
    from organisations.models import Membership

    organisation = _large_organisation(ctx)
    if organisation is None:
        return None
    user, _created = User.objects.get_or_create(
        email=ANALYST_EMAIL, defaults={"name": "Analist Groot"}
    )
    Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": "analyst"}
    )
    ctx.context["analyst"] = _with_totp(user).pk
    return user.pk


def _coordinator_id(ctx: BenchContext) -> int:
    if ctx.context.get("coordinator"):
        return ctx.context["coordinator"]
    from django.contrib.auth.models import Group as PlatformGroup

    from organisations.permissions import COORDINATOR_GROUP

    user, _created = User.objects.get_or_create(
        email=COORDINATOR_EMAIL, defaults={"name": "Coördinator Landelijk"}
    )
    user.groups.add(PlatformGroup.objects.get_or_create(name=COORDINATOR_GROUP)[0])
    ctx.context["coordinator"] = _with_totp(user).pk
    return user.pk


@scenario("org_dashboard", target_p95_ms=100, target_queries=15)
def org_dashboard(ctx: BenchContext) -> Probe | None:
    """The large unit's analyst opens its dashboard: live aggregate queries over 20,000
    learners, a query count that does not depend on them."""
    organisation = _large_organisation(ctx)
    path = _url("reporting:dashboard", organisation.slug) if organisation else None
    if path is None:
        return None
    return Probe(client=ctx.client_for(_analyst_id(ctx)), path=path)


@scenario("national_overview", target_p95_ms=250)
def national_overview(ctx: BenchContext) -> Probe | None:
    """The coordinator opens the national overview: every partner per theme."""
    path = _url("national:overview")
    if path is None:
        return None
    return Probe(client=ctx.client_for(_coordinator_id(ctx)), path=path)


@scenario("csv_export_20k", target_p95_ms=2000, iterations=5, warmup=1)
def csv_export_20k(ctx: BenchContext) -> Probe | None:
    """The analyst downloads the per-course table of the whole year as CSV (streamed)."""
    from organisations.models import Membership

    organisation = _large_organisation(ctx)
    path = _url("reporting:export_csv", organisation.slug, "courses") if organisation else None
    if path is None:
        return None
    learners = Membership.objects.filter(organisation=organisation, role="learner").count()
    return Probe(
        client=ctx.client_for(_analyst_id(ctx)),
        path=path,
        data={"period": "year"},
        items=learners,
    )


@scenario("snapshot_day", target_p95_ms=30_000, iterations=1, warmup=0)
def snapshot_day(ctx: BenchContext) -> Probe | None:
    """Yesterday's snapshot rows for every organisation and course, as the nightly task writes
    them (idempotent: each run replaces the day's rows)."""
    from reporting.snapshots import snapshot_day as write_day

    day = timezone.localdate() - timedelta(days=1)
    return Probe(
        client=None, path=f"snapshot_day {day.isoformat()}", call=lambda: write_day(day=day)
    )


def _api_token(organisation) -> str | None:
    try:
        from reporting.models import ApiToken
        from reporting.tokens import SHOWN_PREFIX_LENGTH, generate_token, hash_token
    except ImportError:
        return None
    raw = generate_token()
    ApiToken.objects.create(
        organisation=organisation,
        name="Benchmark",
        prefix=raw[:SHOWN_PREFIX_LENGTH],
        token_hash=hash_token(raw),
    )
    return raw


@scenario("api_statistics", target_p95_ms=60)
def api_statistics(ctx: BenchContext) -> Probe | None:
    """A partner's system reads the large unit's statistics with its API token."""
    organisation = _large_organisation(ctx)
    if organisation is None:
        return None
    path = f"/api/v1/organisations/{organisation.slug}/statistics"
    try:
        resolve(path)
    except Resolver404:
        return None
    token = _api_token(organisation)
    if token is None:
        return None
    return Probe(client=ctx.anonymous(), path=path, headers={"Authorization": f"Bearer {token}"})
