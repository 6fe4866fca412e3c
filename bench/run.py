"""``make bench`` / ``python -m bench.run``: generate data at scale (when needed) and measure.

Environment:

- ``BENCH_SCALE`` (default 1.0): size of the data set (see ``bench.generate``);
- ``DATABASE_URL``: PostgreSQL when set — use a dedicated database, for example
  ``postgres://postgres@127.0.0.1:5432/academy_bench`` (created when missing); otherwise the
  SQLite file ``bench/bench.sqlite3``. Never point it at a database with real data: the
  benchmark empties the database before generating (it refuses when it finds users but no
  benchmark marker, unless ``BENCH_FORCE=1``);
- ``BENCH_ITERATIONS`` (default 50) and ``BENCH_WARMUP`` (default 5) per scenario;
- ``BENCH_REGENERATE=1`` to generate again although the data of this scale exists;
- ``BENCH_ONLY=name,name`` to run some scenarios only.

Each scenario runs in this process with ``django.test.Client``: warm-up requests, then the timed
iterations (p50/p95 wall-clock milliseconds, and the median CPU time of this process, which
other processes on the machine disturb less), then one more request inside
``CaptureQueriesContext`` for the SQL query count. ``status`` is the HTTP status of the measured request: a 302 or 404
measured nothing. Rows go to ``bench/results.json`` and are printed as a table.
"""

import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results.json"


def _configure_environment() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}")
    os.environ.setdefault("DEBUG", "false")  # measure what production runs
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # The verification page's per-address limit would turn the timed look-ups into 429s.
    os.environ.setdefault("CERTIFICATE_VERIFY_PER_MINUTE", "1000000")
    # The generated completions are older than the date the current assessment rules took
    # effect; for the benchmark they count as made under them (bench/certificates.py).
    os.environ.setdefault("CERTIFICATE_RULES_SINCE", "2000-01-01")


def _ensure_postgres_database() -> None:
    """Create the PostgreSQL database of DATABASE_URL when it does not exist yet."""
    from django.db import OperationalError, connection

    if connection.vendor != "postgresql":
        return
    try:
        connection.ensure_connection()
        return
    except OperationalError:
        pass
    import psycopg

    params = connection.settings_dict
    with psycopg.connect(
        dbname="postgres",
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
        autocommit=True,
    ) as admin:
        admin.execute(f'CREATE DATABASE "{params["NAME"]}"')
    print(f"created the database {params['NAME']}")


def _prepare(scale: float) -> dict:
    from django.core.management import call_command

    from accounts.models import User
    from bench.db import marker_read
    from bench.generate import GENERATOR_VERSION, Plan, generate

    _ensure_postgres_database()
    call_command("migrate", interactive=False, verbosity=0)
    info = marker_read()
    if (
        info
        and info.get("scale") == scale
        and info.get("generator") == GENERATOR_VERSION
        and os.environ.get("BENCH_REGENERATE") != "1"
    ):
        print(f"data of scale {scale} exists (generated {info['generated_at']}); measuring")
        return info
    if info is None and User.objects.exists() and os.environ.get("BENCH_FORCE") != "1":
        raise SystemExit(
            "This database has users but no benchmark marker: it may hold real data. "
            "Use a dedicated database (DATABASE_URL=.../academy_bench) or set BENCH_FORCE=1."
        )
    print(f"generating data at scale {scale} …")
    call_command("flush", interactive=False, verbosity=0)
    return generate(Plan.for_scale(scale))


def _percentile(values: list[float], percent: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


class _Done:
    status_code = 200

    def get(self, key, default=""):
        return default


def _send(probe, *, prepared: bool = False):
    if probe.prepare is not None and not prepared:
        probe.prepare(probe)
    if probe.call is not None:
        probe.call()
        return _Done()
    response = getattr(probe.client, probe.method)(
        probe.path, data=probe.data, headers=probe.headers
    )
    if getattr(response, "streaming", False):
        for _chunk in response.streaming_content:
            pass
    return response


def measure(scenario, ctx, *, iterations: int, warmup: int, scale: float, rows: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    row = {
        "name": scenario.name,
        "p50_ms": None,
        "p95_ms": None,
        "queries": None,
        "status": "missing",
        "scale": scale,
        "rows": rows,
        "target_p95_ms": scenario.target_p95_ms,
        "target_queries": scenario.target_queries,
        "target_per_second": scenario.target_per_second,
    }
    iterations = scenario.iterations or iterations
    warmup = warmup if scenario.warmup is None else scenario.warmup
    probe = scenario.build(ctx)
    if probe is None:
        return row
    for _ in range(warmup):
        _send(probe)
    timings, cpu = [], []
    response = None
    for _ in range(iterations):
        if probe.prepare is not None:  # outside the timing
            probe.prepare(probe)
        started, started_cpu = time.perf_counter(), time.process_time()
        response = _send(probe, prepared=True)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    query_count = None
    if probe.measure_queries:
        if probe.prepare is not None:
            probe.prepare(probe)
        with CaptureQueriesContext(connection) as queries:
            response = _send(probe, prepared=True)
        query_count = len(queries.captured_queries)
    row.update(
        p50_ms=round(statistics.median(timings), 1),
        p95_ms=round(_percentile(timings, 95), 1),
        queries=query_count,
        status=response.status_code,
        expected_status=probe.expect_status,
        path=probe.path,
        cpu_p50_ms=round(statistics.median(cpu), 1),
    )
    if probe.expect_location and probe.expect_location not in response.get("Location", ""):
        row["status"] = f"{response.status_code} to {response.get('Location', '')}"
    if probe.items:
        row["per_second"] = round(probe.items / (statistics.median(timings) / 1000))
        row["items"] = probe.items
    return row


def _verdict(row: dict) -> str:
    if row["status"] != row.get("expected_status", 200):
        return "no measurement"
    problems = []
    if row["target_p95_ms"] is not None and row["p95_ms"] > row["target_p95_ms"]:
        problems.append(f"p95 > {row['target_p95_ms']:g} ms")
    if row["target_queries"] is not None and row["queries"] > row["target_queries"]:
        problems.append(f"queries > {row['target_queries']}")
    target_rate = row.get("target_per_second")
    if target_rate is not None and row.get("per_second", 0) < target_rate:
        problems.append(f"per second < {target_rate:g}")
    target_ratio = row.get("target_ratio")
    if target_ratio is not None and (row.get("ratio_to_baseline") or 0) < target_ratio:
        problems.append(f"ratio < {target_ratio:g}")
    for key, label in (("errors_5xx", "5xx"), ("errors_other", "errors"), ("lost", "lost")):
        if row.get(key):
            problems.append(f"{row[key]} {label}")
    if (
        row["target_p95_ms"] is None
        and row["target_queries"] is None
        and target_rate is None
        and target_ratio is None
        and "errors_5xx" not in row  # load rows: nothing lost, no errors is a target too
    ):
        return ""
    return ", ".join(problems) or "ok"


def _ratio(row: dict) -> str:
    """Throughput as a share of the baseline's (load rows): "0.42 ≥ 0.3"."""
    if row.get("ratio_to_baseline") is None:
        return ""
    target = row.get("target_ratio")
    return f"{row['ratio_to_baseline']:.2f}" + (f" ≥ {target:g}" if target else "")


def print_table(rows: list[dict], info: dict) -> None:
    header = (
        "name",
        "status",
        "p50 ms",
        "p95 ms",
        "cpu p50",
        "queries",
        "per s",
        "ratio",
        "scale",
        "rows",
        "target",
    )
    lines = [header]
    for row in rows:
        lines.append(
            (
                row["name"],
                str(row["status"]),
                "–" if row["p50_ms"] is None else f"{row['p50_ms']:.1f}",
                "–" if row["p95_ms"] is None else f"{row['p95_ms']:.1f}",
                "–" if row.get("cpu_p50_ms") is None else f"{row['cpu_p50_ms']:.1f}",
                "–" if row["queries"] is None else str(row["queries"]),
                str(row.get("per_second", "")),
                _ratio(row),
                f"{row['scale']:g}",
                str(row["rows"]),
                _verdict(row),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for number, line in enumerate(lines):
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip())
        if number == 0:
            print("  ".join("-" * w for w in widths))
    counts = info.get("counts", {})
    print(
        f"\n{info.get('database')} · scale {info.get('scale')} · "
        + ", ".join(f"{key} {value}" for key, value in counts.items())
        + f" · generated in {info.get('seconds')} s"
    )
    load = max((row.get("load_average", 0) for row in rows), default=0)
    if load > (os.cpu_count() or 1):
        print(
            f"warning: load average {load} on {os.cpu_count()} CPUs while measuring: wall-clock "
            "times are inflated by other processes; 'cpu p50' (this process only) is steadier."
        )


def main() -> int:
    _configure_environment()
    import django

    django.setup()
    from django.db import connection

    from bench.scenarios import REGISTRY, BenchContext

    scale = float(os.environ.get("BENCH_SCALE", "1.0"))
    iterations = int(os.environ.get("BENCH_ITERATIONS", "50"))
    warmup = int(os.environ.get("BENCH_WARMUP", "5"))
    only = {n.strip() for n in os.environ.get("BENCH_ONLY", "").split(",") if n.strip()}

    info = _prepare(scale)
    gc.collect()
    gc.freeze()  # as academy/wsgi.py does once the application is loaded
    ctx = BenchContext(info)
    rows_in_db = info.get("counts", {}).get("lesson_progress", 0)
    results = []
    # The load test last: its served stack leaves work behind (the worker's queue, autovacuum)
    # that would slow the single-request rows measured after it.
    ordered = sorted(REGISTRY.items(), key=lambda item: item[1].run is not None)
    for name, scenario in ordered:
        if only and name not in only and not only & set(scenario.rows):
            continue
        if scenario.run is not None:  # several rows from one run (the load test)
            produced = [
                row for row in scenario.run(ctx) if not only or name in only or row["name"] in only
            ]
        else:
            produced = [
                measure(
                    scenario,
                    ctx,
                    iterations=iterations,
                    warmup=warmup,
                    scale=scale,
                    rows=rows_in_db,
                )
            ]
        for row in produced:
            row.setdefault("scale", scale)
            row.setdefault("rows", rows_in_db)
            row["database"] = connection.vendor
            row.setdefault("iterations", iterations)
            row["load_average"] = round(os.getloadavg()[0], 1)
            results.append(row)
            print(
                f"  {row['name']}: {row['status']} p95 {row['p95_ms']} ms, {row['queries']} queries"
            )
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print()
    print_table(results, info)
    print(f"\nwritten to {RESULTS.relative_to(BENCH_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
