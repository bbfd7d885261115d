"""Runs real DQX (DQProfiler + DQGenerator, databricks-labs-dqx) on a profiler vector.

Shared by record.py (writes the expected outputs into the vectors) and test_profiler.py (re-runs DQX
and compares). Python values are encoded as tagged JSON so types survive: int, float, Decimal, date
and datetime become {"type": ..., "value": ...}; str, bool, None, lists and dicts stay plain.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

from pyspark.sql import SparkSession
from pyspark.sql import types as T

VECTOR_DIR = Path(__file__).parent / "vectors"


def spark_session() -> SparkSession:
    return (
        SparkSession.builder.master("local[1]")
        .appName("dqx-profiler-conformance")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "200")
        .getOrCreate()
    )


def load_vectors() -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(VECTOR_DIR.glob("*.json"))]


def quote_name(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def schema_of(vector: dict) -> T.StructType:
    ddl = ", ".join(f"{quote_name(c['name'])} {c['type']}" for c in vector["columns"])
    parsed = T._parse_datatype_string(ddl)  # pylint: disable=protected-access
    assert isinstance(parsed, T.StructType)
    return parsed


def to_python(value: Any, dtype: T.DataType) -> Any:
    if value is None:
        return None
    if isinstance(dtype, (T.ByteType, T.ShortType, T.IntegerType, T.LongType)):
        return int(value)
    if isinstance(dtype, (T.FloatType, T.DoubleType)):
        return float(value)
    if isinstance(dtype, T.DecimalType):
        return Decimal(value)
    if isinstance(dtype, T.StringType):
        return str(value)
    if isinstance(dtype, T.BooleanType):
        return bool(value)
    if isinstance(dtype, T.DateType):
        return dt.date.fromisoformat(value)
    if isinstance(dtype, T.TimestampNTZType):
        return dt.datetime.fromisoformat(value)
    if isinstance(dtype, T.TimestampType):
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.timezone.utc)
    if isinstance(dtype, T.BinaryType):
        return bytearray(base64.b64decode(value))
    if isinstance(dtype, T.ArrayType):
        return [to_python(v, dtype.elementType) for v in value]
    if isinstance(dtype, T.MapType):
        return {to_python(k, dtype.keyType): to_python(v, dtype.valueType) for k, v in value.items()}
    if isinstance(dtype, T.StructType):
        return tuple(to_python(value.get(f.name), f.dataType) for f in dtype.fields)
    raise TypeError(f"unsupported type {dtype}")


def dataframe_of(spark: SparkSession, vector: dict):
    schema = schema_of(vector)
    rows = [tuple(to_python(v, f.dataType) for v, f in zip(row, schema.fields)) for row in vector["rows"]]
    return spark.createDataFrame(rows, schema)


def encode(value: Any) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return {"type": "int", "value": str(value)}
    if isinstance(value, float):
        if math.isnan(value):
            return {"type": "float", "value": "nan"}
        if math.isinf(value):
            return {"type": "float", "value": "inf" if value > 0 else "-inf"}
        return {"type": "float", "value": value}
    if isinstance(value, Decimal):
        return {"type": "decimal", "value": str(value)}
    if isinstance(value, dt.datetime):
        return {"type": "datetime", "value": value.isoformat()}
    if isinstance(value, dt.date):
        return {"type": "date", "value": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    raise TypeError(f"cannot encode {type(value)}: {value!r}")


def check_full_data(vector: dict) -> None:
    """DQX must profile every row: no sampling below 1.0 and a limit covering the rows (or none)."""
    options = vector["options"]
    assert options.get("sample_fraction") in (1.0, None), f"{vector['name']}: sample_fraction must be 1.0"
    limit = options.get("limit")
    assert not limit or limit >= len(vector["rows"]), f"{vector['name']}: limit below the row count"


def run_dqx(spark: SparkSession, vector: dict) -> dict:
    # Imported here so that collecting tests does not need the library.
    from databricks.labs.dqx.profiler.generator import DQGenerator
    from databricks.labs.dqx.profiler.profiler import DQProfiler
    from databricks.sdk import WorkspaceClient
    from databricks.labs.dqx.__version__ import __version__ as dqx_version
    import pyspark

    check_full_data(vector)
    ws = MagicMock(spec=WorkspaceClient)
    df = dataframe_of(spark, vector)
    options = dict(vector["options"])
    summary_stats, profiles = DQProfiler(ws, spark).profile(df, options=options)
    rules = DQGenerator(ws).generate_dq_rules(profiles, criticality=vector["criticality"])
    rows_profiled = df.filter(options["filter"]).count() if options.get("filter") else df.count()
    return {
        "recorded_with": {"databricks-labs-dqx": dqx_version, "pyspark": pyspark.__version__},
        "rows_profiled": rows_profiled,
        "summary_stats": encode(summary_stats),
        "profiles": [
            {
                "name": p.name,
                "column": p.column,
                "description": p.description,
                "parameters": encode(p.parameters),
                "filter": p.filter,
            }
            for p in profiles
        ],
        "rules": encode(rules),
    }
