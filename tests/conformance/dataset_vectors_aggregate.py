"""Vectors of the aggregate dataset-level checks: ``is_aggr_not_greater_than``,
``is_aggr_not_less_than``, ``is_aggr_equal``, ``is_aggr_not_equal`` (every curated aggregate,
``*``, group_by, tolerances, literal / column / expression limits), ``aggr_matches_dataset``
(reference tables, ref_column, ref_group_by, ref_row_filter), ``has_no_outliers`` and
``has_no_aggr_outliers`` (time buckets, lookback / warmup, groups).

Aggregates DuckDB cannot reproduce run in a DQX job there (approx_count_distinct, mode without
``deterministic``); their vectors declare the rows those rules fail on as known DuckDB differences.

Added to the vector list by make_vectors.py (``add`` is called with its helpers)."""

from __future__ import annotations

SALES = {
    "columns": [
        {"name": "id", "type": "int"},
        {"name": "region", "type": "string"},
        {"name": "cat", "type": "string"},
        {"name": "amount", "type": "decimal(10,2)"},
        {"name": "qty", "type": "int"},
        {"name": "price", "type": "double"},
        {"name": "flag", "type": "boolean"},
        {"name": "day", "type": "date"},
        {"name": "big", "type": "bigint"},
        {"name": "lim", "type": "int"},
    ],
    "rows": [
        [1, "eu", "a", "10.00", 1, 1.5, True, "2024-01-01", 10000000000, 3],
        [2, "eu", "a", "20.50", 2, 2.25, False, "2024-01-01", 5, 3],
        [3, "eu", "b", "5.25", 3, 0.1, True, "2024-01-02", -7, 3],
        [4, "us", "a", "100.00", 4, 10.0, True, "2024-01-02", 0, 5],
        [5, "us", "b", None, 5, None, None, "2024-01-03", None, 5],
        [6, "us", "b", "7.75", None, 3.75, False, "2024-01-03", 12, None],
        [7, None, "a", "1.10", 7, 0.2, True, "2024-01-04", 3, 1],
        [8, None, None, "-3.00", 8, -1.0, False, None, 3, 1],
        [9, "apac", "c", "42.42", 9, 1e10, True, "2024-01-05", 9, 2],
        [10, "apac", "c", "42.42", 9, 0.3, True, "2024-01-05", 9, 2],
        [11, "eu", "a", "0.01", 1000, 1e-05, False, "2024-01-06", 1, 3],
        [12, "us", "c", "9.99", 2, 2.5, True, "2024-01-06", 2, 5],
    ],
}

# has_no_outliers: a tight cluster with a few far values, NULLs and a filterable column
POINTS = {
    "columns": [
        {"name": "id", "type": "int"},
        {"name": "v", "type": "int"},
        {"name": "d", "type": "double"},
        {"name": "dec", "type": "decimal(8,3)"},
        {"name": "grp", "type": "string"},
    ],
    "rows": [
        [1, 10, 10.5, "1.000", "x"],
        [2, 11, 10.25, "1.250", "x"],
        [3, 12, 9.75, "1.500", "x"],
        [4, 10, 10.0, "1.125", "x"],
        [5, 13, 11.0, "0.875", "y"],
        [6, 9, 9.5, "1.000", "y"],
        [7, 100, 55.5, "9.999", "y"],
        [8, -40, -20.0, "-5.000", "y"],
        [9, None, None, None, "x"],
        [10, 11, 10.75, "1.100", "z"],
        [11, 12, 10.1, "1.200", "z"],
        [12, 30, 14.0, "2.000", "z"],
    ],
}


def _series():
    # per region: 10 daily buckets of two rows each; 'eu' jumps on the last day, 'us' is steady with
    # small noise, 'ap' has only 3 days (warm-up); one row without a time stamp.
    rows = []
    rid = 0
    for day in range(1, 11):
        for region, base in (("eu", 100.0), ("us", 50.0)):
            for k in range(2):
                rid += 1
                noise = ((day * 7 + k * 3) % 5) - 2
                value = base + noise
                if region == "eu" and day == 10:
                    value = base + 60 + k
                rows.append([rid, region, f"2024-03-{day:02d} {8 + k:02d}:30:00", f"2024-03-{day:02d}", value, int(value) % 7, None if (rid % 9 == 0) else k])
    for day in (8, 9, 10):
        rid += 1
        rows.append([rid, "ap", f"2024-03-{day:02d} 12:00:00", f"2024-03-{day:02d}", 5.0 * day, day, 1])
    for k in range(3):  # a burst of 'eu' rows on the last day
        rid += 1
        rows.append([rid, "eu", f"2024-03-10 {13 + k:02d}:00:00", "2024-03-10", 170.0 + k, 4, 1])
    rid += 1
    rows.append([rid, "ap", None, None, 1.0, 1, 0])  # no time stamp: a NULL bucket, ranked last
    return rows


SERIES = {
    "columns": [
        {"name": "id", "type": "int"},
        {"name": "region", "type": "string"},
        {"name": "ts", "type": "timestamp"},
        {"name": "day", "type": "date"},
        {"name": "value", "type": "double"},
        {"name": "units", "type": "int"},
        {"name": "kind", "type": "int"},
    ],
    "rows": _series(),
}

REF_SALES = {
    "columns": [
        {"name": "rid", "type": "int"},
        {"name": "zone", "type": "string"},
        {"name": "amount", "type": "decimal(10,2)"},
        {"name": "qty", "type": "int"},
        {"name": "status", "type": "string"},
    ],
    "rows": [
        [1, "eu", "10.00", 1, "ok"],
        [2, "eu", "20.50", 2, "ok"],
        [3, "eu", "5.25", 3, "ok"],
        [4, "eu", "0.01", 1000, "ok"],
        [5, "us", "100.00", 4, "ok"],
        [6, "us", "7.75", None, "ok"],
        [7, "us", "9.99", 2, "ok"],
        [8, "us", "1.00", 5, "void"],
        [9, None, "1.10", 7, "ok"],
        [10, None, "-3.00", 8, "ok"],
        [11, "apac", "42.42", 9, "void"],
        [12, "apac", "42.42", 9, "ok"],
        [13, "latam", "3.00", 1, "ok"],
    ],
}

JOB_ON_DUCKDB = "The rule runs in a DQX job on DuckDB (see the job_only reason); only Spark SQL computes it."
STREAMING_MOMENTS = (
    "Spark updates the central moments of stddev/variance row by row (m2 += delta * (delta - delta/n)) in "
    "partition order and merges partitions; DuckDB's update rounds (x - new_mean) * (x - old_mean) instead, so the "
    "double can differ in the last digit (neither is the correctly rounded value, and Spark's own result depends on "
    "its partitioning)."
)
EXPRESSION_TYPE = (
    "max over the expression 'qty * 2' needs the expression's Spark type to render the value on DuckDB; that rule "
    "runs in a DQX job there."
)


def add(*, vector, check, diff, tables) -> None:
    tables["agg_sales"] = SALES
    tables["agg_points"] = POINTS
    tables["agg_series"] = SERIES
    ref = {"ref_sales": REF_SALES}

    # ---- is_aggr_not_greater_than
    vector("is_aggr_not_greater_than-count-star", "agg_sales", [check("is_aggr_not_greater_than", {"column": "*", "limit": 10})])
    vector(
        "is_aggr_not_greater_than-count-group",
        "agg_sales",
        [check("is_aggr_not_greater_than", {"column": "id", "limit": 3, "group_by": ["region"]})],
    )
    vector(
        "is_aggr_not_greater_than-avg-int-double",
        "agg_sales",
        [
            check("is_aggr_not_greater_than", {"column": "qty", "aggr_type": "avg", "limit": 50}),
            check("is_aggr_not_greater_than", {"column": "price", "aggr_type": "avg", "limit": 1.5, "group_by": ["cat"]}, criticality="warn"),
        ],
    )
    vector(
        "is_aggr_not_greater_than-avg-decimal-group",
        "agg_sales",
        [check("is_aggr_not_greater_than", {"column": "amount", "aggr_type": "avg", "limit": 10, "group_by": ["region"]})],
    )
    vector(
        "is_aggr_not_greater_than-sum-types",
        "agg_sales",
        [
            check("is_aggr_not_greater_than", {"column": "qty", "aggr_type": "sum", "limit": 100}),
            check("is_aggr_not_greater_than", {"column": "big", "aggr_type": "sum", "limit": 20, "group_by": ["cat"]}),
            check("is_aggr_not_greater_than", {"column": "price", "aggr_type": "sum", "limit": 5.5, "group_by": ["region"]}, criticality="warn"),
        ],
    )
    vector(
        "is_aggr_not_greater_than-filter-column-limit",
        "agg_sales",
        [check("is_aggr_not_greater_than", {"column": "*", "limit": "lim", "group_by": ["region"]}, filter="qty < 100")],
    )
    vector(
        "is_aggr_not_greater_than-expression-limit-and-column",
        "agg_sales",
        [
            check("is_aggr_not_greater_than", {"column": "qty * 2", "aggr_type": "max", "limit": "lim * 5"}),
            check("is_aggr_not_greater_than", {"column": "amount", "aggr_type": "max", "limit": "50.5", "group_by": ["cat"]}, criticality="warn"),
        ],
        known_differences=diff(EXPRESSION_TYPE),
    )

    # ---- is_aggr_not_less_than
    vector(
        "is_aggr_not_less_than-sum-decimal-group",
        "agg_sales",
        [check("is_aggr_not_less_than", {"column": "amount", "aggr_type": "sum", "limit": 50, "group_by": ["cat"]})],
    )
    vector(
        "is_aggr_not_less_than-min-date-string",
        "agg_sales",
        [
            check("is_aggr_not_less_than", {"column": "day", "aggr_type": "min", "limit": "2024-01-02", "group_by": ["region"]}),
            check("is_aggr_not_less_than", {"column": "cat", "aggr_type": "max", "limit": "'b'", "group_by": ["region"]}, criticality="warn"),
        ],
    )
    vector(
        "is_aggr_not_less_than-count-if-filter",
        "agg_sales",
        [check("is_aggr_not_less_than", {"column": "flag", "aggr_type": "count_if", "limit": 2, "group_by": ["region"]}, filter="id <> 3")],
    )
    vector(
        "is_aggr_not_less_than-stddev-variance",
        "agg_sales",
        [
            check("is_aggr_not_less_than", {"column": "qty", "aggr_type": "stddev", "limit": 400, "group_by": ["region"]}),
            check("is_aggr_not_less_than", {"column": "qty", "aggr_type": "var_pop", "limit": 100000}),
            check("is_aggr_not_less_than", {"column": "amount", "aggr_type": "stddev_pop", "limit": 30}, criticality="warn"),
            check("is_aggr_not_less_than", {"column": "id", "aggr_type": "variance", "limit": 20, "group_by": ["cat"]}, criticality="warn"),
        ],
        known_differences=diff(STREAMING_MOMENTS),
    )
    vector(
        "is_aggr_not_less_than-samp-single-row-groups",
        "agg_sales",
        [
            check("is_aggr_not_less_than", {"column": "id", "aggr_type": "stddev_samp", "limit": 2, "group_by": ["cat"]}),
            check("is_aggr_not_less_than", {"column": "id", "aggr_type": "var_samp", "limit": 30, "group_by": ["region"]}, criticality="warn"),
        ],
        known_differences=diff(STREAMING_MOMENTS, rows=[2, 4, 5]),
    )
    vector(
        "is_aggr_not_less_than-skewness-kurtosis",
        "agg_sales",
        [
            check("is_aggr_not_less_than", {"column": "id", "aggr_type": "skewness", "limit": 1}),
            check("is_aggr_not_less_than", {"column": "id", "aggr_type": "kurtosis", "limit": 0, "group_by": ["region"]}, criticality="warn"),
        ],
    )

    # ---- is_aggr_equal
    vector(
        "is_aggr_equal-count-distinct",
        "agg_sales",
        [
            check("is_aggr_equal", {"column": "region", "aggr_type": "count_distinct", "limit": 3}),
            check("is_aggr_equal", {"column": "cat", "aggr_type": "count_distinct", "limit": 2, "group_by": ["region"]}, criticality="warn"),
        ],
    )
    vector(
        "is_aggr_equal-count-distinct-star",
        "agg_sales",
        [check("is_aggr_equal", {"column": "*", "aggr_type": "count_distinct", "limit": 12})],
    )
    vector(
        "is_aggr_equal-median-percentile",
        "agg_sales",
        [
            check("is_aggr_equal", {"column": "amount", "aggr_type": "median", "limit": 10, "group_by": ["region"]}),
            check("is_aggr_equal", {"column": "qty", "aggr_type": "percentile", "aggr_params": {"percentile": 0.9}, "limit": 9}, criticality="warn"),
            check("is_aggr_equal", {"column": "price", "aggr_type": "percentile", "aggr_params": {"percentile": 0.25}, "limit": 0.1, "group_by": ["cat"]}, criticality="warn"),
        ],
    )
    vector(
        "is_aggr_equal-approx-percentile",
        "agg_sales",
        [
            check("is_aggr_equal", {"column": "qty", "aggr_type": "approx_percentile", "aggr_params": {"percentile": 0.5}, "limit": 4}),
            check("is_aggr_equal", {"column": "price", "aggr_type": "approx_percentile", "aggr_params": {"percentile": 0.07, "accuracy": 100}, "limit": 0.1, "group_by": ["region"]}, criticality="warn"),
            check("is_aggr_equal", {"column": "big", "aggr_type": "approx_percentile", "aggr_params": {"percentile": 0.99}, "limit": 0}, criticality="warn"),
            check("is_aggr_equal", {"column": "day", "aggr_type": "approx_percentile", "aggr_params": {"percentile": 0.3}, "limit": "2024-01-02", "group_by": ["cat"]}),
        ],
    )
    vector(
        "is_aggr_equal-approx-percentile-decimal",
        "agg_sales",
        [
            check("is_aggr_equal", {"column": "amount", "aggr_type": "approx_percentile", "aggr_params": {"percentile": 0.5}, "limit": 1, "group_by": ["cat"]}),
            check("is_aggr_equal", {"column": "amount", "aggr_type": "approx_percentile", "aggr_params": {"percentile": 0.8}, "limit": 1}, criticality="warn"),
        ],
    )
    vector(
        "is_aggr_equal-abs-tolerance",
        "agg_sales",
        [
            check("is_aggr_equal", {"column": "price", "aggr_type": "avg", "limit": 0.5, "abs_tolerance": 0.25, "group_by": ["cat"]}),
            check("is_aggr_equal", {"column": "qty", "aggr_type": "sum", "limit": 1050, "abs_tolerance": 1}, criticality="warn"),
        ],
    )
    vector(
        "is_aggr_equal-rel-tolerance",
        "agg_sales",
        [
            check("is_aggr_equal", {"column": "amount", "aggr_type": "sum", "limit": 250, "rel_tolerance": 0.05}),
            check("is_aggr_equal", {"column": "qty", "aggr_type": "count", "limit": 4, "rel_tolerance": 0.2, "abs_tolerance": 0.0, "group_by": ["region"]}, criticality="warn"),
        ],
    )
    vector(
        "is_aggr_equal-mode-deterministic",
        "agg_sales",
        [
            check("is_aggr_equal", {"column": "cat", "aggr_type": "mode", "aggr_params": {"deterministic": True}, "limit": "'a'", "group_by": ["region"]}),
            check("is_aggr_equal", {"column": "qty", "aggr_type": "mode", "aggr_params": {"deterministic": True}, "limit": 9}, criticality="warn"),
        ],
    )
    vector(
        "is_aggr_equal-mode-spark-only",
        "agg_sales",
        [check("is_aggr_equal", {"column": "qty", "aggr_type": "mode", "limit": 1, "group_by": ["cat"]})],
        known_differences=diff(JOB_ON_DUCKDB),
    )
    vector(
        "is_aggr_equal-approx-count-distinct-spark-only",
        "agg_sales",
        [
            check("is_aggr_equal", {"column": "cat", "aggr_type": "approx_count_distinct", "limit": 4}),
            check("is_aggr_equal", {"column": "id", "aggr_type": "approx_count_distinct", "aggr_params": {"rsd": 0.01}, "limit": 3, "group_by": ["region"]}, criticality="warn"),
        ],
        known_differences=diff(JOB_ON_DUCKDB),
    )

    # ---- is_aggr_not_equal
    vector(
        "is_aggr_not_equal-count-group-null-key",
        "agg_sales",
        [check("is_aggr_not_equal", {"column": "*", "limit": 2, "group_by": ["region"]})],
    )
    vector(
        "is_aggr_not_equal-tolerance-multi-group",
        "agg_sales",
        [
            check("is_aggr_not_equal", {"column": "qty", "aggr_type": "max", "limit": 9, "abs_tolerance": 1.5, "group_by": ["region", "cat"]}),
            check("is_aggr_not_equal", {"column": "price", "aggr_type": "min", "limit": 0.1, "rel_tolerance": 0.5, "group_by": ["cat"]}, criticality="warn"),
        ],
    )
    vector(
        "is_aggr_not_equal-with-row-rules",
        "agg_sales",
        [
            check("is_not_null", {"column": "region"}),
            check("is_aggr_not_equal", {"column": "amount", "aggr_type": "count", "limit": 11}, criticality="warn"),
            check("is_aggr_not_greater_than", {"column": "qty", "aggr_type": "max", "limit": 100, "group_by": ["region"]}, user_metadata={"owner": "sales"}),
            check("is_in_range", {"column": "qty", "min_limit": 1, "max_limit": 9}, criticality="warn"),
        ],
    )
    vector(
        "is_aggr_not_equal-missing-column",
        "agg_sales",
        [
            check("is_aggr_not_equal", {"column": "nope", "limit": 2}),
            check("is_aggr_not_greater_than", {"column": "qty", "limit": 2, "group_by": ["region"]}, filter="missing_col > 1", criticality="warn"),
        ],
    )

    # ---- aggr_matches_dataset
    vector(
        "aggr_matches_dataset-count-star",
        "agg_sales",
        [
            check("aggr_matches_dataset", {"column": "*", "ref_table": "ref_sales"}),
            check("aggr_matches_dataset", {"column": "*", "ref_table": "ref_sales", "ref_row_filter": "rid <= 12"}, criticality="warn"),
        ],
        ref_tables=ref,
    )
    vector(
        "aggr_matches_dataset-sum-group-ref-group-by",
        "agg_sales",
        [
            check("aggr_matches_dataset", {"column": "amount", "ref_table": "ref_sales", "aggr_type": "sum", "group_by": ["region"], "ref_group_by": ["zone"]}),
            check("aggr_matches_dataset", {"column": "qty", "ref_table": "ref_sales", "aggr_type": "max", "group_by": ["region"], "ref_group_by": ["zone"], "ref_row_filter": "status = 'ok'"}, criticality="warn"),
        ],
        ref_tables=ref,
    )
    vector(
        "aggr_matches_dataset-ref-column-tolerance-filter",
        "agg_sales",
        [
            check("aggr_matches_dataset", {"column": "price", "ref_column": "qty", "ref_table": "ref_sales", "aggr_type": "avg", "abs_tolerance": 100000000}),
            check("aggr_matches_dataset", {"column": "qty", "ref_table": "ref_sales", "aggr_type": "sum", "rel_tolerance": 0.01}, filter="qty < 100", criticality="warn"),
        ],
        ref_tables=ref,
    )
    vector(
        "aggr_matches_dataset-count-distinct-avg-group",
        "agg_sales",
        [
            check("aggr_matches_dataset", {"column": "qty", "ref_table": "ref_sales", "aggr_type": "count_distinct", "group_by": ["region"], "ref_group_by": ["zone"]}),
            check("aggr_matches_dataset", {"column": "amount", "ref_table": "ref_sales", "aggr_type": "avg", "group_by": ["region"], "ref_group_by": ["zone"]}, criticality="warn"),
        ],
        ref_tables=ref,
    )

    # ---- has_no_outliers
    vector("has_no_outliers-int", "agg_points", [check("has_no_outliers", {"column": "v"})])
    vector(
        "has_no_outliers-double-decimal-warn",
        "agg_points",
        [check("has_no_outliers", {"column": "d"}), check("has_no_outliers", {"column": "dec"}, criticality="warn")],
    )
    vector("has_no_outliers-filter", "agg_points", [check("has_no_outliers", {"column": "v"}, filter="grp <> 'z'")])
    vector(
        "has_no_outliers-with-row-rules",
        "agg_points",
        [check("is_not_null", {"column": "v"}), check("has_no_outliers", {"column": "d"}, filter="id > 2", criticality="warn")],
    )

    # ---- has_no_aggr_outliers
    vector(
        "has_no_aggr_outliers-avg-group",
        "agg_series",
        [check("has_no_aggr_outliers", {"column": "value", "time_column": "ts", "group_by": ["region"]})],
    )
    vector(
        "has_no_aggr_outliers-global-sum-date",
        "agg_series",
        [check("has_no_aggr_outliers", {"column": "value", "time_column": "day", "aggr_type": "sum", "sigma": 2.5, "lookback_num_intervals": 5, "warmup_num_intervals": 3})],
    )
    vector(
        "has_no_aggr_outliers-count-star-filter",
        "agg_series",
        [check("has_no_aggr_outliers", {"column": "*", "time_column": "ts", "aggr_type": "count", "sigma": 1, "lookback_num_intervals": 6, "warmup_num_intervals": 2, "group_by": ["region"]}, filter="kind = 1", criticality="warn")],
    )
    vector(
        "has_no_aggr_outliers-max-int-week",
        "agg_series",
        [
            check("has_no_aggr_outliers", {"column": "units", "time_column": "ts", "aggr_type": "max", "time_interval": "week", "lookback_num_intervals": 2, "warmup_num_intervals": 1}),
            check("has_no_aggr_outliers", {"column": "value", "time_column": "ts", "aggr_type": "max", "time_interval": "hour", "sigma": 0.5, "group_by": ["region"]}, criticality="warn"),
        ],
        # the stddev_pop of the 'eu' hourly maxima differs in the last digit (the message shows it)
        known_differences=diff(STREAMING_MOMENTS, rows=[i for i, r in enumerate(SERIES["rows"]) if r[1] == "eu"]),
    )
