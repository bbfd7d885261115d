"""Rule generation: DQX's profiler on the caller-chosen sample, DQX's generator, optionally DQX's
AI-assisted generator."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from dqx_jobs.errors import JobFailure, classify_table_error, first_line
from dqx_jobs.jsonsafe import to_json_value
from dqx_jobs.params import GenerationParams
from dqx_jobs.sql_guard import check_expression

logger = logging.getLogger(__name__)


def dqx_version() -> str:
    from databricks.labs.dqx.__version__ import __version__

    return __version__


def _profile_dict(profile: Any) -> dict[str, Any]:
    return {
        "name": str(profile.name),
        "column": str(profile.column),
        "description": profile.description if profile.description is None else str(profile.description),
        "parameters": to_json_value(profile.parameters or {}),
        "filter": profile.filter if profile.filter is None else str(profile.filter),
    }


def _profiled_rows(summary_stats: dict[str, Any]) -> int:
    for stats in summary_stats.values():
        if isinstance(stats, dict) and isinstance(stats.get("count"), (int, float)):
            return int(stats["count"])
    return 0


def _ai_rules(params: GenerationParams, ws: Any, spark: Any, summary_stats: dict[str, Any]) -> dict[str, Any]:
    ai: dict[str, Any] = {"requested": params.ai_assisted, "used": False, "endpoint": params.llm_endpoint, "rules": [], "message": None}
    if not params.ai_assisted:
        return ai
    if not params.llm_endpoint:
        ai["message"] = "AI-assisted generation was requested but no serving endpoint is configured; only profile-based rules were generated."
        return ai
    from databricks.labs.dqx.config import LLMModelConfig, InputConfig, UC_TABLE_PATTERN
    from databricks.labs.dqx.profiler.generator import DQGenerator

    generator = DQGenerator(
        workspace_client=ws, spark=spark, llm_model_config=LLMModelConfig(model_name=f"databricks/{params.llm_endpoint}")
    )
    if generator.llm_engine is None:
        ai["message"] = "AI-assisted generation needs the databricks-labs-dqx[llm] extra in the job environment; only profile-based rules were generated."
        return ai
    location = params.table.display()
    input_config = InputConfig(location=location) if UC_TABLE_PATTERN.match(location) else None
    try:
        rules = generator.generate_dq_rules_ai_assisted(
            user_input=params.user_prompt, summary_stats=summary_stats, input_config=input_config
        )
    except Exception as exc:  # noqa: BLE001 - the profile-based rules are still a useful result
        logger.exception("AI-assisted generation failed")
        ai["message"] = f"AI-assisted generation failed: {first_line(str(exc))}"
        return ai
    ai["used"] = True
    ai["rules"] = to_json_value(rules)
    return ai


def refuse_unsafe_profile_filter(profile_options: dict[str, Any], columns: frozenset[str]) -> None:
    """The profile filter is user SQL that DQX's profiler evaluates as the job's identity: it passes
    the rules' SQL sandbox first (dqx_jobs/sql_guard.py, the app's allow-list)."""
    text = profile_options.get("filter")
    if not isinstance(text, str) or not text:
        return
    refused = check_expression(text, columns)
    if refused is not None:
        rule, construct, message = refused
        raise JobFailure(
            "sql_not_allowed",
            f"The profile filter is refused by the SQL sandbox ({rule}): {message} Offending construct: \"{construct}\".",
            "Change the filter in the app; it applies the same allow-list.",
        )


def generate(params: GenerationParams, spark: Any, ws: Any, identity_hint: str) -> dict[str, Any]:
    """Returns the `result` object of a generation output (see job-output.schema.json)."""
    from databricks.labs.dqx.profiler.generator import DQGenerator
    from databricks.labs.dqx.profiler.profiler import DQProfiler

    try:
        df = spark.read.table(params.table.quoted())
        columns = [{"name": f.name, "type": f.dataType.simpleString()} for f in df.schema.fields]
    except Exception as exc:  # noqa: BLE001
        raise classify_table_error(exc, params.table.display(), identity_hint) from exc

    refuse_unsafe_profile_filter(params.profile_options, frozenset(c["name"].lower() for c in columns))
    options: dict[str, Any] = {
        **params.profile_options,
        "sample_fraction": params.sample_fraction,
        "sample_seed": params.sample_seed,
        # Explicit: DQX would otherwise cap the profile at 1000 rows whatever the caller chose.
        "limit": params.sample_limit,
        # Primary-key detection calls a model from inside the profiler; the AI step below is the
        # one place this job talks to a model, and only when asked.
        "llm_primary_key_detection": False,
    }
    profiler = DQProfiler(ws, spark=spark)
    try:
        summary_stats, profiles = profiler.profile(df, options=options)
    except Exception as exc:  # noqa: BLE001
        failure = classify_table_error(exc, params.table.display(), identity_hint)
        if failure.type == "table_unreadable":
            raise JobFailure("profiling_failed", f"Profiling failed: {first_line(str(exc))}", failure.hint) from exc
        raise failure from exc

    generator = DQGenerator(workspace_client=ws, spark=spark)
    profile_rules = generator.generate_dq_rules(profiles, criticality=params.criticality)

    warnings: list[str] = []
    profiled = _profiled_rows(summary_stats)
    if profiled == 0:
        warnings.append("The sample was empty: no rules could be derived from the data.")

    ai = _ai_rules(params, ws, spark, summary_stats)
    if ai["message"]:
        warnings.append(ai["message"])

    return {
        "table": params.table.as_dict(),
        "generated_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "dqx_version": dqx_version(),
        "sample": {
            "limit": params.sample_limit,
            "fraction": params.sample_fraction,
            "seed": params.sample_seed,
            "profiled_rows": profiled,
        },
        "columns": columns,
        "summary_stats": {
            str(column): {str(k): to_json_value(v) for k, v in stats.items()}
            for column, stats in summary_stats.items()
            if isinstance(stats, dict)
        },
        "profiles": [_profile_dict(p) for p in profiles],
        "profile_rules": to_json_value(profile_rules),
        "ai": ai,
        "warnings": warnings,
    }
