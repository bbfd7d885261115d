"""Dumps Spark's upper() and lower() of every Unicode code point that either changes, as JSON
{code point: [upper, lower]}, for scripts/java-case-table.ts (which keeps where DuckDB differs).

    tests/conformance/.venv/bin/python tests/conformance/case_mapping.py > /tmp/spark-case.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dqx_harness as h  # noqa: E402


def main() -> None:
    spark = h.spark_session()
    points = [(i, chr(i)) for i in range(0x110000) if not 0xD800 <= i <= 0xDFFF]
    spark.createDataFrame(points, "cp int, c string").createOrReplaceTempView("code_points")
    rows = spark.sql("SELECT cp, upper(c) AS u, lower(c) AS l FROM code_points WHERE upper(c) <> c OR lower(c) <> c").collect()
    json.dump({r.cp: [r.u, r.l] for r in rows}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
