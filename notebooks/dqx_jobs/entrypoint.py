"""What the notebooks call: read the parameters, run, and hand the output back to the Jobs API.

Every handled failure becomes an output {ok: false, error: {cause, hint, type}} AND a failed run:
`finish` raises after it has built the output, with the output as JSON after a marker in the
exception message, which `runs/get-output` returns in its `error` field. A successful run returns
its output through `dbutils.notebook.exit`, or, when larger than the contract's inline limit, writes
it to the results volume and returns a pointer with its size and SHA-256.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Callable

from dqx_jobs.contract import OUTPUT_SCHEMA_FILE, constants, schema_errors
from dqx_jobs.errors import JobFailed, JobFailure, first_line
from dqx_jobs.params import parse_generation, parse_monitoring, parse_validation, run_id_of
from dqx_jobs.volumes import VolumeFiles

logger = logging.getLogger(__name__)

_VOLUME_ROOT = re.compile(r"^/Volumes/[^/\x00]+/[^/\x00]+/[^/\x00]+$")


def read_widgets(dbutils: Any, kind: str) -> dict[str, str]:
    """The job parameters of this run (every contract parameter; a missing one reads as empty)."""
    out: dict[str, str] = {}
    for name in constants()["parameter_names"][kind]:
        try:
            out[name] = dbutils.widgets.get(name)
        except Exception:  # noqa: BLE001 - a parameter the run did not define
            out[name] = ""
    return out


def _identity_hint(spark: Any) -> str:
    try:
        user = spark.sql("SELECT current_user() AS u").collect()[0]["u"]
        return f"the job's run-as identity ({user})"
    except Exception:  # noqa: BLE001
        return "the job's run-as identity"


def _failure(kind: str, run_id: str, type_: str, cause: str, hint: str) -> dict[str, Any]:
    return {
        "contract_version": constants()["contract_version"],
        "run_id": run_id,
        "kind": kind,
        "ok": False,
        "error": {"type": type_, "cause": cause, "hint": hint},
    }


def _run(kind: str, raw: dict[str, Any], body: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    run_id = run_id_of(raw)
    try:
        result = body()
    except JobFailure as failure:
        logger.warning("job failed: %s: %s", failure.type, failure.cause)
        return _failure(kind, run_id, failure.type, failure.cause, failure.hint)
    except Exception as exc:  # noqa: BLE001 - reported to the app, then the run fails
        logger.exception("unexpected failure")
        return _failure(
            kind,
            run_id,
            "internal",
            f"The {kind} job failed unexpectedly: {type(exc).__name__}: {first_line(str(exc))}",
            "See the run page in Databricks for the full error and stack trace.",
        )
    return {"contract_version": constants()["contract_version"], "run_id": run_id, "kind": kind, "ok": True, "result": result}


def run_generation(spark: Any, ws: Any, raw: dict[str, Any]) -> dict[str, Any]:
    from dqx_jobs.generation import generate

    def body() -> dict[str, Any]:
        params = parse_generation(raw)
        return generate(params, spark, ws, _identity_hint(spark))

    return _run("generation", raw, body)


def run_validation(spark: Any, ws: Any, raw: dict[str, Any], volumes: VolumeFiles | None = None) -> dict[str, Any]:
    from dqx_jobs.validation import validate

    def body() -> dict[str, Any]:
        params = parse_validation(raw)
        return validate(params, spark, ws, _identity_hint(spark), volumes or VolumeFiles())

    return _run("validation", raw, body)


def run_monitoring(spark: Any, ws: Any, raw: dict[str, Any]) -> dict[str, Any]:
    """A scheduled-checks run: DQX loads the published checks and writes valid, quarantine and metrics tables."""
    from dqx_jobs.monitoring import monitor

    def body() -> dict[str, Any]:
        params = parse_monitoring(raw)
        return monitor(params, spark, ws, _identity_hint(spark))

    return _run("monitoring", raw, body)


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def finish(output: dict[str, Any], dbutils: Any, results_volume: str | None = None, volumes: VolumeFiles | None = None) -> dict[str, Any]:
    """Returns the output to the Jobs API (or raises JobFailed for a failure). Returns what was exited with."""
    kind = output.get("kind", "generation")
    run_id = output.get("run_id", "unknown")
    problems = schema_errors(OUTPUT_SCHEMA_FILE, output)
    if problems:
        logger.error("output does not match the contract: %s", problems[:5])
        output = _failure(
            kind, run_id, "contract_violation",
            "The job produced an output that does not match the job contract: " + "; ".join(problems[:3]),
            "This is a bug in the notebooks; report it with the run id.",
        )

    if not output["ok"]:
        raise JobFailed(constants()["error_marker"] + _dumps(output))

    text = _dumps(output)
    data = text.encode("utf-8")
    if len(data) <= constants()["inline_output_limit_bytes"]:
        dbutils.notebook.exit(text)
        return output

    if not results_volume or not _VOLUME_ROOT.match(results_volume):
        failure = _failure(
            kind, run_id, "output_too_large",
            f"The output ({len(data)} bytes) is larger than the Jobs API can return and no results volume is configured.",
            "Configure DQX_RESULTS_VOLUME for the app (the bundle's results volume), or lower the sample sizes.",
        )
        raise JobFailed(constants()["error_marker"] + _dumps(failure))
    path = f"{results_volume}/runs/{run_id}/{kind}-output.json"
    sha256 = (volumes or VolumeFiles()).write_bytes(path, data)
    pointer = {
        "contract_version": constants()["contract_version"],
        "run_id": run_id,
        "kind": kind,
        "ok": True,
        "output_path": path,
        "output_bytes": len(data),
        "output_sha256": sha256,
    }
    dbutils.notebook.exit(_dumps(pointer))
    return pointer
