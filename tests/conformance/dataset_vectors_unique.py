"""Vectors of ``is_unique``: single and composite keys, NULL keys with ``nulls_distinct`` on and
off, row filters (the filter both limits the rows counted and the rows reported), trimmed string
keys, and warnings. (An expression key such as ``lower(code)`` is not a vector: DQX reads key
columns with ``F.col`` and the whole apply fails on it.)

Added to the vector list by make_vectors.py (``add`` is called with its helpers)."""

from __future__ import annotations

KEYS = {
    "columns": [
        {"name": "id", "type": "int"},
        {"name": "code", "type": "string"},
        {"name": "region", "type": "string"},
        {"name": "amount", "type": "decimal(10,2)"},
        {"name": "day", "type": "date"},
    ],
    "rows": [
        [1, "A", "eu", "10.00", "2024-01-01"],
        [2, "A", "eu", "10.00", "2024-01-01"],
        [3, "B", "us", "-5.50", "2024-01-02"],
        [4, "B", None, None, None],
        [5, None, "eu", "0.00", "2024-01-03"],
        [6, None, "eu", "0.00", "2024-01-03"],
        [7, "C", None, "7.25", "2024-01-04"],
        [8, "C", None, "7.25", None],
        [9, " D", "us", "1.00", "2024-01-05"],
        [10, "D ", "us", "1.00", "2024-01-05"],
        [11, "E", "apac", "99.99", "2024-01-06"],
        [11, "F", "apac", "99.99", "2024-01-07"],
    ],
}


def add(*, vector, check, diff, tables) -> None:
    tables["keys"] = KEYS
    vector("is_unique-single", "keys", [check("is_unique", {"columns": ["code"]})])
    vector("is_unique-int-key-warn", "keys", [check("is_unique", {"columns": ["id"]}, criticality="warn")])
    vector("is_unique-composite", "keys", [check("is_unique", {"columns": ["code", "region"]})])
    vector(
        "is_unique-nulls-not-distinct",
        "keys",
        [
            check("is_unique", {"columns": ["code"], "nulls_distinct": False}),
            check("is_unique", {"columns": ["code", "region"], "nulls_distinct": False}, criticality="warn"),
        ],
    )
    vector("is_unique-filter", "keys", [check("is_unique", {"columns": ["region"]}, filter="id < 7")])
    vector("is_unique-trim-strings", "keys", [check("is_unique", {"columns": ["code"], "trim_strings": True})])
    vector(
        "is_unique-decimal-date-keys",
        "keys",
        [check("is_unique", {"columns": ["amount"]}), check("is_unique", {"columns": ["day", "amount"]}, criticality="warn")],
    )
    vector(
        "is_unique-with-row-rules",
        "keys",
        [
            check("is_not_null", {"column": "region"}),
            check("is_unique", {"columns": ["code"]}, criticality="warn"),
            check("is_unique", {"columns": ["id"]}, user_metadata={"owner": "sales"}),
        ],
    )
    vector("is_unique-missing-column", "keys", [check("is_unique", {"columns": ["code", "nope"]})])
    vector(
        "is_unique-row-filter-argument",
        "keys",
        [
            check("is_unique", {"columns": ["region"], "row_filter": "id >= 5"}),
            check("is_unique", {"columns": ["code"], "row_filter": "id > 2"}, filter="id < 9", criticality="warn"),
            check("is_unique", {"columns": ["code"], "row_filter": "no_such_col > 1"}, name="bad_row_filter"),
        ],
    )
