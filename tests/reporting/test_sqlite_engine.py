"""The statistics engine on SQLite, the embedded default of ``make run``: the same figures as
on PostgreSQL for the hand-built dataset (tests/reporting/factories.py).

The SQLite side runs in a separate process on a file database
(``python -m tests.reporting.test_sqlite_engine <sqlite file>``, as
``tests/assessments/concurrency.py`` does), since the test database here is PostgreSQL. The
figures of both sides come from ``figures()`` and must be equal, and equal to the known ones.
"""

import dataclasses
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def _plain(value):
    """JSON-ready, without database ids (they differ between the two databases)."""
    if dataclasses.is_dataclass(value):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        return {
            str(k): _plain(v)
            for k, v in value.items()
            if not (isinstance(k, str) and k.endswith("_id"))
        }
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def figures(data: dict) -> dict:
    """Every figure of the engine a dashboard shows, for a detail viewer (the police's
    analyst), an aggregate-only viewer (the banks' association) and the coordinator."""
    from django.utils import translation

    from accounts.models import User
    from organisations.models import Membership
    from reporting import statistics
    from reporting.scope import organisation_viewer, viewer_for
    from reporting.snapshots import snapshot_counts
    from reporting.statistics import Filters

    period, orgs = data["period"], data["organisations"]
    police, banks = orgs["police"], orgs["banks"]
    detail = organisation_viewer(police)
    user = User.objects.create_user(email="analist@banken.example", password=None)
    Membership.objects.create(user=user, organisation=banks, role="analyst")
    aggregate = viewer_for(user, banks)
    by_group = Filters(group_id=data["group"].pk)
    north = Filters(organisation_id=orgs["north"].pk)
    slugs = {o.pk: o.slug for o in orgs.values()}
    courses = {c.pk: c.slug for c in data["courses"].values()}
    out, today = {}, statistics._today
    statistics._today = lambda: data["today"]
    try:
        with translation.override("en"):  # labels in one language on both sides
            out.update(_engine(statistics, detail, aggregate, period, by_group, north))
    finally:
        statistics._today = today
    out["snapshot"] = {
        f"{slugs[o]}/{courses[c]}": counts
        for (o, c), counts in sorted(snapshot_counts(day=data["today"]).items())
    }
    return _plain(out)


def _engine(statistics, detail, aggregate, period, by_group, north) -> dict:
    from reporting.cube import batch
    from reporting.scope import national_viewer

    out = {}
    with batch():
        for name, viewer in (("detail", detail), ("aggregate", aggregate)):
            out[name] = {
                "key_figures": statistics.key_figures(viewer, period),
                "table_per_course": statistics.table_per_course(viewer, period),
                "table_per_organisation": statistics.table_per_organisation(viewer, period),
                "table_per_group": [  # a group's key is its id
                    dataclasses.replace(row, key=row.label)
                    for row in statistics.table_per_group(viewer, period)
                ],
                "completions_per_week": statistics.completions_per_week(viewer, period),
                "attitude_change": statistics.attitude_change(viewer, period),
            }
        out["detail"].update(
            group_key_figures=statistics.key_figures(detail, period, by_group),
            group_per_week=statistics.completions_per_week(detail, period, by_group),
            north_key_figures=statistics.key_figures(detail, period, north),
        )
        out["national"] = {
            "key_figures": statistics.key_figures(national_viewer(), period),
            "overview": statistics.national_overview(period),
        }
    return out


def _sqlite_main(path: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tests.reporting.factories import build_partner_dataset

    print(json.dumps(figures(build_partner_dataset())))


def _sqlite_figures(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    done = subprocess.run(
        [sys.executable, "-m", "tests.reporting.test_sqlite_engine", str(tmp_path / "db.sqlite3")],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def on_sqlite(tmp_path_factory):
    return _sqlite_figures(tmp_path_factory.mktemp("sqlite"))


def test_sqlite_gives_the_known_figures(on_sqlite):
    detail = on_sqlite["detail"]
    police = detail["key_figures"]
    assert police["learners"] == 22 and police["enrolled"] == 19 and police["started"] == 15
    assert police["completed_online"] == 10 and police["completed_classroom"] == 3
    assert police["assigned"] == 5 and police["overdue"] == 2
    assert police["certificates_issued"] == 2 and police["certificates_expiring_soon"] == 1
    assert police["first_attempt_pass_rate"] == 0.75 and police["average_score"] == 76.0
    assert police["median_days_to_complete"] == 26.0
    assert police["completion_rate"] == round(10 / 19, 4)
    assert [(r["key"], r["enrolled"], r["completed"]) for r in detail["table_per_course"]] == [
        ("politie-basis", 19, 13)
    ]
    assert [(r["label"], r["enrolled"], r["completed"]) for r in detail["table_per_group"]] == [
        ("Team Noord", 5, 3)
    ]
    weeks = dict(detail["completions_per_week"])
    assert weeks["2025-02-03"] == 8  # online, 5 February
    assert weeks["2025-02-17"] == 3  # classroom, 20 February
    assert weeks["2025-03-10"] == 2  # South, 12 March
    assert min(weeks) == "2024-12-30" and sum(weeks.values()) == 13
    assert detail["attitude_change"] == {
        "n": 10, "mean_pre": 2.2, "mean_post": 3.1, "mean_change": 0.9,
    }  # fmt: skip
    assert detail["group_key_figures"]["overdue"] == 2
    assert detail["north_key_figures"]["completed"] == 11
    assert detail["north_key_figures"]["learners"] == 16


def test_sqlite_keeps_the_suppression(on_sqlite):
    banks = on_sqlite["aggregate"]
    assert banks["key_figures"]["enrolled"] == 23 and banks["key_figures"]["learners"] == 29
    rows = {r["key"]: r for r in banks["table_per_organisation"]}
    assert "bank-b" not in rows
    assert rows["banken"]["enrolled"] is None and rows["bank-a"]["enrolled"] is None
    assert banks["table_per_group"] == []
    national = on_sqlite["national"]
    assert national["key_figures"]["completed_online"] == 18
    assert national["key_figures"]["completed_classroom"] is None
    blocks = {b["theme"]: b for b in national["overview"]}
    assert [(p["slug"], p["reached"], p["completed_online"]) for p in blocks[3]["partners"]] == [
        ("politie", 22, 10)
    ]
    assert blocks[1]["partners"][0]["completed_classroom"] == 6


def test_sqlite_snapshot_counts(on_sqlite):
    assert on_sqlite["snapshot"]["politie-noord/politie-basis"] == {
        "enrolled": 13, "started": 11, "completed": 9, "completed_classroom": 3,
        "certificates": 2,
    }  # fmt: skip


@pytest.mark.django_db
def test_sqlite_gives_what_this_database_gives(on_sqlite, settings):
    settings.TIME_ZONE = "Europe/Amsterdam"
    from tests.reporting.factories import build_partner_dataset

    assert figures(build_partner_dataset()) == on_sqlite


if __name__ == "__main__":
    _sqlite_main(sys.argv[1])
