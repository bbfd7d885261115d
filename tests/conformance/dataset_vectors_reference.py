"""Vectors of the reference dataset-level checks: ``foreign_key`` (single, composite and null-safe
keys, negate, filters), ``compare_datasets`` (value changes, extra rows, NULL keys, duplicate keys
paired by compared values, tolerances, excluded and map columns, renamed keys),
filtered pairing (exact-value matches first, in-scope rows first),
``sql_query`` (dataset mode, merge columns, negate, custom placeholder and condition column,
filters, joins to a reference table, CTEs, zero rows) and ``has_valid_schema`` (permissive and
strict, DDL or reference table, column selection and exclusion; the harness's ``__row_idx`` column
is part of "all input columns").

``compare_datasets`` with ``check_missing_records`` adds the reference rows no source row takes
(every other rule of the set is evaluated on them too; they have no ``__row_idx`` and are ordered
after the input rows, see ``dqx_harness.added_row_key``).

Not vectors (they cannot be recorded or do not run on the fast path, see the unit tests):
``ref_df_name`` (a DataFrame handed to DQX in code), a ``sql_query`` without merge columns
returning several rows (DQX fails the whole apply; our statement fails the same way).

Added to the vector list by make_vectors.py (``add`` is called with its helpers)."""

from __future__ import annotations

ORDERS = {
    "columns": [
        {"name": "id", "type": "int"},
        {"name": "cust", "type": "int"},
        {"name": "code", "type": "string"},
        {"name": "region", "type": "string"},
        {"name": "amount", "type": "decimal(10,2)"},
        {"name": "price", "type": "double"},
    ],
    "rows": [
        [1, 10, "A", "eu", "10.00", 1.5],
        [2, 11, "B", "us", "20.50", 2.25],
        [3, 99, "C", "eu", "5.00", 1e10],
        [4, None, "D", None, "0.00", None],
        [5, 12, None, "apac", "7.25", -0.5],
        [6, 10, "A", "us", "10.00", 3.0],
        [7, 13, "it's \"q\"", "eu", None, 100.0],
        [8, 98, "F", "us", "1.00", 0.1],
    ],
}

REF_CUSTOMERS = {
    "columns": [
        {"name": "cid", "type": "int"},
        {"name": "cname", "type": "string"},
        {"name": "cregion", "type": "string"},
    ],
    "rows": [
        [10, "Ann", "eu"],
        [11, "Bob", "us"],
        [12, "Cy", "apac"],
        [12, "Cy2", "apac"],
        [None, "Nul", None],
        [13, "Eve", "us"],
    ],
}

REF_CODES = {
    "columns": [{"name": "code", "type": "string"}],
    "rows": [["A"], ["C"], ["it's \"q\""], [None]],
}

CMP_SRC = {
    "columns": [
        {"name": "id", "type": "int"},
        {"name": "name", "type": "string"},
        {"name": "score", "type": "double"},
        {"name": "amount", "type": "decimal(10,2)"},
        {"name": "active", "type": "boolean"},
        {"name": "tags", "type": "map<string,string>"},
        {"name": "only_src", "type": "string"},
    ],
    "rows": [
        [1, "a", 1.0, "1.00", True, {"k": "v"}, "x"],
        [2, "b", 2.0, "2.00", False, {}, "y"],
        [3, None, 3.5, "3.00", None, None, None],
        [4, "d", 100.0, "4.00", True, None, "z"],
        [None, "n", 0.0, "0.00", False, None, None],
        [6, "dup", 1.0, "6.00", True, None, None],
        [6, "dup2", 2.0, "6.50", True, None, None],
        [7, "q\"uote\\", -1.5, "7.00", True, None, None],
        [8, "ü/€", 1e-5, "8.00", True, None, None],
    ],
}

CMP_REF_ROWS = [
    [1, "a", 1.0, "1.00", True, {"k": "other"}, 5],
    [2, "B", 2.0, "2.00", False, {}, 6],
    [3, None, 3.6, "3.01", None, None, 7],
    [None, "n", 0.0, "0.00", True, None, 8],
    [6, "dup", 1.0, "6.00", True, None, 9],
    [6, "dupX", 2.0, "6.50", True, None, 10],
    [7, "q'uote", -1.5, "7.00", True, None, 11],
    [8, "ü/€", 2e-5, "8.00", None, None, 12],
    [9, "missing", 9.0, "9.00", True, None, 13],
]

CMP_REF = {
    "columns": [
        {"name": "id", "type": "int"},
        {"name": "name", "type": "string"},
        {"name": "score", "type": "double"},
        {"name": "amount", "type": "decimal(10,2)"},
        {"name": "active", "type": "boolean"},
        {"name": "tags", "type": "map<string,string>"},
        {"name": "only_ref", "type": "int"},
    ],
    "rows": CMP_REF_ROWS,
}

CMP_REF_RENAMED = {
    "columns": [{"name": "rid", "type": "int"}, *CMP_REF["columns"][1:]],
    "rows": CMP_REF_ROWS,
}

# pairing with a filter: exact-value matches first, in-scope rows before out-of-scope ones
CMP_PAIRS = {
    "columns": [
        {"name": "id", "type": "int"},
        {"name": "grp", "type": "int"},
        {"name": "val", "type": "string"},
        {"name": "flag", "type": "boolean"},
    ],
    "rows": [
        [1, 1, "b", True],
        [2, 1, "c", True],
        [3, 2, "a", True],
        [4, 2, "0", False],
        [5, 3, "x", True],
        [6, 3, "y", True],
        [7, 4, "z", None],
        [8, None, "n", True],
        [9, 6, "q", True],
        [10, 6, "p", False],
    ],
}

CMP_PAIRS_REF = {
    "columns": [{"name": "grp", "type": "int"}, {"name": "val", "type": "string"}],
    "rows": [[1, "a"], [1, "b"], [2, "a"], [3, "w"], [3, "x2"], [3, "y"], [None, "n"], [4, "zz"], [6, "p"]],
}

# unique keys on both sides (raise_on_duplicate_keys passes and pairs one-to-one)
CMP_UNIQ = {**CMP_SRC, "rows": [r for r in CMP_SRC["rows"] if r[1] != "dup2"]}
CMP_REF_UNIQ = {**CMP_REF, "rows": [r for r in CMP_REF_ROWS if r[1] != "dupX"]}


def add(*, vector, check, diff, tables) -> None:
    tables["ref_orders"] = ORDERS
    tables["cmp_src"] = CMP_SRC
    tables["cmp_uniq"] = CMP_UNIQ
    tables["cmp_pairs"] = CMP_PAIRS
    customers = {"ref_customers": REF_CUSTOMERS}
    codes = {"ref_codes": REF_CODES}

    # --- foreign_key
    fk = {"columns": ["cust"], "ref_columns": ["cid"], "ref_table": "ref_customers"}
    vector("foreign_key-single", "ref_orders", [check("foreign_key", fk)], ref_tables=customers)
    vector(
        "foreign_key-negate-warn",
        "ref_orders",
        [check("foreign_key", {**fk, "negate": True}, criticality="warn")],
        ref_tables=customers,
    )
    vector(
        "foreign_key-composite",
        "ref_orders",
        [check("foreign_key", {"columns": ["cust", "region"], "ref_columns": ["cid", "cregion"], "ref_table": "ref_customers"})],
        ref_tables=customers,
    )
    vector(
        "foreign_key-null-safe",
        "ref_orders",
        [
            check("foreign_key", {**fk, "null_safe": True}),
            check(
                "foreign_key",
                {"columns": ["cust", "region"], "ref_columns": ["cid", "cregion"], "ref_table": "ref_customers", "null_safe": True, "negate": True},
                criticality="warn",
            ),
        ],
        ref_tables=customers,
    )
    vector(
        "foreign_key-filter",
        "ref_orders",
        [check("foreign_key", fk, filter="region = 'eu'"), check("foreign_key", {**fk, "row_filter": "id > 4"}, criticality="warn")],
        ref_tables=customers,
    )
    vector(
        "foreign_key-filter-and-row-filter",
        "ref_orders",
        [
            # the rule filter is pushed down as row_filter and wins over the argument
            check("foreign_key", {**fk, "row_filter": "id > 4"}, filter="region = 'eu'"),
            check("foreign_key", {**fk, "row_filter": "nope > 1"}, criticality="warn"),
        ],
        ref_tables=customers,
    )
    vector(
        "foreign_key-string-key-with-row-rules",
        "ref_orders",
        [
            check("is_not_null", {"column": "code"}),
            check("foreign_key", {"columns": ["code"], "ref_columns": ["code"], "ref_table": "ref_codes"}, user_metadata={"owner": "ref"}),
            check("foreign_key", {"columns": ["code"], "ref_columns": ["code"], "ref_table": "ref_codes", "null_safe": True}, criticality="warn"),
        ],
        ref_tables=codes,
    )
    vector(
        "foreign_key-missing-column",
        "ref_orders",
        [check("foreign_key", {"columns": ["nope"], "ref_columns": ["cid"], "ref_table": "ref_customers"})],
        ref_tables=customers,
    )

    # --- compare_datasets
    cmp = {"columns": ["id"], "ref_columns": ["id"], "ref_table": "cmp_ref"}
    cmp_ref = {"cmp_ref": CMP_REF}
    vector("compare_datasets-basic", "cmp_src", [check("compare_datasets", cmp)], ref_tables=cmp_ref)
    vector(
        "compare_datasets-exclude-warn",
        "cmp_src",
        [check("compare_datasets", {**cmp, "exclude_columns": ["name", "active"]}, criticality="warn")],
        ref_tables=cmp_ref,
    )
    vector(
        "compare_datasets-abs-tolerance",
        "cmp_src",
        [check("compare_datasets", {**cmp, "abs_tolerance": 0.2})],
        ref_tables=cmp_ref,
    )
    vector(
        "compare_datasets-rel-tolerance",
        "cmp_src",
        [check("compare_datasets", {**cmp, "rel_tolerance": 0.05, "null_safe_column_value_matching": False})],
        ref_tables=cmp_ref,
    )
    vector(
        "compare_datasets-not-null-safe",
        "cmp_src",
        [
            check("compare_datasets", {**cmp, "null_safe_row_matching": False}),
            check("compare_datasets", {**cmp, "null_safe_column_value_matching": False}, criticality="warn"),
        ],
        ref_tables=cmp_ref,
    )
    vector(
        "compare_datasets-renamed-key",
        "cmp_src",
        [check("compare_datasets", {"columns": ["id"], "ref_columns": ["rid"], "ref_table": "cmp_ref_renamed"})],
        ref_tables={"cmp_ref_renamed": CMP_REF_RENAMED},
    )
    vector(
        "compare_datasets-composite-key",
        "cmp_src",
        [check("compare_datasets", {"columns": ["id", "name"], "ref_columns": ["id", "name"], "ref_table": "cmp_ref"})],
        ref_tables=cmp_ref,
    )
    vector(
        "compare_datasets-nothing-compared",
        "cmp_src",
        [check("compare_datasets", {**cmp, "exclude_columns": ["name", "score", "amount", "active"]})],
        ref_tables=cmp_ref,
    )
    vector(
        "compare_datasets-unique-keys-with-row-rules",
        "cmp_uniq",
        [
            check("is_not_null", {"column": "name"}, criticality="warn"),
            check("compare_datasets", {**cmp, "ref_table": "cmp_ref_uniq", "raise_on_duplicate_keys": True}),
        ],
        ref_tables={"cmp_ref_uniq": CMP_REF_UNIQ},
    )
    pairs = {"columns": ["grp"], "ref_columns": ["grp"], "ref_table": "cmp_pairs_ref"}
    vector(
        "compare_datasets-filter-exact-first",
        "cmp_pairs",
        [check("compare_datasets", pairs, filter="flag")],
        ref_tables={"cmp_pairs_ref": CMP_PAIRS_REF},
    )
    vector(
        "compare_datasets-filter-not-null-safe-warn",
        "cmp_pairs",
        [
            check("compare_datasets", {**pairs, "null_safe_row_matching": False}, criticality="warn", filter="flag"),
            check("compare_datasets", {**pairs, "row_filter": "id <> 3"}),
        ],
        ref_tables={"cmp_pairs_ref": CMP_PAIRS_REF},
    )
    vector(
        "compare_datasets-filter-tolerance",
        "cmp_src",
        [check("compare_datasets", {**cmp, "abs_tolerance": 0.2}, filter="id <> 2")],
        ref_tables=cmp_ref,
    )
    vector(
        "compare_datasets-filter-unique-keys",
        "cmp_uniq",
        [check("compare_datasets", {**cmp, "ref_table": "cmp_ref_uniq", "raise_on_duplicate_keys": True}, filter="score > 1")],
        ref_tables={"cmp_ref_uniq": CMP_REF_UNIQ},
    )
    # check_missing_records: reference rows no source row takes become output rows (the key from
    # the reference, every other column NULL) that every rule of the set then sees
    vector(
        "compare_datasets-missing-records",
        "cmp_src",
        [
            check("is_unique", {"columns": ["id"]}),
            check("compare_datasets", {**cmp, "check_missing_records": True}),
            check("is_not_null", {"column": "name"}, criticality="warn"),
            check("is_aggr_not_greater_than", {"column": "id", "aggr_type": "count", "limit": 8}, criticality="warn"),
            check("is_unique", {"columns": ["only_src"]}, criticality="warn"),
        ],
        ref_tables=cmp_ref,
    )
    vector(
        "compare_datasets-missing-records-dataset-rules-before",
        "cmp_src",
        [
            check("has_valid_schema", {"expected_schema": "id STRING"}),
            check("is_aggr_not_greater_than", {"column": "id", "aggr_type": "count", "limit": 5}),
            check("compare_datasets", {**cmp, "check_missing_records": True}),
            check("is_aggr_not_greater_than", {"column": "id", "aggr_type": "count", "limit": 5}, criticality="warn"),
        ],
        ref_tables=cmp_ref,
    )
    vector(
        "compare_datasets-missing-records-not-null-safe",
        "cmp_src",
        [
            check(
                "compare_datasets",
                {**cmp, "check_missing_records": True, "null_safe_row_matching": False, "null_safe_column_value_matching": False, "row_filter": "id <> 2"},
                criticality="warn",
            ),
            check("is_not_null", {"column": "id"}),
        ],
        ref_tables=cmp_ref,
    )
    vector(
        "compare_datasets-missing-records-renamed-tolerance",
        "cmp_src",
        [check("compare_datasets", {"columns": ["id"], "ref_columns": ["rid"], "ref_table": "cmp_ref_renamed", "check_missing_records": True, "abs_tolerance": 0.2})],
        ref_tables={"cmp_ref_renamed": CMP_REF_RENAMED},
    )
    vector(
        "compare_datasets-missing-records-composite",
        "cmp_src",
        [check("compare_datasets", {"columns": ["id", "name"], "ref_columns": ["id", "name"], "ref_table": "cmp_ref", "check_missing_records": True})],
        ref_tables=cmp_ref,
    )
    vector(
        "compare_datasets-missing-records-row-filter",
        "cmp_pairs",
        [
            check("compare_datasets", {**pairs, "check_missing_records": True, "row_filter": "flag"}),
            check("is_not_null", {"column": "flag"}, criticality="warn"),
        ],
        ref_tables={"cmp_pairs_ref": CMP_PAIRS_REF},
    )
    vector(
        "compare_datasets-missing-records-rule-filter",
        "cmp_pairs",
        [
            check("compare_datasets", {**pairs, "check_missing_records": True, "null_safe_row_matching": False}, filter="flag"),
            check("is_unique", {"columns": ["grp"]}, criticality="warn"),
        ],
        ref_tables={"cmp_pairs_ref": CMP_PAIRS_REF},
    )
    vector(
        "compare_datasets-missing-records-unique-keys",
        "cmp_uniq",
        [
            check("compare_datasets", {**cmp, "ref_table": "cmp_ref_uniq", "raise_on_duplicate_keys": True, "check_missing_records": True}, filter="id IS NOT NULL OR score > -1"),
        ],
        ref_tables={"cmp_ref_uniq": CMP_REF_UNIQ},
    )
    vector(
        "compare_datasets-missing-column",
        "cmp_src",
        [check("compare_datasets", {**cmp, "columns": ["nope"]})],
        ref_tables=cmp_ref,
    )

    # --- sql_query
    vector(
        "sql_query-dataset",
        "ref_orders",
        [
            check("sql_query", {"query": "SELECT count(*) > 100 AS condition FROM {{ input_view }}"}),
            check(
                "sql_query",
                {"query": "SELECT sum(amount) > 10 AS condition FROM {{input_view}}", "msg": "total too high", "name": "total_check"},
                criticality="warn",
            ),
        ],
    )
    vector(
        "sql_query-merge",
        "ref_orders",
        [check("sql_query", {"query": "SELECT id, amount > 9 AS condition FROM {{ input_view }}", "merge_columns": ["id"]})],
    )
    vector(
        "sql_query-negate-placeholder-condition",
        "ref_orders",
        [
            check(
                "sql_query",
                {
                    "query": "SELECT id, price < 50 AS ok FROM {{ src }} WHERE code IS NOT NULL",
                    "merge_columns": ["id"],
                    "negate": True,
                    "input_placeholder": "src",
                    "condition_column": "ok",
                },
            )
        ],
    )
    vector(
        "sql_query-filter",
        "ref_orders",
        [
            check("sql_query", {"query": "SELECT count(*) = 3 AS condition FROM {{ input_view }}"}, filter="region = 'eu'"),
            check(
                "sql_query",
                {"query": "SELECT id, cust IS NULL OR cust > 50 AS condition FROM {{ input_view }}", "merge_columns": ["id"]},
                criticality="warn",
                filter="price < 100",
            ),
        ],
    )
    vector(
        "sql_query-row-filter-argument",
        "ref_orders",
        [
            check("sql_query", {"query": "SELECT count(*) > 2 AS condition FROM {{ input_view }}", "row_filter": "region = 'us'"}),
            check(
                "sql_query",
                {"query": "SELECT region, count(*) > 1 AS condition FROM {{ input_view }} GROUP BY region", "merge_columns": ["region"], "row_filter": "id < 7"},
                criticality="warn",
            ),
        ],
    )
    vector(
        "sql_query-join-reference",
        "ref_orders",
        [
            check(
                "sql_query",
                {
                    "query": "SELECT o.id, c.cid IS NULL AS condition FROM {{ input_view }} o LEFT JOIN ref_customers c ON o.cust = c.cid",
                    "merge_columns": ["id"],
                    "name": "unknown_customer",
                },
            ),
            check(
                "sql_query",
                {
                    "query": "WITH per AS (SELECT cust, count(*) AS n FROM {{ input_view }} GROUP BY cust) "
                    "SELECT per.cust, per.n > 1 AS condition FROM per, ref_customers r WHERE per.cust = r.cid",
                    "merge_columns": ["cust"],
                },
                criticality="warn",
            ),
        ],
        ref_tables=customers,
    )
    vector(
        "sql_query-null-merge-keys",
        "ref_orders",
        [
            check(
                "sql_query",
                {"query": "SELECT region, max(price) > 2 AS condition FROM {{ input_view }} GROUP BY region", "merge_columns": ["region"]},
            )
        ],
    )
    vector(
        "sql_query-zero-rows-and-row-rules",
        "ref_orders",
        [
            check("is_not_null", {"column": "cust"}),
            check("sql_query", {"query": "SELECT TRUE AS condition FROM {{ input_view }} WHERE id > 1000"}),
            check("sql_query", {"query": "SELECT FALSE AS condition"}, criticality="warn", user_metadata={"k": "v"}),
            check("sql_query", {"query": "SELECT TRUE AS condition"}, criticality="warn", name="always", filter="id = 2"),
        ],
    )

    # --- has_valid_schema
    vector(
        "has_valid_schema-permissive",
        "ref_orders",
        [
            check("has_valid_schema", {"expected_schema": "id INT, cust BIGINT, code STRING, amount DOUBLE"}),
            check("has_valid_schema", {"expected_schema": "id STRING, missing INT, price DECIMAL(5,1), region DATE"}, criticality="warn"),
        ],
    )
    vector(
        "has_valid_schema-strict",
        "ref_orders",
        [
            check(
                "has_valid_schema",
                {"expected_schema": "id INT, cust INT, code STRING, region STRING, amount DECIMAL(10,2), price DOUBLE", "strict": True},
            ),
            check(
                "has_valid_schema",
                {
                    "expected_schema": "id INT, cust INT, code STRING, region STRING, amount DECIMAL(10,2), price DOUBLE, __row_idx BIGINT NOT NULL",
                    "strict": True,
                },
                criticality="warn",
            ),
        ],
    )
    vector(
        "has_valid_schema-strict-columns",
        "ref_orders",
        [
            check("has_valid_schema", {"expected_schema": "id INT NOT NULL, name STRING, amount DECIMAL(12,2)", "columns": ["id", "code", "amount"], "strict": True}),
            check("has_valid_schema", {"expected_schema": "code STRING, id INT", "columns": ["id", "code"], "strict": True}, criticality="warn"),
        ],
    )
    vector(
        "has_valid_schema-exclude",
        "ref_orders",
        [
            check(
                "has_valid_schema",
                {"expected_schema": "id INT, cust INT, code STRING, region STRING, amount DECIMAL(10,2), price DOUBLE", "strict": True, "exclude_columns": ["__row_idx"]},
            ),
            check("has_valid_schema", {"expected_schema": "id INT, price FLOAT", "exclude_columns": ["price"]}, criticality="warn"),
        ],
    )
    vector(
        "has_valid_schema-ref-table",
        "ref_orders",
        [
            check("has_valid_schema", {"ref_table": "ref_customers"}),
            check("has_valid_schema", {"ref_table": "ref_codes", "columns": ["code"], "strict": True}, criticality="warn"),
        ],
        ref_tables={**customers, **codes},
    )
    vector(
        "has_valid_schema-filter-and-row-rules",
        "ref_orders",
        [
            check("is_not_null", {"column": "cust"}),
            check("has_valid_schema", {"expected_schema": "id INT, nope STRING"}, filter="id > 4", criticality="warn"),
        ],
    )
    vector(
        "has_valid_schema-nested-types",
        "cmp_src",
        [
            check("has_valid_schema", {"expected_schema": "tags MAP<STRING, INT>, active BOOLEAN, score FLOAT"}),
            check("has_valid_schema", {"expected_schema": "tags MAP<STRING, STRING>, id INT", "columns": ["tags", "id"], "strict": True}, criticality="warn"),
        ],
    )
    vector(
        "has_valid_schema-missing-column",
        "ref_orders",
        [check("has_valid_schema", {"expected_schema": "id INT", "columns": ["id", "nope"]})],
    )
