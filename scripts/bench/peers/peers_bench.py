"""The peers' side of `npm run bench -- --with-peers` (scripts/bench/peers.ts writes the spec).

Runs each suite of translated rules through Soda Core and through Great Expectations (GX Core, SQL
datasource on DuckDB via duckdb-engine) against the same DuckDB file, one warm-up run and then
`runs` timed runs per tool and suite. Per run: wall time, this process's CPU time (user + system,
DuckDB's threads included) and the SQL statements the tool sent to DuckDB. Setup that a user pays
once (GX context, datasource and suite; Soda's connection) is outside the timed part, as opening
the database is on our side. Writes timings, statement counts and per-rule failing counts as JSON.

    python peers_bench.py <spec.json> <out.json>
"""

from __future__ import annotations

import json
import logging
import platform
import resource
import statistics
import sys
import time
from importlib.metadata import version

import duckdb


def log(msg: str) -> None:
    print(f"[peers] {msg}", file=sys.stderr, flush=True)


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def measure(label: str, runs: int, action):
    """One warm-up, then `runs` timed runs; returns (timing, last result)."""
    started = time.perf_counter()
    result = action()
    warmup = time.perf_counter() - started
    log(f"{label}: warm-up {warmup:.2f} s")
    times, cpus = [], []
    for i in range(runs):
        c0, t0 = cpu_seconds(), time.perf_counter()
        result = action()
        times.append(time.perf_counter() - t0)
        cpus.append(cpu_seconds() - c0)
        log(f"{label}: run {i + 1}/{runs} {times[-1]:.2f} s (CPU {cpus[-1]:.2f} s)")
    r3 = lambda x: round(x, 3)  # noqa: E731
    timing = {
        "median_s": r3(statistics.median(times)),
        "runs_s": [r3(t) for t in times],
        "warmup_s": r3(warmup),
        "cpu_median_s": r3(statistics.median(cpus)),
        "cpu_runs_s": [r3(c) for c in cpus],
    }
    return timing, result


class CountingConnection:
    """A DuckDB connection that counts the statements sent through execute/sql."""

    def __init__(self, delegate):
        self._delegate = delegate
        self.statements = 0

    def execute(self, *args, **kwargs):
        self.statements += 1
        return self._delegate.execute(*args, **kwargs)

    def sql(self, *args, **kwargs):
        self.statements += 1
        return self._delegate.sql(*args, **kwargs)

    def __getattr__(self, attr):
        return getattr(self._delegate, attr)


# ---------------------------------------------------------------------------------------- Soda


def run_soda(spec, suite, conn: CountingConnection):
    from soda.scan import Scan

    conn.statements = 0
    scan = Scan()
    scan.set_scan_definition_name("bench")
    scan.set_data_source_name("peers")
    scan.add_duckdb_connection(conn, data_source_name="peers")
    # JSON is YAML: SodaCL straight from the TypeScript translation
    scan.add_sodacl_yaml_str(json.dumps(suite["soda_checks"]))
    scan.execute()
    results = scan.get_scan_results()
    counts: dict[str, int | None] = {}
    for check in results.get("checks", []):
        value = (check.get("diagnostics") or {}).get("value")
        counts[check.get("name")] = None if value is None else int(value)
    errors = [str(e.get("message")) for e in results.get("logs", []) if e.get("level") == "error"]
    return {"counts": counts, "errors": errors, "statements": conn.statements, "queries": len(scan._queries)}


# ------------------------------------------------------------------------------------------ GX


def gx_setup(spec, suites):
    import great_expectations as gx
    import great_expectations.execution_engine.sqlalchemy_execution_engine as gx_sql
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    # Out of the box GX 1.24 reads every result after returning its connection to the pool, which
    # on DuckDB has already discarded it: every metric comes back empty. GX keeps one connection
    # open for the dialects listed here (SQLite, SQL Server, ...); DuckDB needs the same.
    # (GX has no DuckDB member in its dialect enum: a string that also answers `.value`.)
    class DuckDBDialect(str):
        value = "duckdb"

    if "duckdb" not in gx_sql._PERSISTED_CONNECTION_DIALECTS:
        gx_sql._PERSISTED_CONNECTION_DIALECTS = (*gx_sql._PERSISTED_CONNECTION_DIALECTS, DuckDBDialect("duckdb"))
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    datasource = context.data_sources.add_sql(
        name="peers",
        connection_string=f"duckdb:///{spec['database']}",
        kwargs={"connect_args": {"read_only": True}},
    )
    counter = {"statements": 0}

    # every engine GX creates (only GX uses SQLAlchemy in this process)
    @event.listens_for(Engine, "before_cursor_execute")
    def _count(conn, cursor, statement, parameters, context_, executemany):  # noqa: ARG001
        counter["statements"] += 1

    asset = datasource.add_table_asset(name=spec["table"], table_name=spec["table"])
    batch_definition = asset.add_batch_definition_whole_table("all rows")
    built = {}
    for key, suite in suites.items():
        expectation_suite = gx.ExpectationSuite(name=key)
        for e in suite["gx_expectations"]:
            cls = getattr(gx.expectations, e["type"])
            expectation_suite.add_expectation(cls(**e["kwargs"], meta={"rule": e["rule"]}))
        built[key] = context.suites.add(expectation_suite)
    return batch_definition, built, counter


def run_gx(batch_definition, suite, counter):
    counter["statements"] = 0
    batch = batch_definition.get_batch()
    result = batch.validate(suite, result_format="BASIC")
    counts: dict[str, int | None] = {}
    errors: list[str] = []
    for r in result.results:
        rule = (r.expectation_config.meta or {}).get("rule")
        info = r.result or {}
        # exception_info is one record, or one per metric that failed
        info_errors = r.exception_info or {}
        records = [info_errors] if "raised_exception" in info_errors else list(info_errors.values())
        errors += [f"{rule}: {e.get('exception_message')}" for e in records if e.get("raised_exception")]
        value = info.get("unexpected_count")
        if value is None and r.expectation_config.type == "unexpected_rows_expectation":
            value = info.get("observed_value")
        counts[rule] = None if value is None else int(value)
    return {"counts": counts, "errors": errors, "statements": counter["statements"]}


# ---------------------------------------------------------------------------------------- main


def main() -> None:
    spec_file, out_file = sys.argv[1], sys.argv[2]
    with open(spec_file) as f:
        spec = json.load(f)
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    runs = spec["runs"]
    out = {
        "rows": spec["rows"],
        "duckdb_python": duckdb.__version__,
        "python": platform.python_version(),
        "tools": {},
    }

    soda = {
        "version": version("soda-core"),
        "timings_s": {},
        "statements": {},
        # the queries Soda itself logs for a scan, next to those counted on the connection
        "logged_queries": {},
        "counts": {},
        "errors": {},
    }
    conn = CountingConnection(duckdb.connect(spec["database"], read_only=True))
    for key, suite in spec["suites"].items():
        timing, res = measure(f"soda {key}", runs, lambda s=suite: run_soda(spec, s, conn))
        soda["timings_s"][key] = timing
        soda["statements"][key] = res["statements"]
        soda["logged_queries"][key] = res["queries"]
        soda["counts"][key] = res["counts"]
        soda["errors"][key] = res["errors"]
    conn.close()
    out["tools"]["soda"] = soda

    gx_out = {"version": version("great-expectations"), "timings_s": {}, "statements": {}, "counts": {}, "errors": {}}
    batch_definition, suites, counter = gx_setup(spec, spec["suites"])
    for key in spec["suites"]:
        timing, res = measure(f"gx {key}", runs, lambda k=key: run_gx(batch_definition, suites[k], counter))
        gx_out["timings_s"][key] = timing
        gx_out["statements"][key] = res["statements"]
        gx_out["counts"][key] = res["counts"]
        gx_out["errors"][key] = res["errors"]
    out["tools"]["gx"] = gx_out

    with open(out_file, "w") as f:
        json.dump(out, f, indent=2)


if __name__ == "__main__":
    main()
