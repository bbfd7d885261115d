"""How outputs reach the Jobs API: inline exit, volume pointer, or a failed run carrying the error."""

from __future__ import annotations

import hashlib
import json

import pytest

from dqx_jobs.contract import OUTPUT_SCHEMA_FILE, constants, schema_errors
from dqx_jobs.entrypoint import finish
from dqx_jobs.errors import JobFailed
from dqx_jobs.volumes import VolumeFiles


def _generation_output(padding: int = 0) -> dict:
    return {
        "contract_version": 1,
        "run_id": "gen-1",
        "kind": "generation",
        "ok": True,
        "result": {
            "table": {"catalog": "c", "schema": "s", "table": "t"},
            "generated_at": "2026-01-01T00:00:00+00:00",
            "dqx_version": "0.17.0",
            "sample": {"limit": None, "fraction": 1.0, "seed": None, "profiled_rows": 1},
            "columns": [{"name": "a", "type": "string"}],
            "summary_stats": {"a": {"note": "x" * padding}},
            "profiles": [],
            "profile_rules": [],
            "ai": {"requested": False, "used": False, "endpoint": None, "rules": [], "message": None},
            "warnings": [],
        },
    }


def test_small_output_is_returned_inline(dbutils_factory):
    dbutils = dbutils_factory()
    finish(_generation_output(), dbutils)
    assert json.loads(dbutils.notebook.exited) == _generation_output()


def test_large_output_goes_to_the_volume_as_a_checked_pointer(dbutils_factory, tmp_path):
    dbutils = dbutils_factory()
    volumes = VolumeFiles(str(tmp_path))
    big = _generation_output(padding=constants()["inline_output_limit_bytes"] + 10)
    finish(big, dbutils, results_volume="/Volumes/main/dqx/results", volumes=volumes)
    pointer = json.loads(dbutils.notebook.exited)
    assert schema_errors(OUTPUT_SCHEMA_FILE, pointer) == []
    assert pointer["output_path"] == "/Volumes/main/dqx/results/runs/gen-1/generation-output.json"
    data = volumes.local_path(pointer["output_path"]).read_bytes()
    assert len(data) == pointer["output_bytes"] > constants()["inline_output_limit_bytes"]
    assert hashlib.sha256(data).hexdigest() == pointer["output_sha256"]
    assert json.loads(data) == big


def test_large_output_without_a_volume_fails_the_run(dbutils_factory):
    dbutils = dbutils_factory()
    with pytest.raises(JobFailed) as raised:
        finish(_generation_output(padding=constants()["inline_output_limit_bytes"] + 10), dbutils)
    assert dbutils.notebook.exited is None
    envelope = json.loads(str(raised.value).split(constants()["error_marker"], 1)[1])
    assert envelope["error"]["type"] == "output_too_large"


def test_failure_raises_with_the_envelope_after_the_marker(dbutils_factory):
    dbutils = dbutils_factory()
    failure = {"contract_version": 1, "run_id": "r", "kind": "validation", "ok": False,
               "error": {"type": "invalid_rules", "cause": "bad", "hint": "fix"}}
    with pytest.raises(JobFailed) as raised:
        finish(failure, dbutils)
    message = str(raised.value)
    assert message.startswith(constants()["error_marker"])
    assert "\n" not in message
    assert json.loads(message[len(constants()["error_marker"]):]) == failure
    assert dbutils.notebook.exited is None


def test_output_breaking_the_contract_becomes_a_failure(dbutils_factory):
    dbutils = dbutils_factory()
    broken = _generation_output()
    del broken["result"]["warnings"]
    with pytest.raises(JobFailed) as raised:
        finish(broken, dbutils)
    assert '"contract_violation"' in str(raised.value)
