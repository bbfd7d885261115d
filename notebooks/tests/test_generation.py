"""The generation job on local Spark with real DQX."""

from __future__ import annotations

import json

from conftest import generation_params, order_rows

from dqx_jobs import run_generation
from dqx_jobs.contract import OUTPUT_SCHEMA_FILE, schema_errors


def test_profiles_every_row_when_no_limit_is_given(spark, ws):
    output = run_generation(spark, ws, generation_params())
    assert output["ok"], output
    assert schema_errors(OUTPUT_SCHEMA_FILE, output) == []
    result = output["result"]
    # no silent 1000-row (or 30 %) sample: the user asked for everything
    assert result["sample"]["profiled_rows"] == len(order_rows())
    assert result["sample"]["limit"] is None
    assert [c["name"] for c in result["columns"]] == ["order_id", "customer", "status", "quantity", "amount", "ordered_on"]
    assert result["columns"][4]["type"] == "decimal(10,2)"
    functions = {(r["check"]["function"], r["check"]["arguments"].get("column")) for r in result["profile_rules"]}
    assert ("is_not_null", "order_id") in functions
    assert ("is_in_range", "quantity") in functions
    assert all(r["criticality"] == "error" for r in result["profile_rules"])
    assert result["ai"] == {"requested": False, "used": False, "endpoint": None, "rules": [], "message": None}
    # decimals and dates come back as exact strings, not floats or Python reprs
    amount_stats = result["summary_stats"]["amount"]
    assert all(not isinstance(v, float) for k, v in amount_stats.items() if k in ("min", "max"))
    json.dumps(output, allow_nan=False)


def test_honours_the_sample_limit(spark, ws):
    output = run_generation(spark, ws, generation_params(sample_limit="50", criticality="warn"))
    result = output["result"]
    assert result["sample"]["profiled_rows"] == 50
    assert result["sample"]["limit"] == 50
    assert result["profile_rules"] and all(r["criticality"] == "warn" for r in result["profile_rules"])


def test_profiler_options_reach_dqx(spark, ws):
    strict = run_generation(spark, ws, generation_params(profile_options=json.dumps({"max_null_ratio": 0.0})))
    lenient = run_generation(spark, ws, generation_params(profile_options=json.dumps({"max_null_ratio": 0.5})))
    columns = lambda out: {r["check"]["arguments"].get("column") for r in out["result"]["profile_rules"] if "null" in r["check"]["function"]}  # noqa: E731
    # customer has 4 % nulls: a not-null rule only when 4 % is tolerated
    assert "customer" not in columns(strict)
    assert "customer" in columns(lenient)


def test_ai_request_without_endpoint_is_said_plainly(spark, ws):
    output = run_generation(spark, ws, generation_params(ai_assisted="true"))
    ai = output["result"]["ai"]
    assert ai["requested"] is True and ai["used"] is False
    assert "no serving endpoint" in ai["message"]
    assert output["result"]["profile_rules"]


def test_ai_request_without_the_llm_extra_is_said_plainly(spark, ws):
    output = run_generation(spark, ws, generation_params(ai_assisted="true", llm_endpoint="databricks-claude-sonnet-4-5"))
    ai = output["result"]["ai"]
    assert ai["used"] is False and ai["endpoint"] == "databricks-claude-sonnet-4-5"
    assert "databricks-labs-dqx[llm]" in ai["message"]


def test_empty_table_gives_no_rules_and_a_warning(spark, ws):
    output = run_generation(spark, ws, generation_params(table="empty_orders"))
    assert output["ok"], output
    assert output["result"]["sample"]["profiled_rows"] == 0
    assert output["result"]["profile_rules"] == []
    assert output["result"]["warnings"]


def test_unknown_profile_option_is_refused(spark, ws):
    output = run_generation(spark, ws, generation_params(profile_options=json.dumps({"filter": "1=1"})))
    assert output["ok"] is False
    assert output["error"]["type"] == "bad_parameters"


def test_manual_run_with_placeholder_defaults_fails_clearly(spark, ws):
    output = run_generation(spark, ws, generation_params(catalog="", schema="", table="", run_id=""))
    assert output["ok"] is False
    assert output["error"]["type"] == "bad_parameters"
    assert "catalog" in output["error"]["cause"]
    assert output["run_id"] == "unknown"
