"""Conversion of values from Spark and DQX into the JSON the contract allows."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import math
from decimal import Decimal
from typing import Any


def to_json_value(value: Any) -> Any:
    """Strings, finite numbers, booleans, null, lists and string-keyed objects only.

    Decimals become strings (exact), dates ISO dates, datetimes ISO timestamps, non-finite floats
    strings ('NaN', 'Infinity'), bytes base64 text.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json_value(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_json_value(dataclasses.asdict(value))
    if hasattr(value, "asDict"):
        return to_json_value(value.asDict(recursive=True))
    return str(value)
