"""Profiler conformance on real DQX and local Spark.

For every vector:
- DQX (DQProfiler.profile on the full data, DQGenerator.generate_dq_rules) still produces exactly
  the recorded summary statistics, profiles and rules;
- our databricks-dialect profile SQL, executed on the same Spark session and decoded by our
  TypeScript code, gives the same statistics, profiles and rules.
"""

import pytest

from profiler_dqx import load_vectors, run_dqx

VECTORS = load_vectors()
NAMES = [v["name"] for v in VECTORS]


def test_enough_vectors():
    assert len(VECTORS) >= 40


def test_vector_inputs_come_from_make_vectors():
    """Inputs are generated, outputs recorded: a hand-edited vector fails here."""
    import make_profiler_vectors as make_vectors  # pylint: disable=import-outside-toplevel

    generated = {v["name"]: v for v in make_vectors.build()}
    assert sorted(generated) == sorted(NAMES)
    for vector in VECTORS:
        inputs = {k: vector[k] for k in ("name", "description", "columns", "rows", "options", "criticality")}
        assert inputs == generated[vector["name"]], vector["name"]


@pytest.mark.parametrize("name", NAMES)
def test_dqx_matches_recording(spark, vectors, name):
    vector = vectors[name]
    assert "expected" in vector, f"{name}: not recorded (run record.py)"
    fresh = run_dqx(spark, vector)
    recorded = dict(vector["expected"])
    fresh.pop("recorded_with")
    recorded.pop("recorded_with")
    assert fresh == recorded


@pytest.mark.parametrize("name", NAMES)
def test_our_databricks_sql_on_spark(our_spark_diffs, name):
    assert our_spark_diffs[name] == []


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("variant", ["all", "rows50", "half"])
def test_our_sampling_modes_on_spark(our_spark_diffs, name, variant):
    """Whole table, a seeded 50-row sample and a seeded 50% Bernoulli sample: the SQL runs on Spark,
    reads the rows it claims, and on the whole table gives DQX's counts and profile kinds."""
    assert our_spark_diffs[f"{name}::{variant}"] == []
