"""The validation job on local Spark with real DQX: counts checked against the planted data."""

from __future__ import annotations

import json

import pytest
from conftest import order_rows, validation_params

from dqx_jobs import run_validation
from dqx_jobs.contract import OUTPUT_SCHEMA_FILE, schema_errors
from dqx_jobs.volumes import VolumeFiles

ROWS = order_rows()
NULL_CUSTOMERS = sum(1 for r in ROWS if r[1] is None)
ODD_STATUS = sum(1 for r in ROWS if r[2] not in ("new", "shipped"))
NEW_ROWS = [r for r in ROWS if r[2] == "new"]
NEW_BAD_QTY = sum(1 for r in NEW_ROWS if not 1 <= r[3] <= 10)

RULES = [
    {"name": "customer_present", "criticality": "error", "check": {"function": "is_not_null", "arguments": {"column": "customer"}}},
    # same function as the rule above: the original matched by function and mixed them up
    {"name": "amount_present", "criticality": "error", "check": {"function": "is_not_null", "arguments": {"column": "amount"}}},
    {"name": "known_status", "criticality": "warn", "check": {"function": "is_in_list", "arguments": {"column": "status", "allowed": ["'new'", "'shipped'"]}}},
    {"name": "new_qty_in_range", "criticality": "error", "filter": "status = 'new'",
     "check": {"function": "is_in_range", "arguments": {"column": "quantity", "min_limit": 1, "max_limit": 10}}},
    {"criticality": "error", "check": {"function": "is_not_null", "arguments": {"column": "no_such_column"}}},
]


def _by_name(result):
    return {r["name"]: r for r in result["rules"]}


def test_counts_per_rule_by_name_with_rows_evaluated(spark, ws):
    output = run_validation(spark, ws, validation_params(json.dumps(RULES[:4])))
    assert output["ok"], output
    assert schema_errors(OUTPUT_SCHEMA_FILE, output) == []
    result = output["result"]
    rules = _by_name(result)

    assert rules["customer_present"]["failed_rows"] == NULL_CUSTOMERS > 0
    assert rules["customer_present"]["status"] == "fail"
    assert rules["amount_present"]["failed_rows"] == 0
    assert rules["amount_present"]["status"] == "pass"
    assert rules["known_status"]["failed_rows"] == ODD_STATUS > 0
    assert rules["known_status"]["status"] == "warn"
    assert rules["new_qty_in_range"]["rows_evaluated"] == len(NEW_ROWS)
    assert rules["new_qty_in_range"]["failed_rows"] == NEW_BAD_QTY > 0
    assert rules["customer_present"]["rows_evaluated"] == len(ROWS)
    assert rules["new_qty_in_range"]["function"] == "is_in_range"
    assert rules["new_qty_in_range"]["columns"] == ["quantity"]

    error_rows = sum(1 for r in ROWS if r[1] is None or (r[2] == "new" and not 1 <= r[3] <= 10))
    warning_rows = ODD_STATUS
    either = sum(1 for r in ROWS if r[1] is None or (r[2] == "new" and not 1 <= r[3] <= 10) or r[2] not in ("new", "shipped"))
    assert result["total_rows"] == len(ROWS)
    assert result["error_rows"] == error_rows
    assert result["warning_rows"] == warning_rows
    assert result["valid_rows"] == len(ROWS) - error_rows  # DQX: warning-only rows are valid
    assert result["invalid_rows"] == either
    assert result["pass_rate"] == round((len(ROWS) - error_rows) * 100 / len(ROWS), 2)


def test_failing_rows_sample_carries_values_and_entries(spark, ws):
    output = run_validation(spark, ws, validation_params(json.dumps(RULES[:4]), failing_rows_sample="3"))
    sample = output["result"]["failing_rows"]
    assert sample["limit"] == 3
    assert len(sample["rows"]) == 3
    assert [c["name"] for c in sample["columns"]] == ["order_id", "customer", "status", "quantity", "amount", "ordered_on"]
    for row in sample["rows"]:
        assert set(row["values"]) == {"order_id", "customer", "status", "quantity", "amount", "ordered_on"}
        assert row["errors"] or row["warnings"]
        for entry in row["errors"] + row["warnings"]:
            assert entry["name"] in {"customer_present", "known_status", "new_qty_in_range"}
            assert entry["message"]


def test_rule_on_missing_column_is_reported_skipped(spark, ws):
    output = run_validation(spark, ws, validation_params(json.dumps(RULES)))
    assert output["ok"], output
    skipped = [r for r in output["result"]["rules"] if r["skipped"]]
    assert len(skipped) == 1 and skipped[0]["status"] == "skipped" and skipped[0]["failed_rows"] == 0
    assert any("skipped" in w for w in output["result"]["warnings"])


def test_row_limit_validates_only_that_many_rows(spark, ws):
    output = run_validation(spark, ws, validation_params(json.dumps(RULES[:1]), row_limit="10"))
    assert output["result"]["total_rows"] == 10
    assert output["result"]["row_limit"] == 10


def test_invalid_rules_are_a_structured_failure(spark, ws):
    bad = [{"criticality": "error", "check": {"function": "no_such_check", "arguments": {"column": "x"}}}]
    output = run_validation(spark, ws, validation_params(json.dumps(bad)))
    assert output["ok"] is False
    assert output["error"]["type"] == "invalid_rules"
    assert "no_such_check" in output["error"]["cause"]
    assert schema_errors(OUTPUT_SCHEMA_FILE, output) == []


def test_missing_table_is_a_structured_failure(spark, ws):
    output = run_validation(spark, ws, validation_params(json.dumps(RULES[:1]), table="does_not_exist"))
    assert output["ok"] is False
    assert output["error"]["type"] == "table_not_found"
    assert "spark_catalog.dqx_test.does_not_exist" in output["error"]["cause"]


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({"contract_version": "2"}, "contract_mismatch"),
        ({"table": ""}, "bad_parameters"),
        ({"failing_rows_sample": "5000"}, "bad_parameters"),
        ({"rules_path": "/Volumes/c/s/v/rules.json"}, "bad_parameters"),  # both rules and rules_path
    ],
)
def test_bad_parameters_are_refused(spark, ws, overrides, expected):
    output = run_validation(spark, ws, validation_params(json.dumps(RULES[:1]), **overrides))
    assert output["ok"] is False
    assert output["error"]["type"] == expected


def test_rules_can_come_from_a_volume_file(spark, ws, tmp_path):
    volumes = VolumeFiles(str(tmp_path))
    volumes.write_bytes("/Volumes/main/dqx/results/runs/val-run-1/rules.json", json.dumps(RULES[:1]).encode())
    output = run_validation(
        spark, ws, validation_params("", rules_path="/Volumes/main/dqx/results/runs/val-run-1/rules.json"), volumes=volumes
    )
    assert output["ok"], output
    assert output["result"]["rules"][0]["failed_rows"] == NULL_CUSTOMERS


@pytest.mark.parametrize(
    "rule",
    [
        {"criticality": "error", "check": {"function": "sql_query", "arguments": {"query": "SELECT * FROM hr.salaries", "merge_columns": ["id"], "condition_column": "c"}}},
        {"criticality": "error", "check": {"function": "sql_expression", "arguments": {"expression": "amount < (SELECT max(pay) FROM hr.salaries)"}}},
        {"criticality": "error", "filter": "customer IN (select name from hr.people)", "check": {"function": "is_not_null", "arguments": {"column": "amount"}}},
    ],
)
def test_rules_reading_other_tables_through_sql_are_refused(spark, ws, rule):
    """The job's identity is not the user's: free SQL could read what the user may not."""
    output = run_validation(spark, ws, validation_params(json.dumps([rule])))
    assert output["ok"] is False
    assert output["error"]["type"] == "table_reading_rule"
    assert "fast path" in output["error"]["hint"]
