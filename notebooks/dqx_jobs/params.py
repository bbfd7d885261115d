"""Job parameters: read as strings, validated against the exported JSON Schema, then typed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dqx_jobs.contract import PROFILE_OPTIONS_SCHEMA_FILE, constants, parameter_schema_file, schema_errors
from dqx_jobs.errors import JobFailure


@dataclass(frozen=True)
class TableName:
    catalog: str
    schema: str
    table: str

    def quoted(self) -> str:
        """catalog.schema.table with every part back-quoted (embedded back-quotes doubled)."""
        return ".".join("`" + part.replace("`", "``") + "`" for part in (self.catalog, self.schema, self.table))

    def display(self) -> str:
        return f"{self.catalog}.{self.schema}.{self.table}"

    def as_dict(self) -> dict[str, str]:
        return {"catalog": self.catalog, "schema": self.schema, "table": self.table}


@dataclass(frozen=True)
class GenerationParams:
    run_id: str
    table: TableName
    results_volume: str | None
    user_prompt: str
    sample_limit: int | None
    sample_fraction: float
    sample_seed: int | None
    criticality: str
    profile_options: dict[str, Any]
    ai_assisted: bool
    llm_endpoint: str | None


@dataclass(frozen=True)
class ValidationParams:
    run_id: str
    table: TableName
    results_volume: str | None
    rules_json: str | None
    rules_path: str | None
    row_limit: int | None
    failing_rows_sample: int


def run_id_of(raw: dict[str, Any]) -> str:
    """The run id for the output envelope, even when the parameters are otherwise invalid."""
    value = raw.get("run_id")
    if isinstance(value, str) and value and len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value):
        return value
    return "unknown"


def _validate(kind: str, raw: dict[str, Any]) -> None:
    version = raw.get("contract_version")
    expected = str(constants()["contract_version"])
    if version != expected:
        raise JobFailure(
            "contract_mismatch",
            f"The app sent job contract version {version!r}; these notebooks implement version {expected}.",
            "Deploy the app and the notebooks from the same release (databricks bundle deploy).",
        )
    problems = schema_errors(parameter_schema_file(kind), raw)
    for name in ("catalog", "schema", "table"):
        if not raw.get(name):
            problems.insert(0, f"{name}: is empty")
    if problems:
        raise JobFailure(
            "bad_parameters",
            "The job parameters are invalid: " + "; ".join(problems[:10]),
            "Start the job from the app; a run started by hand needs every parameter of the job contract.",
        )
    for name in ("results_volume", "rules_path"):
        value = raw.get(name) or ""
        if any(segment in (".", "..") for segment in value.split("/")):
            raise JobFailure("bad_parameters", f"{name} must not contain . or .. segments.", "")


def _table(raw: dict[str, Any]) -> TableName:
    return TableName(raw["catalog"], raw["schema"], raw["table"])


def parse_generation(raw: dict[str, Any]) -> GenerationParams:
    _validate("generation", raw)
    try:
        options = json.loads(raw["profile_options"])
    except ValueError as exc:  # the schema only checks it is a string
        raise JobFailure("bad_parameters", f"profile_options is not JSON: {exc}", "") from exc
    problems = schema_errors(PROFILE_OPTIONS_SCHEMA_FILE, options)
    if problems:
        raise JobFailure("bad_parameters", "profile_options are invalid: " + "; ".join(problems), "")
    return GenerationParams(
        run_id=raw["run_id"],
        table=_table(raw),
        results_volume=raw["results_volume"] or None,
        user_prompt=raw["user_prompt"],
        sample_limit=int(raw["sample_limit"]) if raw["sample_limit"] else None,
        sample_fraction=float(raw["sample_fraction"]),
        sample_seed=int(raw["sample_seed"]) if raw["sample_seed"] else None,
        criticality=raw["criticality"],
        profile_options=options,
        ai_assisted=raw["ai_assisted"] == "true",
        llm_endpoint=raw["llm_endpoint"] or None,
    )


def parse_validation(raw: dict[str, Any]) -> ValidationParams:
    _validate("validation", raw)
    if bool(raw["rules"]) == bool(raw["rules_path"]):
        raise JobFailure(
            "bad_parameters",
            "Exactly one of rules and rules_path must be set.",
            "Start the job from the app, which sends the rule set inline or as a volume file.",
        )
    return ValidationParams(
        run_id=raw["run_id"],
        table=_table(raw),
        results_volume=raw["results_volume"] or None,
        rules_json=raw["rules"] or None,
        rules_path=raw["rules_path"] or None,
        row_limit=int(raw["row_limit"]) if raw["row_limit"] else None,
        failing_rows_sample=int(raw["failing_rows_sample"]),
    )


@dataclass(frozen=True)
class MonitoringParams:
    run_id: str
    table: TableName
    results_volume: str | None
    checks_source: str
    checks_location: str
    run_config_name: str
    rule_set_fingerprint: str | None
    valid_table: TableName | None
    quarantine_table: TableName | None
    metrics_table: TableName
    failing_rows_sample: int


def table_name_of(value: str, name: str) -> TableName:
    """`catalog.schema.table` (the contract's form) -> TableName; refuses anything else.

    The schema already refused periods, slashes, back-quotes, white space and control characters
    inside a part; this re-checks it (the notebook never trusts a parameter twice removed) so a
    table name can only ever be three back-quoted identifiers, never SQL or a path."""
    parts = value.split(".")
    if len(parts) != 3 or any(
        not part or len(part) > 255 or any(c in "./`" or c.isspace() or ord(c) < 32 or ord(c) == 127 for c in part) for part in parts
    ):
        raise JobFailure("bad_parameters", f"{name} must be catalog.schema.table; got {value[:100]!r}.", "Set the monitoring outputs again in the app.")
    return TableName(parts[0], parts[1], parts[2])


def parse_monitoring(raw: dict[str, Any]) -> MonitoringParams:
    _validate("monitoring", raw)
    for name in ("checks_location",):
        value = raw.get(name) or ""
        if any(segment in (".", "..") for segment in value.split("/")):
            raise JobFailure("bad_parameters", f"{name} must not contain . or .. segments.", "")
    source = raw["checks_source"]
    location = raw["checks_location"]
    expected_prefix = {"volume_file": "/Volumes/", "workspace_file": "/Workspace/"}.get(source)
    if source == "table":
        table_name_of(location, "checks_location")
        if not raw["run_config_name"]:
            raise JobFailure("bad_parameters", "run_config_name: is empty (the checks table needs it).", "Start the job from the app.")
    elif expected_prefix and not location.startswith(expected_prefix):
        raise JobFailure("bad_parameters", f"checks_location must start with {expected_prefix} for checks_source {source}.", "")

    def optional_table(name: str) -> TableName | None:
        return table_name_of(raw[name], name) if raw[name] else None

    return MonitoringParams(
        run_id=raw["run_id"],
        table=_table(raw),
        results_volume=raw["results_volume"] or None,
        checks_source=source,
        checks_location=location,
        run_config_name=raw["run_config_name"],
        rule_set_fingerprint=raw["rule_set_fingerprint"] or None,
        valid_table=optional_table("valid_table"),
        quarantine_table=optional_table("quarantine_table"),
        metrics_table=table_name_of(raw["metrics_table"], "metrics_table"),
        failing_rows_sample=int(raw["failing_rows_sample"]),
    )
