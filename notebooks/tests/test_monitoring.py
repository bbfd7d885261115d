"""Scheduled checks (notebooks/monitor_table.py, dqx_jobs/monitoring.py) on local Spark with the real
DQX library: the published checks loaded by DQX's load_checks, DQX's apply_checks_by_metadata_and_save_in_table
writing valid, quarantine and metrics tables, checked against DQX's own schemas and against what DQX
computes when applied directly. Local Spark has no Delta: the job's tables are written as parquet
tables in the session's catalog (dqx_jobs.monitoring.TABLE_FORMAT), as the other notebook tests do."""

from __future__ import annotations

import json
from unittest.mock import MagicMock

import pytest

from dqx_jobs import finish, run_monitoring
from dqx_jobs.contract import OUTPUT_SCHEMA_FILE, schema_errors
from dqx_jobs.errors import JobFailed

DB = "dqx_monitor"
CHECKS_TABLE = f"spark_catalog.{DB}.checks"
SOURCE = "spark_catalog.dqx_test.orders"

RULES = [
    {"name": "customer_present", "criticality": "error", "check": {"function": "is_not_null", "arguments": {"column": "customer"}}},
    {"name": "known_status", "criticality": "warn", "check": {"function": "is_in_list", "arguments": {"column": "status", "allowed": ["'new'", "'shipped'"]}}},
    {"name": "new_qty_in_range", "criticality": "error", "filter": "status = 'new'",
     "check": {"function": "is_in_range", "arguments": {"column": "quantity", "min_limit": 1, "max_limit": 10}}},
]


@pytest.fixture(autouse=True)
def parquet_tables(monkeypatch):
    monkeypatch.setattr("dqx_jobs.monitoring.TABLE_FORMAT", "parquet")


@pytest.fixture()
def monitor_db(spark, tmp_path):
    spark.sql(f"DROP DATABASE IF EXISTS {DB} CASCADE")
    spark.sql(f"CREATE DATABASE {DB} LOCATION '{tmp_path / 'monitor'}'")
    yield
    spark.sql(f"DROP DATABASE IF EXISTS {DB} CASCADE")


def publish(spark, ws, rules, run_config_name=SOURCE) -> str:
    """Publishes as DQX's checks table storage does (a batch appended per rule set); returns its fingerprint."""
    from databricks.labs.dqx.config import TableChecksStorageConfig
    from databricks.labs.dqx.engine import DQEngine
    from databricks.labs.dqx.rule_fingerprint import compute_rule_set_fingerprint_by_metadata
    from databricks.sdk.errors import NotFound

    def get(full_name):  # the Unity Catalog tables API, answered from the local catalog
        if not spark.catalog.tableExists(full_name.replace("spark_catalog.", "", 1)):
            raise NotFound(f"Table {full_name} does not exist.")

    ws.tables.get.side_effect = get
    DQEngine(workspace_client=ws, spark=spark).save_checks(rules, TableChecksStorageConfig(location=CHECKS_TABLE, run_config_name=run_config_name))
    return compute_rule_set_fingerprint_by_metadata(rules)


def params(**overrides: str) -> dict[str, str]:
    base = {
        "contract_version": "1",
        "run_id": "1001",
        "catalog": "spark_catalog",
        "schema": "dqx_test",
        "table": "orders",
        "results_volume": "",
        "checks_source": "table",
        "checks_location": CHECKS_TABLE,
        "run_config_name": SOURCE,
        "rule_set_fingerprint": "",
        "valid_table": f"spark_catalog.{DB}.orders_valid",
        "quarantine_table": f"spark_catalog.{DB}.orders_quarantine",
        "metrics_table": f"spark_catalog.{DB}.orders_metrics",
        "failing_rows_sample": "5",
    }
    base.update(overrides)
    return base


def ok(output: dict) -> dict:
    assert schema_errors(OUTPUT_SCHEMA_FILE, output) == []
    assert output["ok"] is True, output.get("error")
    assert output["kind"] == "monitoring"
    return output["result"]


def failure(output: dict) -> dict:
    assert schema_errors(OUTPUT_SCHEMA_FILE, output) == []
    assert output["ok"] is False
    return output["error"]


def _direct(spark, ws, rules):
    """What DQX computes when applied directly to the table (no storage, no observer)."""
    from databricks.labs.dqx.engine import DQEngine

    engine = DQEngine(workspace_client=ws, spark=spark)
    checked = engine.apply_checks_by_metadata(spark.read.table(SOURCE), rules)
    valid, invalid = engine.apply_checks_by_metadata_and_split(spark.read.table(SOURCE), rules)
    return checked, valid, invalid


def _named(name):
    return lambda x: x["name"] == name


def _of_run(run_id):
    return lambda x: x["run_id"] == run_id


def test_writes_dqx_outputs_in_dqx_schemas_with_dqx_counts(spark, ws, monitor_db):
    from databricks.labs.dqx.metrics_observer import OBSERVATION_TABLE_SCHEMA
    from databricks.labs.dqx.schema.dq_result_schema import dq_result_schema
    from pyspark.sql import functions as F
    from pyspark.sql.types import StructType

    fingerprint = publish(spark, ws, RULES)
    result = ok(run_monitoring(spark, ws, params()))

    # quarantine: the table's columns plus DQX's _errors/_warnings exactly as DQX defines them
    quarantine = spark.read.table(f"{DB}.orders_quarantine")
    source_columns = spark.read.table(SOURCE).columns
    assert quarantine.columns == [*source_columns, "_errors", "_warnings"]
    assert quarantine.schema["_errors"].dataType == dq_result_schema
    assert quarantine.schema["_warnings"].dataType == dq_result_schema
    # valid rows: the table's own columns (DQX drops its result columns from the valid split)
    valid = spark.read.table(f"{DB}.orders_valid")
    assert valid.columns == source_columns
    # metrics: DQX's long format, DQX's metric names, DQX's run id = the Databricks run id
    metrics = spark.read.table(f"{DB}.orders_metrics")
    expected_schema = StructType.fromDDL(OBSERVATION_TABLE_SCHEMA)
    assert [(f.name, f.dataType) for f in metrics.schema.fields] == [(f.name, f.dataType) for f in expected_schema.fields]
    rows = metrics.collect()
    assert {r["metric_name"] for r in rows} == {"input_row_count", "error_row_count", "warning_row_count", "valid_row_count", "check_metrics"}
    assert {r["run_id"] for r in rows} == {"1001"}
    assert {r["rule_set_fingerprint"] for r in rows} == {fingerprint}
    assert {r["checks_location"] for r in rows} == {CHECKS_TABLE}
    assert {r["input_location"] for r in rows} == {"spark_catalog.dqx_test.orders"}

    # every count equals what DQX computes applied directly
    checked, direct_valid, direct_invalid = _direct(spark, ws, RULES)
    total = checked.count()
    errors = checked.where(F.col("_errors").isNotNull()).count()
    warnings = checked.where(F.col("_warnings").isNotNull()).count()
    assert (result["total_rows"], result["error_rows"], result["warning_rows"]) == (total, errors, warnings)
    # DQX's split: warning-only rows are valid too (they are in both outputs)
    assert result["valid_rows"] == total - errors == direct_valid.count()
    assert result["invalid_rows"] == direct_invalid.count() == quarantine.count()
    assert valid.count() == direct_valid.count()
    assert result["pass_rate"] == round((total - errors) * 100 / total, 2)
    by_name = {r["name"]: r for r in result["rules"]}
    for rule in RULES:
        column = "_errors" if rule["criticality"] == "error" else "_warnings"
        failing = checked.where(F.exists(F.col(column), _named(rule["name"]))).count()
        assert by_name[rule["name"]]["failed_rows"] == failing, rule["name"]
        assert failing > 0
    assert by_name["customer_present"]["status"] == "fail"
    assert by_name["known_status"]["status"] == "warn"
    assert by_name["new_qty_in_range"]["rows_evaluated"] == checked.where("status = 'new'").count()
    assert by_name["customer_present"]["rows_evaluated"] == total

    monitoring = result["monitoring"]
    assert monitoring["dqx_run_id"] == "1001"
    assert monitoring["checks"] == {"source": "table", "location": CHECKS_TABLE, "run_config_name": SOURCE, "rule_set_fingerprint": fingerprint}
    assert monitoring["metrics"]["input_row_count"] == str(total)
    # the sample is this run's quarantined rows, with DQX's entries
    assert 0 < len(result["failing_rows"]["rows"]) <= 5
    assert all(row["errors"] or row["warnings"] for row in result["failing_rows"]["rows"])


def test_each_run_appends_quarantine_and_metrics_under_its_own_run_id(spark, ws, monitor_db):
    from pyspark.sql import functions as F

    publish(spark, ws, RULES)
    first = ok(run_monitoring(spark, ws, params(run_id="2001")))
    second = ok(run_monitoring(spark, ws, params(run_id="2002")))
    assert first["invalid_rows"] == second["invalid_rows"]
    quarantine = spark.read.table(f"{DB}.orders_quarantine")
    assert quarantine.count() == 2 * first["invalid_rows"]
    for run_id in ("2001", "2002"):
        mine = quarantine.where(F.exists("_errors", _of_run(run_id)) | F.exists("_warnings", _of_run(run_id)))
        assert mine.count() == first["invalid_rows"]
    metrics = spark.read.table(f"{DB}.orders_metrics")
    assert sorted(r["run_id"] for r in metrics.select("run_id").distinct().collect()) == ["2001", "2002"]
    # valid rows are appended too (DQX's default output mode): one copy per run
    assert spark.read.table(f"{DB}.orders_valid").count() == 2 * first["valid_rows"]


def test_a_pinned_version_loads_that_batch_of_the_checks_table(spark, ws, monitor_db):
    v1 = publish(spark, ws, RULES[:1])
    v2 = publish(spark, ws, RULES)
    assert v1 != v2
    latest = ok(run_monitoring(spark, ws, params(run_id="3001")))
    assert sorted(r["name"] for r in latest["rules"]) == sorted(r["name"] for r in RULES)
    assert latest["monitoring"]["checks"]["rule_set_fingerprint"] == v2
    pinned = ok(run_monitoring(spark, ws, params(run_id="3002", rule_set_fingerprint=v1)))
    assert [r["name"] for r in pinned["rules"]] == ["customer_present"]
    assert pinned["monitoring"]["checks"]["rule_set_fingerprint"] == v1


def test_checks_from_a_volume_file_and_metrics_only(spark, monitor_db):
    import yaml

    ws = MagicMock()
    text = yaml.safe_dump(RULES, sort_keys=False).encode("utf-8")
    download = MagicMock()
    download.contents.read.return_value = text
    ws.files.download.return_value = download
    result = ok(
        run_monitoring(
            spark, ws,
            params(run_id="4001", checks_source="volume_file", checks_location="/Volumes/main/dq/checks/orders.yml", run_config_name="",
                   valid_table="", quarantine_table=""),
        )
    )
    ws.files.download.assert_called_with("/Volumes/main/dq/checks/orders.yml")
    assert sorted(r["name"] for r in result["rules"]) == sorted(r["name"] for r in RULES)
    assert result["failing_rows"]["rows"] == []  # no quarantine or output table: nothing to sample
    assert result["monitoring"]["outputs"] == {"valid_table": None, "quarantine_table": None, "metrics_table": f"spark_catalog.{DB}.orders_metrics"}
    assert not spark.catalog.tableExists(f"{DB}.orders_quarantine")


def test_without_a_quarantine_table_the_output_holds_every_row_with_results(spark, ws, monitor_db):
    publish(spark, ws, RULES)
    result = ok(run_monitoring(spark, ws, params(run_id="5001", quarantine_table="")))
    output = spark.read.table(f"{DB}.orders_valid")
    assert output.count() == result["total_rows"]
    assert "_errors" in output.columns
    assert len(result["failing_rows"]["rows"]) == 5


def test_a_skipped_rule_is_reported_skipped(spark, ws, monitor_db):
    rules = [*RULES, {"name": "ghost_present", "criticality": "error", "check": {"function": "is_not_null", "arguments": {"column": "ghost"}}}]
    publish(spark, ws, rules)
    result = ok(run_monitoring(spark, ws, params(run_id="6001")))
    ghost = next(r for r in result["rules"] if r["name"] == "ghost_present")
    assert (ghost["status"], ghost["skipped"], ghost["failed_rows"]) == ("skipped", True, 0)
    assert any("ghost_present" in w for w in result["warnings"])


def test_nothing_published_is_a_clear_failure(spark, ws, monitor_db):
    publish(spark, ws, RULES, run_config_name="spark_catalog.dqx_test.other")
    error = failure(run_monitoring(spark, ws, params(run_id="7001")))
    assert error["type"] in ("no_published_checks", "checks_unreadable")
    assert "Publish" in error["hint"]


def test_rules_reading_other_tables_are_refused(spark, ws, monitor_db):
    publish(spark, ws, [{"name": "q", "criticality": "error", "check": {"function": "sql_query", "arguments": {
        "query": "SELECT order_id FROM dqx_test.orders", "merge_columns": ["order_id"], "condition_column": "order_id", "msg": "x"}}}])
    error = failure(run_monitoring(spark, ws, params(run_id="7002")))
    assert error["type"] in ("table_reading_rule", "sql_not_allowed")
    assert not spark.catalog.tableExists(f"{DB}.orders_metrics")


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"metrics_table": ""}, "metrics_table"),
        ({"quarantine_table": "spark_catalog.x.`y`"}, "quarantine_table"),
        ({"valid_table": "main.sales"}, "valid_table"),
        ({"valid_table": "main.sales.orders; DROP TABLE x"}, "valid_table"),
        ({"checks_location": "/Volumes/main/../etc/x.yml", "checks_source": "volume_file"}, "checks_location"),
        ({"checks_source": "volume_file", "checks_location": "/Workspace/x.yml"}, "checks_location"),
        ({"rule_set_fingerprint": "abc"}, "rule_set_fingerprint"),
        ({"contract_version": "2"}, "version"),
    ],
)
def test_bad_parameters_are_refused(spark, ws, overrides, expected):
    error = failure(run_monitoring(spark, ws, params(**overrides)))
    assert error["type"] in ("bad_parameters", "contract_mismatch")
    assert expected in error["cause"]


class GovernedSpark:
    """Answers the governance queries as Unity Catalog would; fails the test if the table is read."""

    def __init__(self, rows=None, error=None, policies=None, policies_error=None):
        self.rows, self.error, self.policies, self.policies_error, self.statements = rows or [], error, policies or [], policies_error, []

    def sql(self, statement, args=None):
        self.statements.append((statement, args))
        abac = "abac_policy_definitions" in statement
        error = self.policies_error if abac else self.error if "row_filters" in statement else None
        if error:
            raise error
        frame = MagicMock()
        frame.collect.return_value = self.policies if abac else self.rows if "row_filters" in statement else [{"u": "dqx-jobs"}]
        return frame

    @property
    def read(self):
        raise AssertionError("a governed table must not be read")


def test_tables_with_row_filters_or_column_masks_are_refused(ws):
    spark = GovernedSpark(rows=[{"kind": "row_filter", "column_name": None}, {"kind": "column_mask", "column_name": "email"}])
    error = failure(run_monitoring(spark, ws, params(catalog="main", schema="sales", table="orders")))
    assert error["type"] == "governed_table"
    assert "a row filter" in error["cause"] and "a column mask on email" in error["cause"]
    statement, args = next(s for s in spark.statements if "row_filters" in s[0])
    assert "`main`.information_schema.row_filters" in statement and "`main`.information_schema.column_masks" in statement
    assert args == {"schema": "sales", "table": "orders"}  # bound, never pasted


def test_tables_with_abac_policies_are_refused(ws):
    spark = GovernedSpark(policies=[{"policy_name": "pii_rows", "policy_type": "ROW_FILTER"}])
    error = failure(run_monitoring(spark, ws, params(catalog="main", schema="sales", table="orders")))
    assert error["type"] == "governed_table" and "the access policy pii_rows" in error["cause"]
    _, args = next(s for s in spark.statements if "abac_policy_definitions" in s[0])
    assert args == {"schema": "sales", "table": "orders", "full_name": "main.sales.orders"}


def test_a_workspace_without_the_abac_view_is_not_refused_for_it(ws):
    spark = GovernedSpark(policies_error=RuntimeError("[TABLE_OR_VIEW_NOT_FOUND] abac_policy_definitions"))
    error = failure(run_monitoring(spark, ws, params(catalog="main", schema="sales", table="orders")))
    assert error["type"] == "table_unreadable"  # governance passed; the stand-in then refuses the read


def test_unreadable_governance_is_refused(ws):
    spark = GovernedSpark(error=RuntimeError("[INSUFFICIENT_PERMISSIONS] no USE CATALOG"))
    error = failure(run_monitoring(spark, ws, params(catalog="main", schema="sales", table="orders")))
    assert error["type"] == "governance_unreadable"


def test_a_failed_run_raises_so_the_run_ends_failed_and_emails_go_out(spark, ws, dbutils_factory, monitor_db):
    output = run_monitoring(spark, ws, params(run_id="8001", checks_location=f"spark_catalog.{DB}.nothing_here"))
    with pytest.raises(JobFailed) as raised:
        finish(output, dbutils_factory())
    assert json.loads(str(raised.value).split("DQX_JOB_ERROR:", 1)[1])["kind"] == "monitoring"


def test_monitor_table_notebook_exits_with_the_output(spark, ws, monkeypatch, monitor_db):
    """The notebook source itself; its output is recorded for the app's Jobs API stand-in
    (tests/fixtures/jobs/monitoring-success.json), which serves it as a scheduled run's output."""
    from test_notebooks import record_or_compare, run_notebook

    publish(spark, ws, RULES)
    widgets = params(run_id="733295561940183", failing_rows_sample="0")
    notebook = run_notebook("monitor_table", spark, widgets, monkeypatch)
    output = json.loads(notebook["exit"])
    result = ok(output)
    assert result["total_rows"] == 200 and result["monitoring"]["dqx_run_id"] == "733295561940183"
    record_or_compare("monitoring-success", "monitor_table: three published rules on 200 orders, DQX outputs written", "monitoring", widgets, notebook)


def test_monitor_table_notebook_fails_the_run_when_nothing_is_published(spark, ws, monkeypatch, monitor_db):
    from test_notebooks import _envelope, record_or_compare, run_notebook

    publish(spark, ws, RULES, run_config_name="spark_catalog.dqx_test.other")
    widgets = params(run_id="733295561940184", failing_rows_sample="0")
    notebook = run_notebook("monitor_table", spark, widgets, monkeypatch)
    assert "raised" in notebook, "a failure must end the run FAILED (the job's failure emails go out)"
    envelope = _envelope(notebook)
    assert envelope["ok"] is False and envelope["kind"] == "monitoring"
    record_or_compare("monitoring-no-checks", "monitor_table with nothing published for the table", "monitoring", widgets, notebook)
