"""Rule validation: DQX's apply_checks_by_metadata applied ONCE, then every count in one
aggregation over its result, per rule by the rule's NAME (the original counted by function name
on a misspelt column and so reported every rule as passing)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter
from typing import Any

from dqx_jobs.errors import JobFailure, classify_table_error, first_line
from dqx_jobs.generation import dqx_version
from dqx_jobs.jsonsafe import to_json_value
from dqx_jobs.params import ValidationParams
from dqx_jobs.sql_guard import rule_refusals
from dqx_jobs.volumes import VolumeFiles

logger = logging.getLogger(__name__)

ERRORS = "_errors"
WARNINGS = "_warnings"
ENTRY_FIELDS = ("name", "message", "columns", "filter", "function", "skipped", "user_metadata", "rule_fingerprint")


def load_rules(params: ValidationParams, volumes: VolumeFiles) -> list[dict[str, Any]]:
    if params.rules_path:
        try:
            text = volumes.read_text(params.rules_path)
        except (OSError, ValueError) as exc:
            raise JobFailure(
                "rules_unreadable",
                f"The rule set file {params.rules_path} could not be read: {first_line(str(exc))}",
                "Start the validation again from the app.",
            ) from exc
    else:
        text = params.rules_json or ""
    try:
        rules = json.loads(text)
    except ValueError as exc:
        raise JobFailure("invalid_rules", f"The rule set is not valid JSON: {exc}", "Export the rules again from the app.") from exc
    if not isinstance(rules, list) or not rules or not all(isinstance(r, dict) for r in rules):
        raise JobFailure("invalid_rules", "The rule set must be a non-empty list of DQX checks.", "Add at least one rule.")
    return rules


# Checks that run a query of their own: they could read any table the job's identity can read.
_QUERY_CHECKS = {"sql_query"}


def refuse_table_reading_rules(rules: list[dict[str, Any]], columns: frozenset[str] = frozenset()) -> None:
    """The job runs as its own identity, not the user's. Every SQL fragment of every rule passes the
    rules' SQL sandbox (dqx_jobs/sql_guard.py: the app's allow-list, read from the contract) before
    DQX runs anything. The app checks the user's access to the table and to tables named in rule
    arguments (foreign_key, compare_datasets) before starting the job; a rule that reads other
    tables through SQL (sql_query, or a subquery the sandbox finds) runs on the fast path, as the
    user, instead."""
    problems = []
    refused = []
    for index, rule in enumerate(rules):
        check = rule.get("check") or {}
        function = str(check.get("function", ""))
        label = rule.get("name") or f"rule {index + 1} ({function})"
        for r in rule_refusals(rule, columns):
            if r.rule == "subquery":
                problems.append(f"{label} contains a subquery ({r.field})")
            else:
                refused.append(f'{label}, {r.field}: {r.message} Offending construct: "{r.construct}"')
        if function in _QUERY_CHECKS:
            problems.append(f"{label} runs its own SQL query")
    if refused:
        raise JobFailure(
            "sql_not_allowed",
            f"{len(refused)} rule SQL fragment(s) refused by the SQL sandbox: " + "; ".join(refused[:10]),
            "Fix the rules in the editor (it applies the same allow-list) and validate again.",
        )
    if problems:
        raise JobFailure(
            "table_reading_rule",
            "The job cannot run rules that read other tables through SQL: " + "; ".join(problems[:10]),
            "Validate these rules on the warehouse (the default fast path), where they run with your own permissions.",
        )


def _check_rules(rules: list[dict[str, Any]]) -> list[Any]:
    """DQX's own validation, then its deserialisation (which resolves names and for_each_column)."""
    from databricks.labs.dqx.checks_serializer import deserialize_checks
    from databricks.labs.dqx.engine import DQEngine

    status = DQEngine.validate_checks(rules)
    if status.has_errors:
        problems = [str(e) for e in status.errors]
        raise JobFailure(
            "invalid_rules",
            f"{len(problems)} problem(s) in the rule set: " + "; ".join(problems[:10]),
            "Fix the rules in the editor (it runs the same checks) and validate again.",
        )
    return deserialize_checks(rules)


def _columns_of(rule: Any) -> list[str] | None:
    if rule.column is not None:
        return [str(rule.column)]
    if rule.columns:
        return [str(c) for c in rule.columns]
    return None


def _entry_matches(name: str, skipped: bool) -> Any:
    """x -> x.name = <name> AND [NOT] coalesce(x.skipped, false), with the name as a bound literal."""
    from pyspark.sql import functions as F

    def predicate(x: Any) -> Any:
        was_skipped = F.coalesce(x["skipped"], F.lit(False))
        return (x["name"] == F.lit(name)) & (was_skipped if skipped else ~was_skipped)

    return predicate


def _filter_resolves(df: Any, filter_text: str) -> bool:
    from pyspark.sql import functions as F

    try:
        df.select(F.expr(filter_text)).schema  # analysis only, no data is read
        return True
    except Exception:  # noqa: BLE001 - DQX skips such a rule; so do the counts
        return False


def _entries(value: Any) -> list[dict[str, Any]]:
    out = []
    for entry in value or []:
        item = {field: entry.get(field) for field in ENTRY_FIELDS}
        item["columns"] = list(item["columns"]) if item["columns"] is not None else None
        if item["user_metadata"] is not None:
            item["user_metadata"] = {str(k): (None if v is None else str(v)) for k, v in dict(item["user_metadata"]).items()}
        out.append(item)
    return out


def validate(params: ValidationParams, spark: Any, ws: Any, identity_hint: str, volumes: VolumeFiles) -> dict[str, Any]:
    """Returns the `result` object of a validation output (see job-output.schema.json)."""
    from databricks.labs.dqx.engine import DQEngine
    from pyspark.sql import functions as F

    rules = load_rules(params, volumes)
    refuse_table_reading_rules(rules)
    dq_rules = _check_rules(rules)

    try:
        df = spark.read.table(params.table.quoted())
        df.schema  # noqa: B018 - forces analysis so a missing table fails here
    except Exception as exc:  # noqa: BLE001
        raise classify_table_error(exc, params.table.display(), identity_hint) from exc
    if params.row_limit:
        df = df.limit(params.row_limit)
    data_columns = [{"name": f.name, "type": f.dataType.simpleString()} for f in df.schema.fields]

    engine = DQEngine(workspace_client=ws, spark=spark)
    try:
        checked = engine.apply_checks_by_metadata(df, rules)
    except Exception as exc:  # noqa: BLE001
        raise JobFailure(
            "validation_failed",
            f"DQX could not apply the rules: {first_line(str(exc))}",
            "Check the rules against the table's columns in the editor.",
        ) from exc
    if isinstance(checked, tuple):  # (df, observation) when an observer is configured
        checked = checked[0]

    warnings: list[str] = []
    keys: list[tuple[str, str]] = []
    meta: dict[tuple[str, str], Any] = {}
    seen = Counter((r.name, r.criticality) for r in dq_rules)
    for rule in dq_rules:
        key = (rule.name, rule.criticality)
        if key in meta:
            continue
        keys.append(key)
        meta[key] = rule
        if seen[key] > 1:
            warnings.append(
                f"{seen[key]} {rule.criticality} rules share the name '{rule.name}'; DQX reports them under one name, so their counts are combined. Give each rule a unique name."
            )

    has_errors = F.col(ERRORS).isNotNull()
    has_warnings = F.col(WARNINGS).isNotNull()
    aggregates = [
        F.count(F.lit(1)).alias("total_rows"),
        F.count_if(~has_errors).alias("valid_rows"),
        F.count_if(has_errors | has_warnings).alias("invalid_rows"),
        F.count_if(has_errors).alias("error_rows"),
        F.count_if(has_warnings).alias("warning_rows"),
    ]
    evaluated_known: dict[int, bool] = {}
    for index, key in enumerate(keys):
        name, criticality = key
        rule = meta[key]
        column = F.col(ERRORS if criticality == "error" else WARNINGS)
        aggregates.append(F.count_if(F.exists(column, _entry_matches(name, skipped=False))).alias(f"failed_{index}"))
        aggregates.append(F.count_if(F.exists(column, _entry_matches(name, skipped=True))).alias(f"skipped_{index}"))
        if rule.filter:
            if _filter_resolves(df, rule.filter):
                aggregates.append(F.count_if(F.coalesce(F.expr(rule.filter), F.lit(False))).alias(f"evaluated_{index}"))
                evaluated_known[index] = True
            else:
                evaluated_known[index] = False

    totals = checked.agg(*aggregates).collect()[0].asDict()  # the one scan over the checked data
    total_rows = int(totals["total_rows"])

    rule_results = []
    for index, key in enumerate(keys):
        name, criticality = key
        rule = meta[key]
        skipped_rows = int(totals[f"skipped_{index}"])
        failed_rows = int(totals[f"failed_{index}"])
        skipped = skipped_rows > 0
        if not rule.filter:
            rows_evaluated: int | None = total_rows
        elif evaluated_known.get(index):
            rows_evaluated = int(totals[f"evaluated_{index}"])
        else:
            rows_evaluated = None
        if skipped:
            status = "skipped"
            rows_evaluated = 0 if rows_evaluated is None else rows_evaluated
        elif failed_rows > 0:
            status = "fail" if criticality == "error" else "warn"
        else:
            status = "pass"
        rule_results.append(
            {
                "name": name,
                "function": rule.check_func.__name__,
                "criticality": criticality,
                "columns": _columns_of(rule),
                "filter": rule.filter,
                "rows_evaluated": rows_evaluated,
                "failed_rows": failed_rows,
                "skipped": skipped,
                "status": status,
            }
        )
        if skipped:
            warnings.append(f"Rule '{name}' was skipped by DQX (a column, filter or expression does not resolve).")

    failing_rows = _sample_failing_rows(checked, [c["name"] for c in data_columns], params.failing_rows_sample)

    valid_rows = int(totals["valid_rows"])
    return {
        "table": params.table.as_dict(),
        "validated_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "dqx_version": dqx_version(),
        "row_limit": params.row_limit,
        "total_rows": total_rows,
        "valid_rows": valid_rows,
        "invalid_rows": int(totals["invalid_rows"]),
        "error_rows": int(totals["error_rows"]),
        "warning_rows": int(totals["warning_rows"]),
        "pass_rate": round(valid_rows * 100.0 / total_rows, 2) if total_rows else 100.0,
        "rules": rule_results,
        "failing_rows": {"limit": params.failing_rows_sample, "columns": data_columns, "rows": failing_rows},
        "warnings": warnings,
    }


def _sample_failing_rows(checked: Any, data_columns: list[str], limit: int) -> list[dict[str, Any]]:
    from pyspark.sql import functions as F

    if limit == 0:
        return []
    failing = checked.where(F.col(ERRORS).isNotNull() | F.col(WARNINGS).isNotNull()).limit(limit)
    values = F.to_json(F.struct(*[F.col("`" + c.replace("`", "``") + "`") for c in data_columns])) if data_columns else F.lit("{}")
    try:
        rows = failing.select(values.alias("v"), F.col(ERRORS).alias("e"), F.col(WARNINGS).alias("w")).collect()
    except Exception:  # noqa: BLE001 - a type to_json cannot write: fall back to text per column
        as_text = F.to_json(F.struct(*[F.col("`" + c.replace("`", "``") + "`").cast("string").alias(c) for c in data_columns]))
        rows = failing.select(as_text.alias("v"), F.col(ERRORS).alias("e"), F.col(WARNINGS).alias("w")).collect()
    out = []
    for row in rows:
        parsed = json.loads(row["v"]) if row["v"] else {}
        # to_json drops null fields; put them back so every row has every column
        record = {c: to_json_value(parsed.get(c)) for c in data_columns}
        out.append({"values": record, "errors": _entries(_as_dicts(row["e"])), "warnings": _entries(_as_dicts(row["w"]))})
    return out


def _as_dicts(value: Any) -> list[dict[str, Any]]:
    return [v.asDict(recursive=True) if hasattr(v, "asDict") else dict(v) for v in (value or [])]
