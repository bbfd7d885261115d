"""Publishing, read back by real DQX 0.17 on local Spark (issue 15): what the app publishes is what
``DQEngine.load_checks`` returns.

- File targets: the YAML and JSON checks files the app writes (its export) are loaded with
  ``FileChecksStorageConfig``.
- Table target: the exact databricks-dialect statements the app sends through the SQL warehouse
  (create the checks table, read its latest batch, insert a batch, values as bound parameters) are
  executed on local Spark, then the table is loaded with ``TableChecksStorageConfig``. Three
  publishes to one run config, each the one that loads afterwards. A rollback to v1 finds v1's older
  batch (count); its DELETE needs a Delta table, which local Spark here has not (no Delta jars can be
  fetched), so that statement is parsed by Spark's parser only; the rollback itself is exercised on
  the local DuckDB checks table (lib/services/publishing.test.ts).

Each time the rule-set fingerprint DQX computes of what it loaded equals the fingerprint the app
stored for the version, and the table and file give the same checks."""

from __future__ import annotations

import json

import pytest

import dqx_harness as h
DATABASE = "dqx_publish"
TABLE = f"spark_catalog.{DATABASE}.checks"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("publish") / "publish-fixtures.json"
    h.run_node_script("scripts/emit-publish-fixtures.ts", str(out), TABLE)
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture()
def checks_database(spark, tmp_path):
    spark.sql(f"DROP DATABASE IF EXISTS {DATABASE} CASCADE")
    spark.sql(f"CREATE DATABASE {DATABASE} LOCATION '{tmp_path / 'warehouse'}'")
    yield
    spark.sql(f"DROP DATABASE IF EXISTS {DATABASE} CASCADE")


def _fingerprint(checks: list[dict]) -> str:
    from databricks.labs.dqx.rule_fingerprint import compute_rule_set_fingerprint_by_metadata

    return compute_rule_set_fingerprint_by_metadata(checks)


def _comparable(check: dict, keep_name: bool) -> dict:
    """A loaded check as DQX means it: values normalised as DQX hashes them (dates as text)."""
    from databricks.labs.dqx.utils import normalize_bound_args

    inner = check["check"]
    out = {
        "criticality": check.get("criticality", "error"),
        "function": inner["function"],
        "arguments": {k: normalize_bound_args(v) for k, v in (inner.get("arguments") or {}).items()},
        "for_each_column": inner.get("for_each_column") or [],
        "filter": check.get("filter"),
        "user_metadata": check.get("user_metadata"),
        "message_expr": check.get("message_expr"),
    }
    if keep_name:
        out["name"] = check.get("name")
    return out


def _run(spark, statement: dict):
    return spark.sql(statement["sql"], args=statement["params"] or None)


def test_published_files_load_as_the_active_version(published, dqx_engine, tmp_path):
    from databricks.labs.dqx.config import FileChecksStorageConfig

    for i, step in enumerate(published["steps"]):
        for ext, text in (("yml", step["file_yaml"]), ("json", step["file_json"])):
            path = tmp_path / f"{i}-{step['name']}.{ext}"
            path.write_text(text, encoding="utf-8")
            loaded = dqx_engine.load_checks(FileChecksStorageConfig(location=str(path)))
            assert _fingerprint(loaded) == step["fingerprint"], (step["name"], ext)


def test_published_table_loads_as_the_active_version_after_each_publish(published, spark, dqx_engine, checks_database, tmp_path):
    from databricks.labs.dqx.config import FileChecksStorageConfig, TableChecksStorageConfig

    for i, step in enumerate(published["steps"]):
        _run(spark, step["create"])
        before = _run(spark, step["latest"]).collect()
        # the app appends only when the latest batch is another rule set not stored before
        assert (before[0][0] if before else None) != step["fingerprint"]
        assert _run(spark, step["count"]).collect()[0][0] == 0
        _run(spark, step["insert"])
        assert _run(spark, step["latest"]).collect()[0][0] == step["fingerprint"]

        config = TableChecksStorageConfig(location=TABLE, run_config_name=step["run_config_name"])
        from_table = dqx_engine.load_checks(config)
        assert _fingerprint(from_table) == step["fingerprint"], step["name"]

        file = tmp_path / f"{i}.yml"
        file.write_text(step["file_yaml"], encoding="utf-8")
        from_file = dqx_engine.load_checks(FileChecksStorageConfig(location=str(file)))
        assert len(from_table) == len(from_file)
        # same checks (a table holds no row order: compared as a multiset); names where the file has one
        named = [bool(c.get("name")) for c in from_file]
        table_view = sorted(json.dumps(_comparable(c, True), sort_keys=True, default=str) for c in from_table)
        file_view = sorted(json.dumps(_comparable(c, True), sort_keys=True, default=str) for c in from_file if c.get("name"))
        assert all(any(f == t for t in table_view) for f in file_view)
        table_loose = sorted(json.dumps(_comparable(c, False), sort_keys=True, default=str) for c in from_table)
        file_loose = sorted(json.dumps(_comparable(c, False), sort_keys=True, default=str) for c in from_file)
        assert table_loose == file_loose
        assert any(named)

    rollback = published["rollback"]
    assert _run(spark, rollback["count"]).collect()[0][0] == rollback["rows"]
    parser = spark._jsparkSession.sessionState().sqlParser()
    assert "DeleteFromTable" in parser.parsePlan(rollback["delete"]["sql"]).toString()

    # every publish appended its own batch, in DQX's schema
    assert spark.table(TABLE).select("created_at").distinct().count() == len(published["steps"])
    names = [f.name for f in spark.table(TABLE).schema.fields]
    assert names == [
        "name", "criticality", "check", "filter", "run_config_name", "user_metadata",
        "message_expr", "created_at", "rule_fingerprint", "rule_set_fingerprint",
    ]
