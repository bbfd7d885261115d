"""Scheduled checks: the published checks applied by DQX itself, results written in DQX's own tables.

One run of a monitored table's job (notebooks/monitor_table.py):

1. refuses a table governed by a row filter or column mask (the job reads as its own principal, who
   would see rows and values users cannot; docs/jobs.md);
2. loads the PUBLISHED checks with `DQEngine.load_checks` (a `TableChecksStorageConfig` with the
   table's `run_config_name`, optionally a pinned `rule_set_fingerprint`, or a volume / workspace
   checks file), then passes every SQL fragment through the rules' SQL sandbox and DQX's validation;
3. runs `DQEngine.apply_checks_by_metadata_and_save_in_table` with a `DQMetricsObserver`: valid rows
   to the output table, invalid rows with `_errors` / `_warnings` to the quarantine table, DQX's
   summary metrics in its long format to the metrics table, all appended (DQX's default mode), DQX's
   run id set to the Databricks run id;
4. returns a validation-shaped result computed from the metrics rows DQX wrote for this run (its
   own counts: `input_row_count`, `error_row_count`, ..., and per check `check_metrics`), with a
   sample of this run's quarantined rows, so the app ingests a scheduled run like a validation run.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Any

from dqx_jobs.errors import JobFailure, classify_table_error, first_line
from dqx_jobs.generation import dqx_version
from dqx_jobs.params import MonitoringParams, TableName
from dqx_jobs.validation import ERRORS, WARNINGS, _check_rules, _columns_of, _sample_failing_rows, refuse_table_reading_rules

logger = logging.getLogger(__name__)

# DQX's metric names for the summary rows (metrics_observer.DQMetricsObserver.get_metrics).
SUMMARY_METRICS = ("input_row_count", "error_row_count", "warning_row_count", "valid_row_count")
_PLAIN = re.compile(r"^[A-Za-z0-9_]+$")

# DQX OutputConfig format of the tables the job writes. Delta on Databricks; the local tests set
# parquet (local Spark has no Delta).
TABLE_FORMAT = "delta"


def dqx_location(table: TableName) -> str:
    """The table as DQX's TABLE_PATTERN accepts it: plain parts as they are, any other part back-quoted."""
    parts = (table.catalog, table.schema, table.table)
    return ".".join(p if _PLAIN.match(p) else "`" + p + "`" for p in parts)


def refuse_governed_table(spark: Any, table: TableName) -> None:
    """Unity Catalog applies row filters, column masks and ABAC policies to whoever reads: the job's
    principal would see what users cannot. Same statements as the app's check (lib/warehouse/databricks/statements.ts),
    here as the job's principal; a table whose governance cannot be read is refused too. Hive
    metastore tables (and local Spark's spark_catalog) have no Unity Catalog governance."""
    if table.catalog.lower() in ("spark_catalog", "hive_metastore"):
        return
    info = "`" + table.catalog.replace("`", "``") + "`.information_schema"
    where = "WHERE lower(schema_name) = lower(:schema) AND lower(table_name) = lower(:table)"
    statement = (
        f"SELECT 'row_filter' AS kind, CAST(NULL AS STRING) AS column_name FROM {info}.row_filters {where} "
        f"UNION ALL SELECT 'column_mask' AS kind, column_name FROM {info}.column_masks {where}"
    )
    try:
        rows = spark.sql(statement, args={"schema": table.schema, "table": table.table}).collect()
    except Exception as exc:  # noqa: BLE001
        raise JobFailure(
            "governance_unreadable",
            f"The job could not read the row filters and column masks of {table.display()}: {first_line(str(exc))}",
            "Scheduled checks run only on tables whose governance the job can read; grant it USE CATALOG and USE SCHEMA, or monitor the table locally.",
        ) from exc
    # ABAC row-filter and column-mask policies on the table, its schema or its catalog (the app's
    # abacPolicies statement); the view is newer: its absence is not a failure, any other error is
    abac = (
        f"SELECT policy_name, policy_type FROM {info}.abac_policy_definitions "
        "WHERE upper(policy_type) IN ('ROW_FILTER', 'COLUMN_MASK') AND (schema_name IS NULL OR (lower(schema_name) = lower(:schema) "
        "AND (securable_name IS NULL OR lower(securable_name) = lower(:table) OR lower(securable_name) = lower(:full_name))))"
    )
    policies: list[str] = []
    try:
        policies = [str(r["policy_name"]) for r in spark.sql(abac, args={"schema": table.schema, "table": table.table, "full_name": table.display()}).collect()]
    except Exception as exc:  # noqa: BLE001
        if "TABLE_OR_VIEW_NOT_FOUND" not in str(exc):
            raise JobFailure(
                "governance_unreadable",
                f"The job could not read the access policies of {table.display()}: {first_line(str(exc))}",
                "Scheduled checks run only on tables whose governance the job can read.",
            ) from exc
    if rows or policies:
        what = sorted({"a row filter" if r["kind"] == "row_filter" else f"a column mask on {r['column_name']}" for r in rows})
        what += [f"the access policy {name}" for name in sorted(set(policies))]
        raise JobFailure(
            "governed_table",
            f"{table.display()} has {', '.join(what)}; the job would read it as its own principal and see rows or values users cannot.",
            "Validate this table on the SQL warehouse (as each user) instead of a scheduled Databricks job.",
        )


def load_published_checks(engine: Any, params: MonitoringParams) -> list[dict[str, Any]]:
    """The published rule set, read by DQX's own storage handlers."""
    from databricks.labs.dqx.config import (
        TableChecksStorageConfig,
        VolumeFileChecksStorageConfig,
        WorkspaceFileChecksStorageConfig,
    )

    if params.checks_source == "table":
        from dqx_jobs.params import table_name_of

        config: Any = TableChecksStorageConfig(
            location=dqx_location(table_name_of(params.checks_location, "checks_location")),
            run_config_name=params.run_config_name,
            rule_set_fingerprint=params.rule_set_fingerprint,
        )
    elif params.checks_source == "volume_file":
        config = VolumeFileChecksStorageConfig(location=params.checks_location)
    else:
        config = WorkspaceFileChecksStorageConfig(location=params.checks_location)
    try:
        checks = engine.load_checks(config)
    except Exception as exc:  # noqa: BLE001
        raise JobFailure(
            "checks_unreadable",
            f"DQX could not load the published checks from {params.checks_location}: {first_line(str(exc))}",
            "Publish the table's active version again from History, and check that the job may read where it is published.",
        ) from exc
    if not checks:
        pinned = f" (batch {params.rule_set_fingerprint[:12]})" if params.rule_set_fingerprint else ""
        raise JobFailure(
            "no_published_checks",
            f"No published checks for {params.run_config_name or params.table.display()} at {params.checks_location}{pinned}.",
            "Publish the version to monitor from History, then let the schedule run again.",
        )
    return checks


def _read_table(spark: Any, table: TableName, identity_hint: str) -> Any:
    try:
        df = spark.read.table(table.quoted())
        df.schema  # noqa: B018 - forces analysis so a missing table fails here
        return df
    except Exception as exc:  # noqa: BLE001
        raise classify_table_error(exc, table.display(), identity_hint) from exc


def _run_metrics(spark: Any, metrics_table: TableName, run_id: str) -> dict[str, str | None]:
    from pyspark.sql import functions as F

    rows = (
        spark.read.table(metrics_table.quoted())
        .where(F.col("run_id") == F.lit(run_id))
        .select("metric_name", "metric_value")
        .collect()
    )
    return {r["metric_name"]: r["metric_value"] for r in rows}


def _as_int(metrics: dict[str, str | None], name: str) -> int:
    value = metrics.get(name)
    if value is None:
        raise JobFailure("metrics_missing", f"DQX wrote no '{name}' metric for this run.", "This is a bug; report it with the run id.")
    return int(value)


def monitor(params: MonitoringParams, spark: Any, ws: Any, identity_hint: str) -> dict[str, Any]:
    """Returns the `result` object of a monitoring output (see job-output.schema.json)."""
    from databricks.labs.dqx.config import ExtraParams, InputConfig, OutputConfig
    from databricks.labs.dqx.engine import DQEngine
    from databricks.labs.dqx.metrics_observer import DQMetricsObserver
    from databricks.labs.dqx.rule_fingerprint import compute_rule_set_fingerprint_by_metadata
    from pyspark.sql import functions as F

    refuse_governed_table(spark, params.table)
    df = _read_table(spark, params.table, identity_hint)
    data_columns = [{"name": f.name, "type": f.dataType.simpleString()} for f in df.schema.fields]

    engine = DQEngine(workspace_client=ws, spark=spark, observer=DQMetricsObserver(), extra_params=ExtraParams(run_id_overwrite=params.run_id))
    checks = load_published_checks(engine, params)
    refuse_table_reading_rules(checks)
    dq_rules = _check_rules(checks)
    fingerprint = compute_rule_set_fingerprint_by_metadata(checks)

    write_format = TABLE_FORMAT
    warnings: list[str] = []
    if params.rule_set_fingerprint and fingerprint != params.rule_set_fingerprint:
        warnings.append(f"The checks DQX loaded have fingerprint {fingerprint}, not the pinned {params.rule_set_fingerprint}.")

    # appended, DQX's default output mode (as the local scheduler's outputs)
    valid = OutputConfig(location=dqx_location(params.valid_table), format=write_format, mode="append") if params.valid_table else None
    quarantine = OutputConfig(location=dqx_location(params.quarantine_table), format=write_format, mode="append") if params.quarantine_table else None
    metrics = OutputConfig(location=dqx_location(params.metrics_table), format=write_format, mode="append")
    try:
        engine.apply_checks_by_metadata_and_save_in_table(
            input_config=InputConfig(location=dqx_location(params.table)),
            output_config=valid,
            quarantine_config=quarantine,
            metrics_config=metrics,
            checks=checks,
            checks_location=params.checks_location,
            run_config_name=params.run_config_name or "default",
        )
    except JobFailure:
        raise
    except Exception as exc:  # noqa: BLE001
        raise JobFailure(
            "monitoring_failed",
            f"DQX could not apply the checks and write the results: {first_line(str(exc))}",
            f"Check that {identity_hint} may create and write the output tables (USE CATALOG, USE SCHEMA, CREATE TABLE, MODIFY).",
        ) from exc

    observed = _run_metrics(spark, params.metrics_table, params.run_id)
    total_rows = _as_int(observed, "input_row_count")
    error_rows = _as_int(observed, "error_row_count")
    warning_rows = _as_int(observed, "warning_row_count")
    clean_rows = _as_int(observed, "valid_row_count")  # DQX: neither errors nor warnings
    per_check = {c.get("rule_fingerprint") or c.get("check_name"): c for c in json.loads(observed.get("check_metrics") or "[]")}

    rule_results: list[dict[str, Any]] = []
    index_of: dict[tuple[str, str], int] = {}
    for rule in dq_rules:
        entry = per_check.get(rule.rule_fingerprint) or {}
        failed = int(entry.get("error_count" if rule.criticality == "error" else "warning_count") or 0)
        checked = entry.get("checked_count")
        rows_evaluated = int(checked) if checked is not None else None
        status = "fail" if failed and rule.criticality == "error" else "warn" if failed else "pass"
        key = (rule.name, rule.criticality)
        if key in index_of:  # DQX counts each check by fingerprint; the result has one line per name
            warnings.append(
                f"Several {rule.criticality} rules share the name '{rule.name}'; the highest count is shown. Give each rule a unique name."
            )
            previous = rule_results[index_of[key]]
            if failed > previous["failed_rows"]:
                previous.update(failed_rows=failed, status=status)
            continue
        index_of[key] = len(rule_results)
        rule_results.append(
            {
                "name": rule.name,
                "function": rule.check_func.__name__,
                "criticality": rule.criticality,
                "columns": _columns_of(rule),
                "filter": rule.filter,
                "rows_evaluated": rows_evaluated,
                "failed_rows": failed,
                "skipped": False,
                "status": status,
            }
        )

    _mark_skipped(spark, params, rule_results, warnings)
    sample = _failing_sample(spark, params, [c["name"] for c in data_columns])
    valid_rows = total_rows - error_rows
    return {
        "table": params.table.as_dict(),
        "validated_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "dqx_version": dqx_version(),
        "row_limit": None,
        "total_rows": total_rows,
        "valid_rows": valid_rows,
        "invalid_rows": total_rows - clean_rows,
        "error_rows": error_rows,
        "warning_rows": warning_rows,
        "pass_rate": round(valid_rows * 100.0 / total_rows, 2) if total_rows else 100.0,
        "rules": rule_results,
        "failing_rows": {"limit": params.failing_rows_sample, "columns": data_columns, "rows": sample},
        "warnings": warnings,
        "monitoring": {
            "dqx_run_id": params.run_id,
            "checks": {
                "source": params.checks_source,
                "location": params.checks_location,
                "run_config_name": params.run_config_name or None,
                "rule_set_fingerprint": fingerprint,
            },
            "outputs": {
                "valid_table": params.valid_table.display() if params.valid_table else None,
                "quarantine_table": params.quarantine_table.display() if params.quarantine_table else None,
                "metrics_table": params.metrics_table.display(),
            },
            "metrics": dict(sorted(observed.items())),
        },
    }


def _this_run(spark: Any, params: MonitoringParams) -> Any | None:
    from pyspark.sql import functions as F

    table = params.quarantine_table or params.valid_table
    if table is None:
        return None
    df = spark.read.table(table.quoted())
    if ERRORS not in df.columns:
        return None
    run = F.lit(params.run_id)
    mine = F.exists(F.col(ERRORS), lambda x: x["run_id"] == run) | F.exists(F.col(WARNINGS), lambda x: x["run_id"] == run)
    return df.where(F.coalesce(mine, F.lit(False)))


def _failing_sample(spark: Any, params: MonitoringParams, data_columns: list[str]) -> list[dict[str, Any]]:
    rows = _this_run(spark, params)
    if rows is None or params.failing_rows_sample == 0:
        return []
    return _sample_failing_rows(rows, data_columns, params.failing_rows_sample)


def _mark_skipped(spark: Any, params: MonitoringParams, rule_results: list[dict[str, Any]], warnings: list[str]) -> None:
    """A rule DQX skipped (a column, filter or expression that does not resolve) leaves entries with
    `skipped = true`; they are found in this run's quarantined rows."""
    from pyspark.sql import functions as F

    rows = _this_run(spark, params)
    if rows is None or not rule_results:
        return
    skipped_names = {
        r["name"]
        for r in rows.select(F.explode(F.concat(F.coalesce(F.col(ERRORS), F.array()), F.coalesce(F.col(WARNINGS), F.array()))).alias("e"))
        .where(F.coalesce(F.col("e.skipped"), F.lit(False)))
        .select(F.col("e.name").alias("name"))
        .distinct()
        .collect()
    }
    for result in rule_results:
        if result["name"] in skipped_names:
            result.update(skipped=True, status="skipped", failed_rows=0, rows_evaluated=0)
            warnings.append(f"Rule '{result['name']}' was skipped by DQX (a column, filter or expression does not resolve).")
