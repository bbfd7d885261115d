"""The rehearsal's SQL warehouse and job compute: local Spark with the real DQX library.

Two HTTP endpoints, on 127.0.0.1 only:

- ``POST /sql`` with ``Authorization: Bearer <user token>`` and ``{"statement", "params"}``: runs one
  statement of the app's Databricks warehouse adapter AS THAT USER. Unity Catalog is played by
  per-user copies: the catalog ``main`` the app sees maps, for each user, onto Spark databases
  ``u_<user>__<schema>`` holding only the tables that user was granted, with the row filter
  applied (rows removed) and the column mask applied (values replaced by NULL), and a per-user
  ``information_schema`` (tables, row_filters, column_masks) listing only what the user may see.
  A table the user was not granted does not exist for them (TABLE_OR_VIEW_NOT_FOUND), as in Unity
  Catalog. The answer is the driver's view of a result: columns with Spark types and rows. A table
  a user creates through the warehouse (a published checks table) is one physical table, which the
  job's principal reads too, and which only its creator sees among the users.
- ``POST /notebook`` with ``{"name", "widgets"}``: runs notebooks/<name>.py itself (as
  ``test_notebooks.py`` does) AS THE JOB'S PRINCIPAL, which reads the physical, unfiltered and
  unmasked tables: exactly why the app must never send a governed table there. Table names in its
  widgets (a checks table, the outputs of a scheduled check) are read in that catalog too.
- ``POST /physical`` with ``{"statement"}``: a statement as the metastore admin, on the physical
  tables (the spec inspects what a job wrote); ``GET /dqx-schemas``: DQX's own schemas of its
  metrics table and of its ``_errors`` / ``_warnings`` columns, to compare with.

Test support for ``npm run test:databricks`` only; the app never imports it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
import threading
import time
import traceback
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from unittest.mock import MagicMock

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(NOTEBOOKS))
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
os.environ.setdefault("TZ", "UTC")

CATALOG = "main"
STATUSES = ["new", "shipped", "cancelled", "returned"]
REGIONS = ["EU", "US", "APAC"]


def orders() -> list[tuple]:
    rows = []
    for i in range(1, 201):
        customer = None if i % 25 == 0 else f"customer-{i % 37:02d}"
        status = STATUSES[0] if i % 2 == 0 else STATUSES[1]
        if i % 40 == 0:
            status = STATUSES[2]
        quantity = 50 if i % 33 == 0 else (i % 9) + 1
        amount = Decimal(f"{(i * 7) % 500 + 10}.{i % 100:02d}")
        rows.append((i, customer, status, quantity, amount, dt.date(2024, 1, 1) + dt.timedelta(days=i % 120)))
    return rows


def customers() -> list[tuple]:
    return [(i, f"Customer {i}", REGIONS[i % 3], None if i % 11 == 0 else f"c{i}@example.com") for i in range(1, 61)]


def employees() -> list[tuple]:
    return [(i, f"Employee {i}", ["eng", "sales", "ops"][i % 3], Decimal(f"{40000 + i * 1500}.00")) for i in range(1, 31)]


def payments() -> list[tuple]:
    """120 payments: every 20th has no method, every 30th a negative amount (8 rows fail, 2 of them both)."""
    rows = []
    for i in range(1, 121):
        method = None if i % 20 == 0 else ["card", "transfer", "cash"][i % 3]
        amount = Decimal(f"-{i}.00") if i % 30 == 0 else Decimal(f"{(i * 11) % 300 + 5}.25")
        rows.append((i, 1000 + i, method, amount, dt.date(2024, 2, 1) + dt.timedelta(days=i % 60)))
    return rows


def ledger() -> list[tuple]:
    return [(i, f"acct-{i % 5}", Decimal(f"{i * 13}.50")) for i in range(1, 41)]


TABLES = {
    ("sales", "orders"): ("order_id INT, customer STRING, status STRING, quantity INT, amount DECIMAL(10,2), ordered_on DATE", orders),
    ("sales", "customers"): ("customer_id INT, name STRING, region STRING, email STRING", customers),
    ("hr", "employees"): ("employee_id INT, name STRING, department STRING, salary DECIMAL(12,2)", employees),
    ("finance", "ledger"): ("entry_id INT, account STRING, amount DECIMAL(12,2)", ledger),
    ("sales", "payments"): ("payment_id INT, order_id INT, method STRING, amount DECIMAL(10,2), paid_on DATE", payments),
}


def sql_id(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


class Standin:
    def __init__(self, config: dict, workdir: Path) -> None:
        from pyspark.sql import SparkSession

        self.config = config
        self.users: dict[str, dict] = {u["token"]: u for u in config["users"]}
        self.lock = threading.Lock()
        # tables users created through the warehouse: (schema, table) -> the creator's e-mail
        self.created: dict[tuple[str, str], str] = {}
        warehouse = workdir / "spark-warehouse"
        self.spark = (
            SparkSession.builder.master("local[2]")
            .appName("dqx-rehearsal-warehouse")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            # the app's compiled statements are large and the tables tiny: interpreting them is much
            # quicker than generating and compiling Java code for each
            .config("spark.sql.codegen.wholeStage", "false")
            .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.warehouse.dir", str(warehouse))
            .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={warehouse}")
            .getOrCreate()
        )
        self.spark.sparkContext.setLogLevel("ERROR")
        self._load()

    # ---- data and per-user grants ----

    def _load(self) -> None:
        s = self.spark
        # Unity Catalog's owners (information_schema.tables.table_owner): the user whose grant says so
        owners = {
            (grant["schema"], grant["table"]): user.get("email", "")
            for user in self.config["users"]
            for grant in user["grants"]
            if grant.get("owner")
        }
        for (schema, table), (ddl, rows) in TABLES.items():
            s.sql(f"CREATE DATABASE IF NOT EXISTS {schema}")
            s.createDataFrame(rows(), ddl).write.mode("overwrite").saveAsTable(f"{schema}.{table}")
        for user in self.config["users"]:
            prefix = user["prefix"]
            info = f"{prefix}information_schema"
            s.sql(f"CREATE DATABASE IF NOT EXISTS {info}")
            listed, filters, masks = [], [], []
            for grant in user["grants"]:
                schema, table = grant["schema"], grant["table"]
                s.sql(f"CREATE DATABASE IF NOT EXISTS {prefix}{schema}")
                columns = [f.name for f in s.table(f"{schema}.{table}").schema.fields]
                select = ", ".join(
                    f"CAST(NULL AS {dict(s.table(f'{schema}.{table}').dtypes)[c]}) AS {sql_id(c)}" if c in grant.get("mask", []) else sql_id(c)
                    for c in columns
                )
                where = f" WHERE {grant['row_filter']}" if grant.get("row_filter") else ""
                s.sql(f"DROP TABLE IF EXISTS {prefix}{schema}.{table}")
                s.sql(f"CREATE TABLE {prefix}{schema}.{table} USING parquet AS SELECT {select} FROM {schema}.{table}{where}")
                listed.append((CATALOG, schema, table, "MANAGED", grant.get("comment"), owners.get((schema, table), "nobody@example.com")))
                if grant.get("row_filter"):
                    filters.append((CATALOG, schema, table, CATALOG, "governance", "region_filter", "region"))
                for column in grant.get("mask", []):
                    masks.append((CATALOG, schema, table, column, CATALOG, "governance", "mask_salary", ""))
            s.createDataFrame(
                listed, "table_catalog STRING, table_schema STRING, table_name STRING, table_type STRING, comment STRING, table_owner STRING"
            ).write.mode("overwrite").saveAsTable(f"{info}.tables")
            # the other views the rights statements read: no schema or catalog owners, no MODIFY/MANAGE grants
            for view, ddl in {
                "schemata": "catalog_name STRING, schema_name STRING, schema_owner STRING",
                "catalogs": "catalog_name STRING, catalog_owner STRING",
                "table_privileges": "grantor STRING, grantee STRING, table_catalog STRING, table_schema STRING, table_name STRING, privilege_type STRING",
                "schema_privileges": "grantor STRING, grantee STRING, catalog_name STRING, schema_name STRING, privilege_type STRING",
                "catalog_privileges": "grantor STRING, grantee STRING, catalog_name STRING, privilege_type STRING",
            }.items():
                s.createDataFrame([], ddl).write.mode("overwrite").saveAsTable(f"{info}.{view}")
            s.createDataFrame(
                filters,
                "catalog_name STRING, schema_name STRING, table_name STRING, filter_catalog STRING, filter_schema STRING, filter_name STRING, filter_col_usage STRING",
            ).write.mode("overwrite").saveAsTable(f"{info}.row_filters")
            s.createDataFrame(
                masks,
                "catalog_name STRING, schema_name STRING, table_name STRING, column_name STRING, mask_catalog STRING, mask_schema STRING, mask_name STRING, using_columns STRING",
            ).write.mode("overwrite").saveAsTable(f"{info}.column_masks")
        # warm the JVM up on the kind of aggregation the app sends, before the app's first request
        s.sql("SELECT status, count(*), min(amount), max(amount), approx_count_distinct(customer) FROM sales.orders GROUP BY status").collect()

    # ---- statements, as a user ----

    IDENT = r"(?:`(?:[^`]|``)+`|[A-Za-z_][A-Za-z0-9_]*)"

    def _rewrite(self, sql: str, user: dict, creating: bool = False) -> tuple[str, list[tuple[str, str]]]:
        """`main`.`s`.`t` -> spark_catalog.`<prefix>s`.`t`; system/main.information_schema -> the user's.

        A table that is not one of the granted data tables is the one physical table when this user
        created it (or creates it now: `creating`); for anyone else it does not exist. Returns the
        statement and the tables it would create."""
        prefix = user["prefix"]
        fresh: list[tuple[str, str]] = []

        def unquote(part: str) -> str:
            return part[1:-1].replace("``", "`") if part.startswith("`") else part

        pattern = re.compile(rf"({self.IDENT})\.({self.IDENT})\.({self.IDENT})")

        def replace(match: re.Match) -> str:
            catalog, schema, table = (unquote(match.group(i)) for i in (1, 2, 3))
            if catalog.lower() not in (CATALOG, "system"):
                return match.group(0)
            key = (schema.lower(), table.lower())
            if catalog.lower() == CATALOG and key[0] != "information_schema" and key not in TABLES:
                owner = self.created.get(key)
                if owner == user.get("email") or (owner is None and creating):
                    if owner is None:
                        fresh.append(key)
                    return f"spark_catalog.{sql_id(key[0])}.{sql_id(table)}"
            return f"spark_catalog.{sql_id(prefix + schema.lower())}.{sql_id(table)}"

        return pattern.sub(replace, sql), fresh

    def _restore(self, text: str, prefix: str) -> str:
        return text.replace(prefix, "").replace("spark_catalog", CATALOG)

    def run_sql(self, token: str, statement: str, params: dict) -> tuple[int, dict]:
        user = self.users.get(token)
        if user is None:
            return 401, {"error": "Invalid access token.", "status": 401}
        prefix = user["prefix"]
        text = statement.strip()
        if re.fullmatch(r"SHOW CATALOGS", text, re.I):
            return 200, {"columns": [{"name": "catalog", "type": "string"}], "rows": [{"catalog": CATALOG}]}
        shown = re.fullmatch(rf"SHOW SCHEMAS IN ({self.IDENT})", text, re.I)
        if shown:
            catalog = shown.group(1).strip("`")
            if catalog != CATALOG:
                return 400, {"error": f"[NO_SUCH_CATALOG_EXCEPTION] Catalog '{catalog}' was not found. SQLSTATE: 42704"}
            schemas = sorted({g["schema"] for g in user["grants"]})
            return 200, {"columns": [{"name": "databaseName", "type": "string"}], "rows": [{"databaseName": s} for s in schemas]}
        sql, fresh = self._rewrite(text, user, creating=bool(re.match(r"CREATE\s+TABLE\b", text, re.I)))
        # Unity Catalog's identity functions, answered for this user (local Spark has neither)
        sql = sql.replace("current_user()", "'" + user.get("email", "").replace("'", "''") + "'")
        groups = ", ".join(["CAST(NULL AS STRING)"] + ["'" + g.replace("'", "''") + "'" for g in user.get("groups", [])])
        sql = re.sub(r"is_account_group_member\(([^()]*)\)", lambda m: f"coalesce(({m.group(1)}) IN ({groups}), false)", sql)
        try:
            # statements run concurrently, as on a warehouse
            started = time.monotonic()
            frame = self.spark.sql(sql, args=params or None)
            rows = frame.collect()
            fields = frame.schema.fields
            for key in fresh:
                self.created[key] = user.get("email", "")
        except Exception as error:  # noqa: BLE001 - every Spark error is an answer
            message = self._restore(str(error).strip().split("\n")[0], prefix)
            return 400, {"error": message}
        columns = [{"name": f.name, "type": f.dataType.simpleString()} for f in fields]
        if os.environ.get("REHEARSAL_SQL_LOG"):
            with open(os.environ["REHEARSAL_SQL_LOG"], "a", encoding="utf-8") as log:
                log.write(json.dumps({"ms": round((time.monotonic() - started) * 1000), "sql": sql[:20000]}) + "\n")
        out = [{f.name: _jsonable(r[i]) for i, f in enumerate(fields)} for r in rows]
        if re.match(r"DESCRIBE TABLE", text, re.I) and out and "json_metadata" in out[0]:
            meta = json.loads(out[0]["json_metadata"])
            meta.update({"catalog_name": CATALOG, "namespace": [meta.get("schema_name", "").replace(prefix, "")]})
            meta["schema_name"] = meta["namespace"][0]
            meta["type"] = "MANAGED"
            out[0]["json_metadata"] = json.dumps(meta)
        return 200, {"columns": columns, "rows": out}

    # ---- notebook runs, as the job's principal ----

    def run_notebook(self, name: str, widgets: dict) -> dict:
        import databricks.sdk

        from dqx_jobs.errors import JobFailed

        real = databricks.sdk.WorkspaceClient

        class StandInWorkspaceClient:  # DQX wants a WorkspaceClient; nothing here reaches a workspace
            def __new__(cls, *args, **kwargs):
                return MagicMock(spec=real)

        class Notebook:
            exited: str | None = None

            def exit(self, value: str) -> None:
                self.exited = value

        class Widgets:
            def get(self, key: str) -> str:
                if key not in widgets:
                    raise ValueError(f"No input widget named {key} is defined")
                return widgets[key]

        class Dbutils:
            notebook = Notebook()
            widgets = Widgets()

        # the job reads main.<schema>.<table> as its own principal: the physical tables
        widgets = dict(widgets)
        if widgets.get("catalog") == CATALOG:
            widgets["catalog"] = "spark_catalog"
        # a scheduled check's checks table and outputs: catalog.schema.table in the same catalog
        tables = ["valid_table", "quarantine_table", "metrics_table"] + (["checks_location"] if widgets.get("checks_source") == "table" else [])
        for key in tables:
            if widgets.get(key, "").startswith(f"{CATALOG}."):
                widgets[key] = "spark_catalog." + widgets[key][len(CATALOG) + 1 :]
        source = (NOTEBOOKS / f"{name}.py").read_text(encoding="utf-8")
        dbutils = Dbutils()
        saved = databricks.sdk.WorkspaceClient
        databricks.sdk.WorkspaceClient = StandInWorkspaceClient
        # local Spark has no Delta: the scheduled check's tables are parquet (as notebooks/tests do)
        import dqx_jobs.monitoring

        dqx_jobs.monitoring.TABLE_FORMAT = "parquet"
        try:
            with self.lock:
                exec(compile(source, f"{name}.py", "exec"), {"spark": self.spark, "dbutils": dbutils, "__name__": "__main__"})
        except JobFailed as failed:
            return {"raised": {"class": type(failed).__name__, "message": str(failed)}}
        except Exception as error:  # noqa: BLE001
            return {"raised": {"class": type(error).__name__, "message": str(error), "trace": traceback.format_exc()}}
        finally:
            databricks.sdk.WorkspaceClient = saved
        exited = (dbutils.notebook.exited or "").replace("spark_catalog.", f"{CATALOG}.").replace('"spark_catalog"', f'"{CATALOG}"')
        return {"exit": exited}


    # ---- for the spec: what a job wrote, as the metastore admin ----

    def run_physical(self, statement: str) -> tuple[int, dict]:
        try:
            frame = self.spark.sql(statement)
            rows = frame.collect()
        except Exception as error:  # noqa: BLE001
            return 400, {"error": str(error).strip().split("\n")[0]}
        fields = frame.schema.fields
        return 200, {
            "columns": [{"name": f.name, "type": f.dataType.simpleString()} for f in fields],
            "rows": [{f.name: _jsonable(r[i]) for i, f in enumerate(fields)} for r in rows],
        }

    def dqx_schemas(self) -> dict:
        from databricks.labs.dqx.metrics_observer import OBSERVATION_TABLE_SCHEMA
        from databricks.labs.dqx.schema.dq_result_schema import dq_result_schema
        from pyspark.sql.types import StructType

        metrics = StructType.fromDDL(OBSERVATION_TABLE_SCHEMA)
        return {
            "metrics": [{"name": f.name, "type": f.dataType.simpleString()} for f in metrics.fields],
            "result": dq_result_schema.simpleString(),
        }


def _jsonable(value):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return str(value) if abs(value) > 2**53 else value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        import base64

        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        if hasattr(value, "asDict"):
            return {k: _jsonable(v) for k, v in value.asDict().items()}
        return [_jsonable(v) for v in value]
    return str(value)


def main() -> None:
    config = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    port = int(sys.argv[2])
    workdir = Path(sys.argv[3])
    standin = Standin(config, workdir)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            return

        def _send(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/dqx-schemas":
                return self._send(200, standin.dqx_schemas())
            self._send(200 if self.path == "/health" else 404, {"ok": self.path == "/health"})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            if self.path == "/sql":
                auth = self.headers.get("Authorization", "")
                token = auth[7:] if auth.startswith("Bearer ") else ""
                status, answer = standin.run_sql(token, body.get("statement", ""), body.get("params") or {})
                return self._send(status, answer)
            if self.path == "/physical":
                return self._send(*standin.run_physical(body.get("statement", "")))
            if self.path == "/notebook":
                return self._send(200, standin.run_notebook(body["name"], body["widgets"]))
            self._send(404, {"error": "not found"})

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"spark stand-in listening on {port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
