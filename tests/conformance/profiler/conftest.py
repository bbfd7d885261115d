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
    # getOrCreate may return a session another conftest built: the recordings assume these settings.
    session.conf.set("spark.sql.session.timeZone", "UTC")
    session.conf.set("spark.sql.shuffle.partitions", "200")
    assert session.sparkContext.defaultParallelism == 1, (
        "the profiler vectors were recorded on local[1] (one input partition decides DQX's value order "
        "and float summation order); create the shared SparkSession with master local[1]"
    )
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
        rows[name] = [r.asDict(recursive=True) for r in spark.sql(entry["sql"]).collect()]
        for variant, sql in entry["variants"].items():
            rows[f"{name}::{variant}"] = [r.asDict(recursive=True) for r in spark.sql(sql).collect()]
    work = tmp_path_factory.mktemp("profiler-rows")
    (work / "rows.json").write_text(json.dumps(rows))
    run_harness("compare", str(work / "rows.json"), str(work / "diffs.json"))
    return json.loads((work / "diffs.json").read_text())
