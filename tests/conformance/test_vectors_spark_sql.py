"""Our `databricks`-dialect SQL for every vector, executed on the same local Spark session as DQX:
the apply statement must return exactly DQX's _errors/_warnings (no known differences are allowed
for Spark), and the single-scan validation statement must count what DQX's split counts."""

from __future__ import annotations

import json

import pytest

import dqx_harness as h

VECTORS = sorted(h.VECTORS_DIR.glob("*.json"))


def _view(spark, vector):
    from pyspark.sql import functions as F

    df = h.input_dataframe(spark, vector).withColumn("__row_idx", F.monotonically_increasing_id())
    df.createOrReplaceTempView("__dqx_vector")
    h.register_ref_tables(spark, vector)


@pytest.mark.parametrize("path", VECTORS, ids=lambda p: p.stem)
def test_spark_sql_matches_dqx(path, spark, engine_output):
    import time

    vector = h.load_json(path)
    compiled = engine_output["vectors"][vector["name"]]
    assert compiled["job_only"] == [], f"rules left to a job on Spark: {compiled['job_only']}"
    _view(spark, vector)
    start = time.time()
    df = spark.sql(compiled["apply_sql"])
    rows = h.result_rows(df)
    end = time.time()
    rows = h.mask_rows(rows, vector.get("now_offsets", []), start, end)
    assert rows == vector["expected"]["rows"]


@pytest.mark.parametrize("path", VECTORS, ids=lambda p: p.stem)
def test_spark_validation_summary(path, spark, engine_output):
    vector = h.load_json(path)
    compiled = engine_output["vectors"][vector["name"]]
    _view(spark, vector)
    result = spark.sql(compiled["validation_sql"]).collect()
    first = result[0].asDict()
    counts = vector["expected"]["counts"]
    assert first["__dqx_total"] == counts["total"]
    assert first["__dqx_error_rows"] == counts["error_rows"]
    assert first["__dqx_warning_rows"] == counts["warning_only_rows"]
    expected_rows = vector["expected"]["rows"]
    for i, rule in enumerate(compiled["rules"]):
        failing = sum(
            1
            for r in expected_rows
            if any(
                e["rule_fingerprint"] == rule["fingerprint"] and e["name"] == rule["name"]
                for e in (r["errors"] or []) + (r["warnings"] or [])
            )
        )
        assert first[f"__dqx_fail{i}"] == failing, rule["name"]
        samples = [r for r in result if r["__dqx_rule"] == i]
        # Spark keeps at most 2 candidates per hash bucket: up to N samples, at least one if any fail
        assert min(1, failing) <= len(samples) <= min(3, failing), rule["name"]
        for s in samples:
            entries = json.loads(s["__dqx_errors"] or "[]") + json.loads(s["__dqx_warnings"] or "[]")
            assert any(e["name"] == rule["name"] for e in entries)
