"""Every statement the app's Databricks warehouse adapter can send (lib/warehouse/databricks/
statements.json), executed on local Spark: valid Spark SQL, values bound as parameters, and
hostile names that stay inside their quotes.

Local Spark has no Unity Catalog, so `spark_catalog.information_schema.tables` is created here
with the documented columns, and `system.information_schema` is read as
`spark_catalog.information_schema` (the only rewrite).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

STATEMENTS = json.loads(
    (Path(__file__).resolve().parents[2] / "lib" / "warehouse" / "databricks" / "statements.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def warehouse(spark):
    spark.sql("CREATE DATABASE IF NOT EXISTS dqx_ws")
    spark.sql("DROP TABLE IF EXISTS dqx_ws.orders")
    spark.sql("CREATE TABLE dqx_ws.orders (order_id INT, customer STRING) USING parquet")
    spark.sql("INSERT INTO dqx_ws.orders VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, NULL)")
    spark.sql("CREATE OR REPLACE VIEW dqx_ws.v_orders AS SELECT order_id FROM dqx_ws.orders")
    spark.sql("CREATE DATABASE IF NOT EXISTS information_schema")
    spark.sql("DROP TABLE IF EXISTS information_schema.tables")
    spark.sql(
        "CREATE TABLE information_schema.tables "
        "(table_catalog STRING, table_schema STRING, table_name STRING, table_type STRING, comment STRING) USING parquet"
    )
    spark.sql(
        "INSERT INTO information_schema.tables VALUES "
        "('spark_catalog', 'dqx_ws', 'orders', 'MANAGED', 'all orders'), "
        "('spark_catalog', 'dqx_ws', 'v_orders', 'VIEW', NULL), "
        "('spark_catalog', 'other', 'customers', 'MANAGED', NULL), "
        "('spark_catalog', 'information_schema', 'tables', 'VIEW', NULL)"
    )
    # Unity Catalog governance views, with the documented columns: a row filter and a column mask on
    # dqx_ws.orders, and an ABAC row-filter policy on its schema
    spark.sql("DROP TABLE IF EXISTS information_schema.row_filters")
    spark.sql(
        "CREATE TABLE information_schema.row_filters (catalog_name STRING, schema_name STRING, table_name STRING, "
        "filter_catalog STRING, filter_schema STRING, filter_name STRING, filter_col_usage STRING) USING parquet"
    )
    spark.sql("INSERT INTO information_schema.row_filters VALUES ('spark_catalog', 'dqx_ws', 'orders', 'spark_catalog', 'dqx_ws', 'f', 'customer')")
    spark.sql("DROP TABLE IF EXISTS information_schema.column_masks")
    spark.sql(
        "CREATE TABLE information_schema.column_masks (catalog_name STRING, schema_name STRING, table_name STRING, column_name STRING, "
        "mask_catalog STRING, mask_schema STRING, mask_name STRING, using_columns STRING) USING parquet"
    )
    spark.sql(
        "INSERT INTO information_schema.column_masks VALUES ('spark_catalog', 'dqx_ws', 'orders', 'customer', 'spark_catalog', 'dqx_ws', 'm', ''), "
        "('spark_catalog', 'other', 'customers', 'email', 'spark_catalog', 'other', 'm', '')"
    )
    spark.sql("DROP TABLE IF EXISTS information_schema.abac_policy_definitions")
    spark.sql(
        "CREATE TABLE information_schema.abac_policy_definitions (policy_id STRING, policy_name STRING, policy_type STRING, "
        "catalog_name STRING, schema_name STRING, securable_name STRING) USING parquet"
    )
    spark.sql(
        "INSERT INTO information_schema.abac_policy_definitions VALUES ('1', 'orders_region', 'ROW_FILTER', 'spark_catalog', 'dqx_ws', NULL), "
        "('2', 'other_mask', 'COLUMN_MASK', 'spark_catalog', 'other', NULL), ('3', 'grants', 'GRANT', 'spark_catalog', NULL, NULL)"
    )
    return spark


def _local(sql: str) -> str:
    return sql.replace("FROM system.information_schema.", "FROM spark_catalog.information_schema.")


@pytest.mark.parametrize("sample", STATEMENTS, ids=[s["id"] for s in STATEMENTS])
def test_statement_runs_on_spark(warehouse, sample):
    sql = _local(sample["sql"])
    params = sample["params"] or None
    if sample["runnable"]:
        rows = warehouse.sql(sql, args=params).collect()
        values = [r[0] for r in rows]
        for expected in sample.get("expectFirstColumn", []):
            assert expected in values, (expected, values)
        if "expectRowCount" in sample:
            assert len(rows) == sample["expectRowCount"], values
        if sample["id"] == "describe-table":
            meta = json.loads(rows[0][0])
            assert [c["name"] for c in meta["columns"]] == ["order_id", "customer"]
            assert meta["columns"][0]["type"] == {"name": "int"}
        return
    with pytest.raises(Exception) as raised:
        warehouse.sql(sql, args=params).collect()
    text = str(raised.value)
    assert "PARSE_SYNTAX_ERROR" not in text and "ParseException" not in type(raised.value).__name__, text
    assert sample["hostileName"] in text.replace("``", "`"), text
