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

- Lakebase table target: the app's own code (scripts/publish-lakebase-checks.ts, the rows and the
  writer the ``lakebase_table`` target uses) writes DQX's Lakebase checks table into a fresh database
  on the local Postgres server (TEST_DATABASE_URL, else 127.0.0.1:5432 as postgres; skipped, saying
  so, when none answers); DQX's own ``LakebaseChecksStorageHandler`` (with an engine on that
  database, so no workspace) loads it after each of four publishes in a row (a new version, the same
  again, another, and a rollback), and DQX's own save of the same checks into a second table gives
  the same rows.

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


# ---- Lakebase checks table (LakebaseChecksStorageConfig) -------------------------------------------

LAKEBASE_TABLE = "dqx_checks.checks"
LAKEBASE_RUN_CONFIG = "main.sales.orders"


def _server_url() -> str:
    import os

    return os.environ.get("TEST_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"


@pytest.fixture()
def lakebase_database():
    """A fresh database on the local Postgres server: (URL for the app's script, SQLAlchemy engine)."""
    import secrets
    from urllib.parse import urlsplit, urlunsplit

    sqlalchemy = pytest.importorskip("sqlalchemy")
    pytest.importorskip("psycopg2", reason="psycopg2-binary is pinned in tests/conformance/requirements.txt")

    server = _server_url()
    parts = urlsplit(server)
    admin = sqlalchemy.create_engine(urlunsplit(("postgresql+psycopg2", *parts[1:])), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect():
            pass
    except sqlalchemy.exc.OperationalError as e:
        admin.dispose()
        pytest.skip(f"no Postgres server answers at {parts.hostname}:{parts.port or 5432} (set TEST_DATABASE_URL): {e.orig}")
    name = f"dqx_conf_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    engine = sqlalchemy.create_engine(urlunsplit(("postgresql+psycopg2", parts.netloc, f"/{name}", parts.query, "")))
    try:
        yield url, engine, name
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _publish_lakebase(url: str, rule_set: str, out) -> dict:
    h.run_node_script("scripts/publish-lakebase-checks.ts", url, LAKEBASE_TABLE, LAKEBASE_RUN_CONFIG, rule_set, str(out))
    return json.loads(out.read_text(encoding="utf-8"))


def _rows(engine, table: str, fingerprint: str) -> list[str]:
    """The stored rows of one batch (all but created_at), comparable as a multiset."""
    import sqlalchemy

    with engine.connect() as conn:
        result = conn.execute(
            sqlalchemy.text(
                f'SELECT name, criticality, "check", filter, run_config_name, user_metadata, message_expr, '
                f"rule_fingerprint, rule_set_fingerprint FROM {table} "
                "WHERE run_config_name = :rc AND rule_set_fingerprint = :fp"
            ),
            {"rc": LAKEBASE_RUN_CONFIG, "fp": fingerprint},
        )
        return sorted(json.dumps(dict(r), sort_keys=True, default=str) for r in result.mappings())


def test_published_lakebase_table_loads_as_the_active_version_after_each_publish(lakebase_database, spark, dqx_engine, tmp_path):
    from databricks.labs.dqx.checks_storage import LakebaseChecksStorageHandler
    from databricks.labs.dqx.config import FileChecksStorageConfig, LakebaseChecksStorageConfig

    url, engine, database = lakebase_database
    # engine given: DQX connects with it, never through a workspace (ws is only used for telemetry, best effort)
    handler = LakebaseChecksStorageHandler(None, spark, engine=engine)

    sequence = [("orders_v1", "published"), ("orders_v1", "unchanged"), ("orders_v2", "published"), ("orders_v1", "published")]
    for i, (rule_set, expected) in enumerate(sequence):
        step = _publish_lakebase(url, rule_set, tmp_path / f"{i}.json")
        assert step["status"] == expected, (i, rule_set)
        assert step["location"] == f"{database}.{LAKEBASE_TABLE}"

        config = LakebaseChecksStorageConfig(location=step["location"], instance_name="local", run_config_name=LAKEBASE_RUN_CONFIG)
        loaded = handler.load(config)
        assert _fingerprint(loaded) == step["fingerprint"], (i, rule_set)

        file = tmp_path / f"{i}.json"
        file.write_text(step["file_json"], encoding="utf-8")
        from_file = dqx_engine.load_checks(FileChecksStorageConfig(location=str(file)))
        # the same checks (compared as a multiset); names where the file has one (DQX stores the name it derives otherwise)
        table_view = [json.dumps(_comparable(c, True), sort_keys=True, default=str) for c in loaded]
        assert all(json.dumps(_comparable(c, True), sort_keys=True, default=str) in table_view for c in from_file if c.get("name"))
        assert sorted(json.dumps(_comparable(c, False), sort_keys=True, default=str) for c in loaded) == sorted(
            json.dumps(_comparable(c, False), sort_keys=True, default=str) for c in from_file
        ), (i, rule_set)

        # DQX's own save of the same checks into a second table writes the same rows
        own = LakebaseChecksStorageConfig(location=f"{database}.dqx_own.checks_{i}", instance_name="local", run_config_name=LAKEBASE_RUN_CONFIG)
        handler.save(from_file, own)
        assert _rows(engine, LAKEBASE_TABLE, step["fingerprint"]) == _rows(engine, f"dqx_own.checks_{i}", step["fingerprint"]), (i, rule_set)

    import sqlalchemy

    with engine.connect() as conn:
        batches = conn.execute(sqlalchemy.text(f"SELECT rule_set_fingerprint, count(DISTINCT created_at) FROM {LAKEBASE_TABLE} GROUP BY 1")).all()
    # v1 once (its older batch replaced by the rollback's), v2 once: one batch each
    assert sorted(n for _, n in batches) == [1, 1]
