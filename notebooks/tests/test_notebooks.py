"""The notebook sources themselves, run end to end on local Spark with a stand-in for dbutils.

These runs also produce the recorded outputs in tests/fixtures/jobs/*.json that the app's fake
Jobs API server serves (lib/jobs/databricks/*.test.ts), so both sides of the job contract are
checked against the same bytes. Set DQX_RECORD_FIXTURES=1 to rewrite them; otherwise the test
fails when the committed recordings no longer match what the notebooks produce.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from unittest.mock import MagicMock

import pytest
from conftest import NOTEBOOKS, FakeDbutils, generation_params, validation_params

from dqx_jobs.contract import OUTPUT_SCHEMA_FILE, constants, schema_errors
from dqx_jobs.errors import JobFailed
from dqx_jobs.volumes import VolumeFiles

FIXTURES = NOTEBOOKS.parent / "tests" / "fixtures" / "jobs"
RECORD = os.environ.get("DQX_RECORD_FIXTURES") == "1"

# Encoded as the app encodes them (compact JSON, keys in this order), so the app-side tests can
# send the very same job parameters and get these recordings back from the fake Jobs API.
RULES = [
    {"name": "customer_present", "criticality": "error", "check": {"function": "is_not_null", "arguments": {"column": "customer"}}},
    {"name": "known_status", "criticality": "warn", "check": {"function": "is_in_list", "arguments": {"column": "status", "allowed": ["'new'", "'shipped'"]}}},
    {"name": "new_qty_in_range", "criticality": "error", "filter": "status = 'new'",
     "check": {"function": "is_in_range", "arguments": {"column": "quantity", "min_limit": 1, "max_limit": 10}}},
]


def run_notebook(name: str, spark, widgets: dict[str, str], monkeypatch, volumes_root: Path | None = None) -> dict:
    """Executes notebooks/<name>.py as Databricks would, with `spark` and `dbutils` in scope."""
    import databricks.sdk

    real = databricks.sdk.WorkspaceClient

    class StandInWorkspaceClient:  # a class, so type hints such as `WorkspaceClient | None` still work
        def __new__(cls, *args, **kwargs):
            return MagicMock(spec=real)

    monkeypatch.setattr(databricks.sdk, "WorkspaceClient", StandInWorkspaceClient)
    if volumes_root is not None:
        monkeypatch.setattr("dqx_jobs.volumes.VolumeFiles.__init__", lambda self, root="": setattr(self, "root", volumes_root))
    source = (NOTEBOOKS / f"{name}.py").read_text(encoding="utf-8")
    assert source.startswith("# Databricks notebook source\n")
    dbutils = FakeDbutils(widgets)
    try:
        exec(compile(source, f"{name}.py", "exec"), {"spark": spark, "dbutils": dbutils, "__name__": "__main__"})
    except JobFailed as failed:
        return {"raised": {"class": type(failed).__name__, "message": str(failed)}}
    assert dbutils.notebook.exited is not None, "the notebook neither exited nor raised"
    return {"exit": dbutils.notebook.exited}


def _normalise(value):
    """Drops what changes from run to run (timestamps) so recordings can be compared."""
    if isinstance(value, dict):
        return {k: ("<time>" if k in ("generated_at", "validated_at") else _normalise(v)) for k, v in value.items() if k != "output_sha256"}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def _envelope(notebook: dict) -> dict:
    if "exit" in notebook:
        return json.loads(notebook["exit"])
    message = notebook["raised"]["message"]
    return json.loads(message.split(constants()["error_marker"], 1)[1])


def record_or_compare(name: str, description: str, kind: str, parameters: dict, notebook: dict, volume_files: dict | None = None):
    recording = {
        "description": description,
        "kind": kind,
        "job_parameters": parameters,
        "notebook": notebook,
        "volume_files": volume_files or {},
    }
    path = FIXTURES / f"{name}.json"
    if RECORD:
        FIXTURES.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(recording, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing: run DQX_RECORD_FIXTURES=1 npm run test:notebooks"
    committed = json.loads(path.read_text(encoding="utf-8"))
    fresh_files = {p: _normalise(json.loads(t)) for p, t in (volume_files or {}).items()}
    committed_files = {p: _normalise(json.loads(t)) for p, t in committed["volume_files"].items()}
    assert committed["job_parameters"] == parameters
    assert _normalise(_envelope(committed["notebook"])) == _normalise(_envelope(notebook)), (
        f"{path.name} no longer matches the notebook output: re-record with DQX_RECORD_FIXTURES=1"
    )
    assert committed_files == fresh_files


def test_generate_rules_notebook_exits_with_the_output(spark, monkeypatch):
    params = generation_params(run_id="fixture-generation", sample_limit="150", user_prompt="order ids are unique")
    notebook = run_notebook("generate_rules", spark, params, monkeypatch)
    output = json.loads(notebook["exit"])
    assert output["ok"] and schema_errors(OUTPUT_SCHEMA_FILE, output) == []
    assert output["result"]["sample"]["profiled_rows"] == 150
    record_or_compare("generation-success", "generate_rules on 200 orders, sample_limit 150", "generation", params, notebook)


def test_validate_rules_notebook_exits_with_the_output(spark, monkeypatch):
    params = validation_params(json.dumps(RULES, separators=(",", ":")), run_id="fixture-validation", failing_rows_sample="3")
    notebook = run_notebook("validate_rules", spark, params, monkeypatch)
    output = json.loads(notebook["exit"])
    assert output["ok"] and schema_errors(OUTPUT_SCHEMA_FILE, output) == []
    record_or_compare("validation-success", "validate_rules with three rules on 200 orders", "validation", params, notebook)


def test_validate_rules_notebook_fails_the_run_on_invalid_rules(spark, monkeypatch):
    bad = [{"criticality": "error", "check": {"function": "is_not_nul", "arguments": {"column": "customer"}}}]
    params = validation_params(json.dumps(bad, separators=(",", ":")), run_id="fixture-invalid-rules")
    notebook = run_notebook("validate_rules", spark, params, monkeypatch)
    assert "raised" in notebook, "a failure must end the run FAILED, not SUCCESS"
    envelope = _envelope(notebook)
    assert envelope["ok"] is False and envelope["error"]["type"] == "invalid_rules"
    assert schema_errors(OUTPUT_SCHEMA_FILE, envelope) == []
    record_or_compare("validation-invalid-rules", "validate_rules with a misspelt check function", "validation", params, notebook)


def test_generate_rules_notebook_fails_the_run_on_a_missing_table(spark, monkeypatch):
    params = generation_params(run_id="fixture-missing-table", table="no_such_table")
    notebook = run_notebook("generate_rules", spark, params, monkeypatch)
    envelope = _envelope(notebook)
    assert envelope["error"]["type"] == "table_not_found"
    record_or_compare("generation-table-not-found", "generate_rules on a table that does not exist", "generation", params, notebook)


def test_validate_rules_notebook_returns_a_pointer_for_a_large_output(spark, monkeypatch, tmp_path):
    monkeypatch.setitem(constants(), "inline_output_limit_bytes", 2_000)  # make the real output "large"
    params = validation_params(
        json.dumps(RULES, separators=(",", ":")), run_id="fixture-large-output", failing_rows_sample="20", results_volume="/Volumes/main/dqx/job_results"
    )
    notebook = run_notebook("validate_rules", spark, params, monkeypatch, volumes_root=tmp_path)
    pointer = json.loads(notebook["exit"])
    assert schema_errors(OUTPUT_SCHEMA_FILE, pointer) == []
    assert pointer["output_path"] == "/Volumes/main/dqx/job_results/runs/fixture-large-output/validation-output.json"
    text = VolumeFiles(str(tmp_path)).local_path(pointer["output_path"]).read_text(encoding="utf-8")
    full = json.loads(text)
    assert full["ok"] and len(full["result"]["failing_rows"]["rows"]) == min(20, full["result"]["invalid_rows"]) > 3
    record_or_compare(
        "validation-large-output",
        "validate_rules whose output exceeds the inline limit (lowered to 2000 bytes for the recording)",
        "validation", params, notebook, {pointer["output_path"]: text},
    )
