"""Fixtures of the profiler conformance suite: one local Spark session for the whole run, and our
databricks-dialect profile SQL, generated fresh from the TypeScript sources at session start."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from profiler_dqx import dataframe_of, load_vectors, spark_session  # noqa: E402

REPO = Path(__file__).resolve().parents[3]
HARNESS = "tests/conformance/profiler/harness.ts"


def run_harness(*args: str) -> None:
    subprocess.run(["npx", "tsx", HARNESS, *args], cwd=REPO, check=True, timeout=300)


@pytest.fixture(scope="session")
def spark():
    session = spark_session()
    session.sparkContext.setLogLevel("ERROR")
    return session


@pytest.fixture(scope="session")
def vectors():
    return {v["name"]: v for v in load_vectors()}


@pytest.fixture(scope="session")
def our_sql(tmp_path_factory):
    out = tmp_path_factory.mktemp("profiler") / "sql.json"
    run_harness("sql", str(out))
    return json.loads(out.read_text())


@pytest.fixture(scope="session")
def our_spark_diffs(spark, vectors, our_sql, tmp_path_factory):
    """Runs our databricks SQL for every vector on Spark, then lets the TypeScript side decode and compare."""
    rows = {}
    for name, vector in vectors.items():
        entry = our_sql[name]
        dataframe_of(spark, vector).createOrReplaceTempView(entry["table"])
        result = spark.sql(entry["sql"]).collect()
        rows[name] = [r.asDict(recursive=True) for r in result]
    work = tmp_path_factory.mktemp("profiler-rows")
    (work / "rows.json").write_text(json.dumps(rows))
    run_harness("compare", str(work / "rows.json"), str(work / "diffs.json"))
    return json.loads((work / "diffs.json").read_text())
