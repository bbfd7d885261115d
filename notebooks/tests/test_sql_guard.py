"""The notebooks' SQL sandbox: the app's allow-list (contract/sql-guard.json), applied with sqlglot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import validation_params

from dqx_jobs import run_validation
from dqx_jobs.generation import refuse_unsafe_profile_filter
from dqx_jobs.errors import JobFailure
from dqx_jobs.sql_guard import check_expression, check_query, guard_contract, query_tables, rule_refusals

ROOT = Path(__file__).resolve().parents[2]
INPUT = "__dqx_q_input"


def test_reads_the_allow_list_the_app_applies():
    app = json.loads((ROOT / "lib" / "dqx" / "sql-guard" / "allow-list.json").read_text(encoding="utf-8"))
    contract = guard_contract()
    for key in ("scalar_functions", "higher_order_functions", "aggregate_functions", "window_functions"):
        assert contract[key] == app[key]
    assert contract["check_arguments"]["sql_query"]["sql"] == ["query", "row_filter"]


@pytest.mark.parametrize(
    "text",
    [
        "status <> 'VOID'",
        "concat('amount ', cast(amount as string), ' out of range')",
        "amount-discount > 0",
        "a <=> b AND NOT (c == 1 OR d != 2)",
        "CASE WHEN a IS NULL THEN 'none' ELSE 'x' END = 'x'",
        "regexp_like(email, '^[a-z]+@') AND email RLIKE '^x'",
        "date_add(order_date, 1) < current_date() AND left(code, 2) = 'AB' AND if(a > 1, 1, 2) = 1",
        "exists(items, x -> x.qty > 0) AND size(filter(tags, t -> t IS NULL)) = 0",
        "nvl(a, 0) > 0 AND get_json_object(j, '$.a') IS NOT NULL",
    ],
)
def test_accepts_what_rules_need(text):
    assert check_expression(text) is None


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("FROM read_csv('/etc/passwd')", "subquery"),
        ("1 FROM read_csv('/etc/passwd')", "subquery"),
        ("main.read_csv('/etc/passwd') IS NULL", "qualified_function"),
        ("main.query('SELECT 1') IS NULL", "qualified_function"),
        ("secret('scope', 'key') = 'x'", "function_not_allowed"),
        ("http_request(conn => 'c', method => 'GET', path => '/') IS NULL", "function_not_allowed"),
        ("ai_query('endpoint', 'prompt') = 'x'", "function_not_allowed"),
        ("read_files('/Volumes/x') IS NULL", "function_not_allowed"),
        ("reflect('java.lang.Runtime', 'getRuntime') IS NULL", "function_not_allowed"),
        ("`read_csv`('/etc/passwd') IS NULL", "function_not_allowed"),
        ("a IN (SELECT id FROM main.other.t)", "subquery"),
        ("amount < (SELECT max(pay) FROM hr.salaries)", "subquery"),
        ("count(*) > 1", "aggregate_not_allowed"),
        ("upper(x -> x) = 'X'", "lambda"),
    ],
)
def test_refuses_each_bypass(text, rule):
    refused = check_expression(text)
    assert refused is not None and refused[0] == rule, refused


def test_refuses_a_lambda_parameter_that_hides_a_column():
    assert check_expression("exists(items, amount -> amount > 0)", frozenset({"amount"}))[0] == "lambda_shadows_column"
    assert check_expression("exists(items, x -> x > 0)", frozenset({"amount"})) is None


@pytest.mark.parametrize(
    ("query", "rule"),
    [
        ("SELECT * FROM read_files('/Volumes/x')", "table_function"),
        (f"FROM {INPUT} SELECT TRUE AS condition", "from_first_query"),
        (f"SELECT * FROM {INPUT} PIVOT (count(*) FOR id IN (1, 2))", "pivot"),
        (f"SELECT secret('s', 'k') AS condition FROM {INPUT}", "function_not_allowed"),
        (f"SELECT main.query('SELECT 1') AS condition FROM {INPUT}", "qualified_function"),
        (f"SELECT * FROM {INPUT}; DROP TABLE t", "statement"),
        ("DELETE FROM t", "statement"),
    ],
)
def test_refuses_queries_outside_the_sandbox(query, rule):
    refused = check_query(query)
    assert refused is not None and refused[0] == rule, refused


def test_reads_the_tables_of_a_query_from_its_parse_tree():
    query = f"WITH k AS (SELECT id FROM main.ref.allowed) SELECT i.a, count(*) = 0 AS condition FROM {INPUT} i LEFT JOIN k ON i.a = k.id, `c`.`s`.`t` x WHERE i.a IN (SELECT id FROM other.t2) GROUP BY i.a"
    assert check_query(query) is None
    assert sorted(query_tables(query)) == ["c.s.t", "main.ref.allowed", "other.t2"]


def test_checks_every_fragment_of_a_rule_with_its_field():
    rule = {
        "name": "r",
        "filter": "secret('a', 'b') = 'x'",
        "check": {"function": "is_in_range", "arguments": {"column": "upper(read_files('/x'))", "min_limit": 1, "max_limit": "ai_query('m', 'p')"}},
    }
    assert sorted((r.field, r.rule) for r in rule_refusals(rule)) == [
        ("check.arguments.column", "function_not_allowed"),
        ("check.arguments.max_limit", "function_not_allowed"),
        ("filter", "function_not_allowed"),
    ]
    # names, dotted paths, '*' and literal limits are not expressions
    plain = {"check": {"function": "is_in_range", "arguments": {"column": "a.b", "min_limit": "2024-01-01", "max_limit": "10"}}}
    assert rule_refusals(plain) == []


def test_accepts_every_fragment_of_the_conformance_vectors():
    refused = []
    for path in sorted((ROOT / "tests" / "conformance" / "vectors").glob("*.json")):
        vector = json.loads(path.read_text(encoding="utf-8"))
        for rule in vector["checks"]:
            if not isinstance(rule, dict):
                continue
            for r in rule_refusals(rule):
                refused.append(f"{path.name} {r.field}: {r.message} ({r.construct})")
    assert refused == []


def test_the_profile_filter_passes_the_sandbox():
    refuse_unsafe_profile_filter({"filter": "status <> 'x'"}, frozenset({"status"}))
    with pytest.raises(JobFailure) as failure:
        refuse_unsafe_profile_filter({"filter": "status = secret('a', 'b')"}, frozenset({"status"}))
    assert failure.value.type == "sql_not_allowed"


def test_the_validation_job_refuses_rules_the_sandbox_refuses_before_dqx_runs(spark, ws):
    rule = {"name": "leak", "criticality": "error", "filter": "secret('scope', 'key') = 'x'", "check": {"function": "is_not_null", "arguments": {"column": "amount"}}}
    output = run_validation(spark, ws, validation_params(json.dumps([rule])))
    assert output["ok"] is False
    assert output["error"]["type"] == "sql_not_allowed"
    assert "leak, filter" in output["error"]["cause"] and "secret()" in output["error"]["cause"]
