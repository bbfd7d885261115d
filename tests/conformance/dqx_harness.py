"""Shared helpers of the conformance suite: a local Spark session, a DQX engine with a mocked
workspace client (the documented way to run DQX without Databricks), and the conversion of
vectors to DataFrames and of results to the JSON form the vectors store.

Nothing here decides what DQX should output: expected values are always produced by running the
real library, and comparisons are plain equality after the normalisation described in
``normalize_entry``.
"""

from __future__ import annotations

import datetime
import decimal
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

HERE = Path(__file__).resolve().parent
VECTORS_DIR = HERE / "vectors"
VALIDATION_FILE = HERE / "validation" / "cases.json"
FINGERPRINTS_FILE = HERE / "fingerprints" / "cases.json"
FILES_FILE = HERE / "files" / "cases.json"

RUN_TIME = "2025-01-01T00:00:00"
RUN_ID = "conformance-run"

os.environ.setdefault("TZ", "UTC")
# Python UDF workers (DQX's IPv6 checks are pandas UDFs) must use this interpreter, not the system one.
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
try:
    time.tzset()
except AttributeError:  # pragma: no cover - not on Windows
    pass


def run_node_script(script: str, *args: str) -> None:
    """Runs one of the repository's TypeScript scripts (``npx tsx``), which writes its output file."""
    import shutil
    import subprocess

    import pytest

    npx = shutil.which("npx")
    if npx is None:
        pytest.fail("npx is required to run the TypeScript side of the suite (Node 20+)")
    subprocess.run(
        [npx, "tsx", script, *args],
        cwd=HERE.parents[1],
        check=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=600,
    )


def spark_session():
    """One local Spark session (getOrCreate, so other conftests share it)."""
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[1]")
        .appName("dqx-conformance")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
        # The vectors are a few rows each: compiling a whole-stage Java class and re-planning
        # adaptively costs more than running them (about 40% of the suite's time). Results are the
        # same with and without both: Spark's interpreted and generated paths share the semantics.
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.sql.adaptive.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    return spark


def dqx_engine(spark):
    from databricks.labs.dqx.config import ExtraParams
    from databricks.labs.dqx.engine import DQEngine
    from databricks.sdk import WorkspaceClient

    ws = MagicMock(spec=WorkspaceClient)
    return DQEngine(
        workspace_client=ws,
        spark=spark,
        extra_params=ExtraParams(run_time_overwrite=RUN_TIME, run_id_overwrite=RUN_ID),
    )


# ------------------------------------------------------------------------------------------------
# JSON values of vectors (Python values with DQX's markers for what JSON cannot carry)


def from_model(value: Any) -> Any:
    """Model JSON -> Python value as DQX reads it from a checks file."""
    if isinstance(value, dict):
        if len(value) == 1:
            (key, inner), = value.items()
            if isinstance(inner, str):
                if key == "__decimal__":
                    return decimal.Decimal(inner)
                if key == "__float__":
                    return float(inner)
                if key == "__int__":
                    return int(inner)
                if key == "__date__":
                    return datetime.date.fromisoformat(inner)
                if key == "__datetime__":
                    return datetime.datetime.fromisoformat(inner)
        return {k: from_model(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_model(v) for v in value]
    return value


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# ------------------------------------------------------------------------------------------------
# Input rows


def _parse_value(value: Any, spark_type) -> Any:
    """A vector cell (JSON) -> a Python value for ``spark_type``."""
    from pyspark.sql import types as T

    if value is None:
        return None
    if isinstance(spark_type, (T.DateType,)):
        return datetime.date.fromisoformat(value)
    if isinstance(spark_type, (T.TimestampType, T.TimestampNTZType)):
        text = value.replace("Z", "+00:00")
        dt = datetime.datetime.fromisoformat(text)
        if dt.tzinfo is not None:
            dt = dt.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return dt
    if isinstance(spark_type, T.DecimalType):
        return decimal.Decimal(str(value))
    if isinstance(spark_type, (T.DoubleType, T.FloatType)):
        if isinstance(value, str):
            return float(value)
        return float(value)
    if isinstance(spark_type, T.BinaryType):
        return bytearray(value.encode("utf-8"))
    if isinstance(spark_type, T.ArrayType):
        return [_parse_value(v, spark_type.elementType) for v in value]
    if isinstance(spark_type, T.MapType):
        return {_parse_value(k, spark_type.keyType): _parse_value(v, spark_type.valueType) for k, v in value.items()}
    if isinstance(spark_type, T.StructType):
        return tuple(_parse_value(value.get(f.name), f.dataType) for f in spark_type.fields)
    return value


def register_ref_tables(spark, vector: dict) -> dict:
    """The vector's reference tables as temp views named as the rules name them (``ref_table``);
    returns them as DataFrames too (``ref_dfs``)."""
    out = {}
    for name, table in (vector.get("ref_tables") or {}).items():
        df = input_dataframe(spark, table)
        df.createOrReplaceTempView(name)
        out[name] = df
    return out


def input_dataframe(spark, vector: dict):
    from pyspark.sql import types as T

    schema = T.StructType(
        [T.StructField(c["name"], T._parse_datatype_string(c["type"]), True) for c in vector["columns"]]
    )
    rows = [
        tuple(_parse_value(row[i], f.dataType) for i, f in enumerate(schema.fields)) for row in vector["rows"]
    ]
    return spark.createDataFrame(rows, schema)


# ------------------------------------------------------------------------------------------------
# Results


def normalize_entry(entry) -> dict | None:
    """A result struct as stored in vectors: every field but run_time and run_id."""
    if entry is None:
        return None
    d = entry.asDict(recursive=True)
    d.pop("run_time", None)
    d.pop("run_id", None)
    um = d.get("user_metadata")
    if um is not None:
        d["user_metadata"] = dict(sorted(um.items()))
    return d


def added_row_key(row: dict) -> str:
    """Orders the rows a check adds (no row index: compare_datasets' missing records) by their entries."""
    parts = [f"{e['name']}\x1e{e['message'] or ''}" for e in (row["errors"] or [])]
    parts.append("\x1d")
    parts += [f"{e['name']}\x1e{e['message'] or ''}" for e in (row["warnings"] or [])]
    return "\x1f".join(parts)


def result_rows(df, errors_col="_errors", warnings_col="_warnings") -> list[dict]:
    """The _errors/_warnings of every row, in input order (a row-index column orders them); rows a
    check added (NULL row index) follow, ordered by ``added_row_key``."""
    from pyspark.sql import functions as F

    out = []
    added = []
    for row in df.orderBy(F.col("__row_idx").asc_nulls_last()).collect():
        errors = row[errors_col]
        warnings = row[warnings_col]
        entry = {
            "errors": None if errors is None else [normalize_entry(e) for e in errors],
            "warnings": None if warnings is None else [normalize_entry(e) for e in warnings],
        }
        (out if row["__row_idx"] is not None else added).append(entry)
    return out + sorted(added, key=added_row_key)


def split_counts(rows: list[dict]) -> dict:
    total = len(rows)
    errors = sum(1 for r in rows if r["errors"] is not None)
    warnings_only = sum(1 for r in rows if r["errors"] is None and r["warnings"] is not None)
    return {
        "total": total,
        "valid": sum(1 for r in rows if r["errors"] is None),
        "invalid": sum(1 for r in rows if r["errors"] is not None or r["warnings"] is not None),
        "error_rows": errors,
        "warning_only_rows": warnings_only,
    }


# ------------------------------------------------------------------------------------------------
# "now" in messages: checks that compare with the current time put it in their messages. Such
# vectors list the offsets (seconds) at which the current time appears; any date or timestamp in a
# message within a few seconds of (run time + offset) is replaced by a token, identically when
# recording and when testing.

_TS = re.compile(r"\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)?")


def mask_now(text: str | None, offsets: list[int], start: float, end: float) -> str | None:
    if text is None or not offsets:
        return text

    def repl(m: re.Match) -> str:
        s = m.group(0)
        try:
            if " " in s:
                dt = datetime.datetime.fromisoformat(s).replace(tzinfo=datetime.timezone.utc)
                epoch = dt.timestamp()
                for off in offsets:
                    if start + off - 5 <= epoch <= end + off + 5:
                        return f"<now{off:+d}s>"
            else:
                d = datetime.date.fromisoformat(s)
                for off in offsets:
                    days = {
                        datetime.datetime.fromtimestamp(start + off, datetime.timezone.utc).date(),
                        datetime.datetime.fromtimestamp(end + off, datetime.timezone.utc).date(),
                    }
                    if d in days:
                        return f"<today{off:+d}s>"
        except ValueError:
            return s
        return s

    return _TS.sub(repl, text)


def mask_rows(rows: list[dict], offsets: list[int], start: float, end: float) -> list[dict]:
    if not offsets:
        return rows
    out = []
    for r in rows:
        masked = {}
        for key in ("errors", "warnings"):
            entries = r[key]
            if entries is None:
                masked[key] = None
                continue
            masked[key] = [{**e, "message": mask_now(e["message"], offsets, start, end)} for e in entries]
        out.append(masked)
    return out


def run_dqx(spark, engine, vector: dict) -> tuple[list[dict], float, float]:
    """Apply the vector's checks through DQX's apply_checks_by_metadata; returns rows and timing."""
    from databricks.labs.dqx.checks_serializer import ChecksNormalizer
    from pyspark.sql import functions as F

    df = input_dataframe(spark, vector)
    df = df.withColumn("__row_idx", F.monotonically_increasing_id())
    ref_dfs = register_ref_tables(spark, vector)
    checks = ChecksNormalizer.denormalize(from_model(vector["checks"]))
    start = time.time()
    result = engine.apply_checks_by_metadata(df, checks, ref_dfs=ref_dfs or None)
    rows = result_rows(result)
    end = time.time()
    return rows, start, end
