"""The real-DQX side of `npm run bench -- --with-dqx`.

Reads the benchmark table from Parquet into a local Spark session, then times, after a warm-up run:

- DQX's ``apply_checks_by_metadata`` with the 25 row-level rules, and with the 3 dataset-level rules
  added, each written to Spark's no-op sink so that every check is evaluated for every row (a
  ``count()`` could skip the checks);
- DQX's profiler (``DQProfiler.profile``) over every row, and with DQX's default options;

and records, outside the timings, DQX's failing-row count per rule name and its error/warning split,
so that the TypeScript side can compare them with its own. The workspace client is a mock, the
documented way to run DQX without Databricks (as in tests/conformance/dqx_harness.py).

    python scripts/bench/dqx_bench.py <spec.json> <result.json>

The spec (written by scripts/bench/dqx.ts) names the Parquet files, the rules in DQX's metadata
form, the profiler options and the Spark settings. Progress goes to stderr.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from typing import Any, Callable
from unittest.mock import MagicMock

os.environ.setdefault("TZ", "UTC")
# Python UDF workers (if a check needs one) must use this interpreter.
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)


def log(message: str) -> None:
    print(f"[bench:dqx] {message}", file=sys.stderr, flush=True)


def spark_session(spec: dict):
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(spec["master"])
        .appName("dqx-bench")
        .config("spark.driver.memory", spec["driver_memory"])
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.sql.warehouse.dir", spec["warehouse_dir"])
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def jvm_cpu_seconds(spark) -> Callable[[], float | None]:
    """CPU time (user + system) of Spark's JVM, where the work happens, read from /proc (Linux)."""
    try:
        pid = spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid()  # pylint: disable=protected-access
        ticks = os.sysconf("SC_CLK_TCK")
    except Exception:  # pylint: disable=broad-except
        return lambda: None

    def read() -> float | None:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            # utime and stime are fields 14 and 15 of stat(5); fields[0] here is field 3
            return (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, ValueError, IndexError):
            return None

    return read


def timed(label: str, runs: int, action: Callable[[], Any], cpu: Callable[[], float | None]) -> dict:
    """Median of `runs` timed runs after one warm-up run (seconds), wall and JVM CPU time."""
    started = time.perf_counter()
    action()
    warmup = time.perf_counter() - started
    log(f"{label}: warm-up {warmup:.1f} s")
    times: list[float] = []
    cpu_times: list[float | None] = []
    for i in range(runs):
        cpu_start = cpu()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
        cpu_end = cpu()
        cpu_times.append(None if cpu_start is None or cpu_end is None else cpu_end - cpu_start)
        log(f"{label}: run {i + 1}/{runs} {times[-1]:.1f} s (JVM CPU {cpu_times[-1]})")
    known = [t for t in cpu_times if t is not None]
    return {
        "median_s": round(statistics.median(times), 3),
        "runs_s": [round(t, 3) for t in times],
        "warmup_s": round(warmup, 3),
        "cpu_median_s": round(statistics.median(known), 3) if len(known) == len(cpu_times) else None,
        "cpu_runs_s": [None if t is None else round(t, 3) for t in cpu_times],
    }


def input_frame(spark, spec: dict):
    from pyspark.sql import functions as F

    df = spark.read.parquet(spec["table_parquet"])
    # DuckDB's TIMESTAMP is written without a time zone and Spark reads it as TIMESTAMP_NTZ; the
    # engine's schema says `timestamp`, so the columns are cast (same wall-clock values, UTC session).
    for name, type_ in spec["column_types"].items():
        if type_ == "timestamp":
            df = df.withColumn(name, F.col(name).cast("timestamp"))
    return df


def failing_counts(result, names: list[str]) -> dict:
    """Failing rows per rule name, and DQX's error/warning split, in one Spark job."""
    from pyspark.sql import functions as F

    errors = F.coalesce(F.col("_errors.name"), F.array().cast("array<string>"))
    warnings = F.coalesce(F.col("_warnings.name"), F.array().cast("array<string>"))
    aggregates = [
        F.count(F.lit(1)).alias("__total"),
        F.count_if(F.col("_errors").isNotNull()).alias("__error_rows"),
        F.count_if(F.col("_errors").isNull() & F.col("_warnings").isNotNull()).alias("__warning_only_rows"),
    ] + [
        F.count_if(F.array_contains(errors, name) | F.array_contains(warnings, name)).alias(f"r{i}")
        for i, name in enumerate(names)
    ]
    row = result.agg(*aggregates).collect()[0]
    return {
        "total_rows": row["__total"],
        "error_rows": row["__error_rows"],
        "warning_only_rows": row["__warning_only_rows"],
        "rules": {name: row[f"r{i}"] for i, name in enumerate(names)},
    }


def main() -> None:
    spec_path, out_path = sys.argv[1], sys.argv[2]
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)

    import pyspark
    from databricks.labs.dqx.__version__ import __version__ as dqx_version
    from databricks.labs.dqx.engine import DQEngine
    from databricks.labs.dqx.profiler.profiler import DQProfiler
    from databricks.sdk import WorkspaceClient

    log(f"starting Spark ({spec['master']}, driver memory {spec['driver_memory']})")
    spark = spark_session(spec)
    schema, table = spec["ref_table"].split(".")
    spark.sql(f"CREATE DATABASE IF NOT EXISTS `{schema}`")
    spark.read.parquet(spec["ref_parquet"]).write.mode("overwrite").saveAsTable(f"`{schema}`.`{table}`")

    ws = MagicMock(spec=WorkspaceClient)
    engine = DQEngine(workspace_client=ws, spark=spark)
    profiler = DQProfiler(ws, spark)
    runs = spec["runs"]
    cpu = jvm_cpu_seconds(spark)
    rows = input_frame(spark, spec).count()
    log(f"{rows} rows in {spec['table_parquet']}")

    out: dict[str, Any] = {
        "versions": {"databricks-labs-dqx": dqx_version, "pyspark": pyspark.__version__},
        "spark": {"master": spec["master"], "driver_memory": spec["driver_memory"]},
        "rows": rows,
        "timings_s": {},
        "results": {},
    }

    for key, checks in (("validate_25", spec["row_checks"]), ("validate_25_plus_3_dataset", spec["all_checks"])):
        def apply_to_noop(checks=checks):
            result = engine.apply_checks_by_metadata(input_frame(spark, spec), checks)
            result.write.format("noop").mode("overwrite").save()

        out["timings_s"][key] = timed(key, runs, apply_to_noop, cpu)
        result = engine.apply_checks_by_metadata(input_frame(spark, spec), checks)
        out["results"][key] = failing_counts(result, spec["rule_names"][key])
        log(f"{key}: counts recorded")

    profiles: dict[str, Any] = {}
    for key, options in (("profile_20", spec["profile_options"]), ("profile_20_default_options", None)):
        holder: dict[str, Any] = {}

        def profile(options=options, holder=holder):
            holder["summary"], holder["profiles"] = profiler.profile(input_frame(spark, spec), options=options)

        out["timings_s"][key] = timed(key, runs, profile, cpu)
        profiles[key] = {
            "profiles": len(holder["profiles"]),
            "names": sorted(f"{p.name}:{p.column}" for p in holder["profiles"]),
        }
    out["results"]["profiles"] = profiles

    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2)
    spark.stop()


if __name__ == "__main__":
    main()
