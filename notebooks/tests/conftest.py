"""Local Spark with the real DQX library, and sample tables the notebooks' code runs against."""

from __future__ import annotations

import datetime as dt
import os
import sys
from decimal import Decimal
from pathlib import Path
from unittest.mock import MagicMock

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(NOTEBOOKS))

os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
os.environ.setdefault("TZ", "UTC")

STATUSES = ["new", "shipped", "cancelled", "returned"]


def order_rows() -> list[tuple]:
    """200 deterministic orders. Nulls, out-of-range quantities and odd statuses are planted."""
    rows = []
    for i in range(1, 201):
        customer = None if i % 25 == 0 else f"customer-{i % 37:02d}"
        status = STATUSES[0] if i % 2 == 0 else STATUSES[1]
        if i % 40 == 0:
            status = STATUSES[2]
        if i % 67 == 0:
            status = STATUSES[3]
        quantity = 50 if i % 33 == 0 else (i % 9) + 1
        amount = Decimal(f"{(i * 7) % 500 + 10}.{i % 100:02d}")
        ordered = dt.date(2024, 1, 1) + dt.timedelta(days=i % 120)
        rows.append((i, customer, status, quantity, amount, ordered))
    return rows


ORDER_SCHEMA = "order_id INT, customer STRING, status STRING, quantity INT, amount DECIMAL(10,2), ordered_on DATE"


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    from pyspark.sql import SparkSession

    warehouse = tmp_path_factory.mktemp("warehouse")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("dqx-notebook-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={warehouse}")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    session.sql("CREATE DATABASE IF NOT EXISTS dqx_test")
    session.createDataFrame(order_rows(), ORDER_SCHEMA).write.mode("overwrite").saveAsTable("dqx_test.orders")
    session.createDataFrame([], ORDER_SCHEMA).write.mode("overwrite").saveAsTable("dqx_test.empty_orders")
    yield session
    session.stop()


@pytest.fixture()
def ws():
    """DQX needs a WorkspaceClient; no workspace is reachable here (DQX documents this setup)."""
    from databricks.sdk import WorkspaceClient

    return MagicMock(spec=WorkspaceClient)


class FakeNotebook:
    """What `dbutils.notebook` does with exit(): the value is the run's notebook_output.result."""

    def __init__(self) -> None:
        self.exited: str | None = None

    def exit(self, value: str) -> None:
        if self.exited is not None:
            raise AssertionError("exit called twice")
        self.exited = value


class FakeWidgets:
    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def get(self, name: str) -> str:
        if name not in self.values:
            raise ValueError(f"No input widget named {name} is defined")  # as dbutils does
        return self.values[name]


class FakeDbutils:
    def __init__(self, widgets: dict[str, str] | None = None) -> None:
        self.notebook = FakeNotebook()
        self.widgets = FakeWidgets(widgets or {})


@pytest.fixture()
def dbutils_factory():
    return FakeDbutils


def generation_params(**overrides: str) -> dict[str, str]:
    base = {
        "contract_version": "1",
        "run_id": "gen-run-1",
        "catalog": "spark_catalog",
        "schema": "dqx_test",
        "table": "orders",
        "results_volume": "",
        "user_prompt": "order ids are unique; quantities between 1 and 10",
        "sample_limit": "",
        "sample_fraction": "1",
        "sample_seed": "",
        "criticality": "error",
        "profile_options": "{}",
        "ai_assisted": "false",
        "llm_endpoint": "",
    }
    base.update(overrides)
    return base


def validation_params(rules: str, **overrides: str) -> dict[str, str]:
    base = {
        "contract_version": "1",
        "run_id": "val-run-1",
        "catalog": "spark_catalog",
        "schema": "dqx_test",
        "table": "orders",
        "results_volume": "",
        "rules": rules,
        "rules_path": "",
        "row_limit": "",
        "failing_rows_sample": "5",
    }
    base.update(overrides)
    return base
