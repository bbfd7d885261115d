"""Writes the INPUT part of the profiler conformance vectors (columns, rows, options).

The expected outputs are never written here: record.py runs real DQX on each vector and stores
what it returns. Data is generated deterministically (seeded), so re-running this script gives the
same inputs; re-run record.py after changing a vector.

Row value encodings (JSON), by Spark type:
  integral: number (or a decimal string beyond 2^53); float/double: number, or "NaN"/"Infinity"/"-Infinity";
  decimal: string; string: string; boolean: bool; date: "YYYY-MM-DD";
  timestamp (UTC instant) / timestamp_ntz: "YYYY-MM-DD HH:MM:SS[.ffffff]"; binary: base64 string;
  array: list; map: object; struct: object keyed by field name.

Usage: python make_profiler_vectors.py [--check]   (--check: fail if any vector input would change)
"""

import base64
import datetime as dt
import json
import math
import random
import sys
from pathlib import Path

VECTOR_DIR = Path(__file__).parent / "vectors"
FULL = {"sample_fraction": 1.0, "limit": 1000, "llm_primary_key_detection": False}


def opts(**extra):
    return {**FULL, **extra}


def ts(base: dt.datetime, seconds: float) -> str:
    value = base + dt.timedelta(seconds=seconds)
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def day(base: dt.date, days: int) -> str:
    return (base + dt.timedelta(days=days)).isoformat()


VECTORS: list[dict] = []


def vector(name, description, columns, rows, options=None, criticality="error"):
    VECTORS.append(
        {
            "name": name,
            "description": description,
            "columns": [{"name": n, "type": t} for n, t in columns],
            "rows": rows,
            "options": options if options is not None else opts(),
            "criticality": criticality,
        }
    )


D0 = dt.date(2024, 1, 1)
T0 = dt.datetime(2024, 1, 1)


def gen_basic_mixed():
    rows = []
    for i in range(100):
        rows.append(
            [
                i % 3,
                f" v{i % 4} " if i % 10 else "",
                i * 1.5,
                f"{i / 4:.2f}",
                day(D0, i),
                ts(T0, 7 * 3600 * i),
                None if i % 7 == 0 else i,
            ]
        )
    vector(
        "basic_mixed",
        "ints with 3 values, padded strings with 10% empties, doubles, decimals, dates, timestamps, a long with nulls",
        [("a", "int"), ("s", "string"), ("d", "double"), ("dec", "decimal(10,2)"), ("dt", "date"), ("ts", "timestamp"), ("n", "bigint")],
        rows,
    )


def gen_is_in_ints():
    r = random.Random(11)
    rows = [[r.choice([30, 10, 20]), r.choice([5, -5]), r.randint(1, 1000)] for _ in range(200)]
    vector(
        "int_is_in_first_occurrence",
        "few distinct ints listed in first-occurrence order (DQX's sample has a LIMIT); a high-cardinality int gets no is_in",
        [("code", "int"), ("sign", "int"), ("qty", "int")],
        rows,
    )


def gen_is_in_long_short():
    r = random.Random(12)
    big = [2**40 + 7, -(2**41), 9_007_199_254_740_993]
    rows = [[r.choice(big), r.choice([1, 2, 3, 4]), r.choice([100, 200])] for _ in range(300)]
    vector(
        "long_short_is_in",
        "bigint values beyond 2^53 and smallint values in is_in lists; exact integer limits",
        [("id_bucket", "bigint"), ("level", "smallint"), ("k", "int")],
        [[str(a), b, c] for a, b, c in rows],
    )


def gen_is_in_strings_quotes():
    r = random.Random(13)
    values = ["O'Brien", "back\\slash", "plain", "  spaced  ", "Zoë"]
    rows = [[r.choice(values), r.choice(["x", "y"])] for _ in range(250)]
    vector(
        "string_is_in_quoting",
        "string values needing SQL quoting (quote, backslash), trimmed values and non-ASCII text",
        [("name", "string"), ("flag", "string")],
        rows,
    )


def gen_strings_blanks():
    r = random.Random(14)
    rows = []
    for i in range(200):
        choice = r.random()
        s = "" if choice < 0.05 else ("   " if choice < 0.08 else f"item-{r.randint(1, 500)}")
        rows.append([s, None if i % 50 == 0 else f"  n{i}  "])
    vector(
        "strings_blanks_and_empties",
        "strings with empties and blank (spaces only) values counted as empty after trim; nulls under the ratio",
        [("label", "string"), ("note", "string")],
        rows,
    )


def gen_strings_no_trim():
    r = random.Random(15)
    rows = [[r.choice(["a", "a ", " a", "b"]), "" if i % 40 == 0 else ("   " if i % 9 == 0 else "z")] for i, _ in enumerate(range(200))]
    vector(
        "strings_trim_false",
        "trim_strings=False: padded values stay distinct and blanks are not empty",
        [("code", "string"), ("pad", "string")],
        rows,
        opts(trim_strings=False),
    )


def gen_strings_null_heavy():
    rows = []
    for i in range(120):
        rows.append([None if i % 4 == 0 else f"v{i}", None if i % 3 == 0 else ("" if i % 5 == 0 else "x"), "" if i % 6 == 0 else f"w{i}"])
    vector(
        "strings_null_and_empty_thresholds",
        "is_not_empty when nulls exceed the ratio, nothing when both exceed it, is_not_null when only empties do",
        [("mostly", "string"), ("both", "string"), ("empties", "string")],
        rows,
    )


def gen_numeric_strings():
    r = random.Random(16)
    rows = [[str(r.randint(1, 99)), r.choice(["1e10", " 12 ", "3.5", "abc", "-0.001", "2E-7"]), f"{r.random() * 100:.3f}"] for _ in range(80)]
    vector(
        "strings_numeric_summary",
        "Spark's summary() casts strings to double for mean/stddev/percentiles (Java number text)",
        [("digits", "string"), ("mixed", "string"), ("decimals_text", "string")],
        rows,
    )


def normal_values(r, n, mu, sigma, outliers):
    values = [r.gauss(mu, sigma) for _ in range(n)]
    for pos, v in outliers:
        values[pos] = v
    return values


def gen_double_capped():
    r = random.Random(17)
    values = normal_values(r, 200, 50.0, 5.0, [(3, 500.0), (77, -400.0)])
    rows = [[v, round(v, 2)] for v in values]
    vector(
        "double_outliers_capped",
        "doubles with extreme values on both sides: limits capped at mean +- 3 sigma, not rounded",
        [("x", "double"), ("x2", "double")],
        rows,
    )


def gen_double_one_side():
    r = random.Random(18)
    hi = normal_values(r, 150, 10.0, 1.0, [(5, 90.0)])
    lo = normal_values(r, 150, 10.0, 1.0, [(9, -70.0)])
    rows = [[a, b] for a, b in zip(hi, lo)]
    vector(
        "double_one_sided_outliers",
        "an outlier above only (real min, capped max) and below only (capped min, real max)",
        [("high_tail", "double"), ("low_tail", "double")],
        rows,
    )


def gen_int_capped():
    r = random.Random(19)
    a = [int(round(v)) for v in normal_values(r, 200, 1000, 40, [(1, 9000), (150, -5000)])]
    b = [int(round(v)) for v in normal_values(r, 200, -20, 3, [(10, 400)])]
    rows = [[x, y] for x, y in zip(a, b)]
    vector(
        "int_outliers_capped_rounded",
        "integral limits capped at mean +- 3 sigma: floor for the min, ceil for the max",
        [("amount", "int"), ("delta", "bigint")],
        rows,
    )
    vector(
        "int_outliers_capped_no_round",
        "round=False: capped integral limits truncated toward zero by int()",
        [("amount", "int"), ("delta", "bigint")],
        rows,
        opts(round=False),
    )


def gen_decimals():
    r = random.Random(20)
    rows = []
    for i in range(150):
        rows.append([f"{r.uniform(-3, 250):.2f}", f"{r.uniform(0, 1):.4f}", f"{r.uniform(-1, -0.01):.3f}"])
    vector(
        "decimals_real_limits",
        "decimal columns: Decimal min/max kept with their scale, decimal mean/percentiles as DQX types them",
        [("price", "decimal(10,2)"), ("rate", "decimal(6,4)"), ("neg", "decimal(5,3)")],
        rows,
    )
    vector(
        "decimals_no_outlier_removal_rounded",
        "remove_outliers=False with round: Decimal limits to_integral (floor/ceiling), keeping the sign of zero",
        [("price", "decimal(10,2)"), ("rate", "decimal(6,4)"), ("neg", "decimal(5,3)")],
        rows,
        opts(remove_outliers=False),
    )


def gen_decimal_capped():
    r = random.Random(21)
    vals = normal_values(r, 200, 100, 2, [(0, 900), (100, -700)])
    rows = [[f"{v:.3f}", f"{v * 1000:.1f}"] for v in vals]
    vector(
        "decimal_outliers_capped",
        "decimal columns capped by sigmas: float limits from the mean/stddev, Decimal description values",
        [("weight", "decimal(12,3)"), ("big", "decimal(20,1)")],
        rows,
    )


def gen_float():
    r = random.Random(22)
    rows = [[round(r.uniform(0.1, 99.9), 1), r.choice([1.1, 2.2, 3.3])] for _ in range(120)]
    vector(
        "float_real_type",
        "float (REAL) columns: summary values through Float.toString, rounding to ints",
        [("f", "float"), ("g", "float")],
        rows,
    )
    vector(
        "float_no_outlier_removal",
        "float columns with remove_outliers=False and round=False: limits are the float values",
        [("f", "float"), ("g", "float")],
        rows,
        opts(remove_outliers=False, round=False),
    )


def gen_double_no_outliers():
    r = random.Random(23)
    rows = [[r.uniform(-5.5, 5.5), r.uniform(1e-7, 9e-7), r.uniform(1e17, 9e17)] for _ in range(100)]
    vector(
        "double_no_outlier_removal_rounded",
        "remove_outliers=False: doubles floored/ceiled to ints; tiny and huge magnitudes",
        [("x", "double"), ("tiny", "double"), ("huge", "double")],
        rows,
        opts(remove_outliers=False),
    )
    vector(
        "double_no_outlier_removal_unrounded",
        "remove_outliers=False, round=False: the real double min/max",
        [("x", "double"), ("tiny", "double"), ("huge", "double")],
        rows,
        opts(remove_outliers=False, round=False),
    )


def gen_dates():
    r = random.Random(24)
    rows = [[day(D0, r.randint(0, 60)), day(dt.date(1969, 12, 1), r.randint(0, 90))] for _ in range(150)]
    rows[7][0] = day(D0, 4000)
    rows[9][0] = day(D0, -3000)
    vector(
        "dates_with_outliers",
        "dates capped by sigmas (epoch seconds, truncated to a date) and dates around 1970",
        [("d", "date"), ("around_epoch", "date")],
        rows,
    )
    vector(
        "dates_no_outlier_removal",
        "remove_outliers=False: the real date min/max",
        [("d", "date"), ("around_epoch", "date")],
        rows,
        opts(remove_outliers=False),
    )


def gen_timestamps():
    r = random.Random(25)
    rows = [[ts(T0, r.uniform(0, 86400 * 20)), ts(T0, r.randint(0, 1000) * 3600)] for _ in range(150)]
    rows[3][0] = ts(T0, 86400 * 3000)
    vector(
        "timestamps_capped_rounded",
        "timestamps capped by sigmas and rounded to midnight",
        [("event_time", "timestamp"), ("hourly", "timestamp")],
        rows,
    )
    vector(
        "timestamps_capped_unrounded",
        "round=False: capped timestamps keep microseconds from the epoch double",
        [("event_time", "timestamp"), ("hourly", "timestamp")],
        rows,
        opts(round=False),
    )
    vector(
        "timestamps_no_outlier_removal",
        "remove_outliers=False, round=False: real min/max timestamps to the microsecond",
        [("event_time", "timestamp"), ("hourly", "timestamp")],
        rows,
        opts(remove_outliers=False, round=False),
    )


def gen_timestamp_ntz():
    r = random.Random(26)
    rows = [[ts(T0, r.uniform(0, 86400 * 5)), day(D0, r.randint(0, 3))] for _ in range(90)]
    vector(
        "timestamp_ntz",
        "timestamp_ntz columns (cast to timestamp in a UTC session, as DQX does)",
        [("local_time", "timestamp_ntz"), ("d", "date")],
        rows,
    )


def gen_null_thresholds():
    rows = []
    for i in range(200):
        rows.append([None if i == 5 else i, None if i % 10 == 0 else i * 2.0, None if i < 2 else "x" + str(i % 7)])
    vector(
        "null_ratios_in_descriptions",
        "0.5% nulls allowed (description shows the ratio), 10% nulls not allowed, 1% nulls at the threshold",
        [("one_null", "int"), ("tenth_null", "double"), ("two_nulls", "string")],
        rows,
    )


def gen_all_null():
    rows = [[None, None, None, None, i] for i in range(30)]
    vector(
        "all_null_columns",
        "columns with only nulls: no is_in or min_max, summary values None",
        [("n_int", "int"), ("n_str", "string"), ("n_date", "date"), ("n_dec", "decimal(8,2)"), ("id", "int")],
        rows,
    )


def gen_single_row():
    vector(
        "single_row",
        "one row: stddev is None so real min/max are used",
        [("a", "int"), ("b", "double"), ("c", "string"), ("d", "date"), ("t", "timestamp")],
        [[42, 3.25, "only", "2024-02-29", "2024-02-29 13:45:00.123456"]],
    )


def gen_structs():
    r = random.Random(27)
    rows = []
    for i in range(120):
        rows.append(
            [
                i,
                {"x": r.uniform(0, 10), "y": r.choice(["s0", "s1"]), "when": day(D0, r.randint(0, 30))},
                {"inner": {"code": r.choice(["A", "B", "C"]), "t": ts(T0, r.randint(0, 100000))}},
            ]
        )
    vector(
        "struct_fields_flattened",
        "struct columns profiled field by field as parent.child (nested too); names keep their dots",
        [("id", "int"), ("info", "struct<x:double,y:string,when:date>"), ("nested", "struct<inner:struct<code:string,t:timestamp>>")],
        rows,
    )


def gen_struct_ints_no_outliers():
    r = random.Random(28)
    rows = [[{"qty": r.randint(-50, 50), "ratio": r.uniform(0, 1), "amt": f"{r.uniform(0, 100):.2f}", "f": round(r.uniform(0, 5), 2)}] for _ in range(80)]
    vector(
        "struct_numeric_no_outlier_removal",
        "numeric struct fields with remove_outliers=False: min/max from a Spark aggregate (float fields as float32)",
        [("s", "struct<qty:int,ratio:double,amt:decimal(6,2),f:float>")],
        rows,
        opts(remove_outliers=False),
    )


def gen_other_types():
    r = random.Random(29)
    rows = []
    for i in range(60):
        rows.append(
            [
                r.choice([True, False]),
                [r.randint(0, 3) for _ in range(r.randint(0, 3))],
                {"k" + str(r.randint(0, 2)): r.randint(0, 9)},
                base64.b64encode(bytes([i % 5, 65])).decode(),
                r.randint(-100, 100),
            ]
        )
    vector(
        "boolean_array_map_binary_byte",
        "types with only not-null profiles: boolean, array, map, binary; tinyint in summary() but never min_max/is_in",
        [("flag", "boolean"), ("tags", "array<int>"), ("attrs", "map<string,int>"), ("raw", "binary"), ("tiny", "tinyint")],
        rows,
    )


def gen_outlier_columns():
    r = random.Random(30)
    a = normal_values(r, 150, 0, 1, [(0, 40.0)])
    b = normal_values(r, 150, 0, 1, [(0, 40.0)])
    rows = [[x, y] for x, y in zip(a, b)]
    vector(
        "outlier_columns_subset",
        "outlier_columns limits capping to the listed column; the other gets real (floored/ceiled) limits",
        [("capped", "double"), ("not_capped", "double")],
        rows,
        opts(outlier_columns=["capped"]),
    )


def gen_num_sigmas():
    r = random.Random(31)
    vals = normal_values(r, 150, 20, 4, [])
    rows = [[v, int(v)] for v in vals]
    vector(
        "num_sigmas_fractional",
        "num_sigmas=1.5 caps ordinary data on both sides",
        [("v", "double"), ("vi", "int")],
        rows,
        opts(num_sigmas=1.5),
    )


def gen_custom_in():
    r = random.Random(32)
    rows = [[r.choice([f"c{j}" for j in range(15)]), r.randint(0, 11)] for _ in range(200)]
    vector(
        "is_in_custom_thresholds",
        "max_in_count=20 and distinct_ratio=0.1 allow larger value lists",
        [("category", "string"), ("bucket", "int")],
        rows,
        opts(max_in_count=20, distinct_ratio=0.1),
    )
    vector(
        "is_in_strict_thresholds",
        "max_in_count=3: a 12-value column is not listed, a 3-value one is not either (3 < 3 is false)",
        [("category", "string"), ("bucket", "int")],
        [[row[0], row[1] % 3] for row in rows],
        opts(max_in_count=3),
    )


def gen_custom_ratios():
    rows = []
    for i in range(100):
        rows.append([None if i % 7 == 0 else i, "" if i % 6 == 0 else ("x" if i % 11 else None)])
    vector(
        "null_empty_custom_ratios",
        "max_null_ratio=0.2 and max_empty_ratio=0.2 accept columns the defaults reject",
        [("v", "int"), ("s", "string")],
        rows,
        opts(max_null_ratio=0.2, max_empty_ratio=0.2),
    )


def gen_filter():
    r = random.Random(33)
    rows = [[r.choice(["A", "B"]), r.randint(1, 100), r.choice(["p", "q", "r"])] for _ in range(200)]
    vector(
        "filter_option",
        "filter applied before profiling and copied into every profile and rule",
        [("category", "string"), ("amount", "int"), ("kind", "string")],
        rows,
        opts(filter="category = 'A' AND amount > 10"),
    )


def gen_has_no_outliers():
    r = random.Random(34)
    a = [int(round(v)) for v in normal_values(r, 300, 100, 10, [(4, 1000)])]
    b = normal_values(r, 300, 5, 0.5, [(1, 80.0), (2, -80.0), (3, 90.0), (4, 91.0), (5, 99.0)])
    c = [f"{v:.2f}" for v in normal_values(r, 300, 50, 3, [(0, 500.0)])]
    rows = [[x, y, z, 7] for x, y, z in zip(a, b, c)]
    vector(
        "has_no_outliers_enabled",
        "has_no_outliers on: MAD bounds on ints, decimals, doubles with too many outliers, constant column skipped",
        [("score", "int"), ("noisy", "double"), ("price", "decimal(8,2)"), ("constant", "int")],
        rows,
        opts(has_no_outliers=True),
    )
    vector(
        "has_no_outliers_allow_list",
        "has_no_outliers_allow_columns restricts the profile to one column",
        [("score", "int"), ("noisy", "double"), ("price", "decimal(8,2)"), ("constant", "int")],
        rows,
        opts(has_no_outliers=True, has_no_outliers_allow_columns=["price"]),
    )
    vector(
        "has_no_outliers_deny_list",
        "has_no_outliers_deny_columns excludes a column; outliers_ratio raised to accept the noisy one",
        [("score", "int"), ("noisy", "double"), ("price", "decimal(8,2)"), ("constant", "int")],
        rows,
        opts(has_no_outliers=True, has_no_outliers_deny_columns=["score"], outliers_ratio=0.05),
    )


def gen_has_no_outliers_float():
    r = random.Random(35)
    rows = [[round(r.uniform(10, 20), 2), r.choice([1, 2, 3, 4, 5, 6])] for _ in range(100)]
    vector(
        "has_no_outliers_float_and_small_ints",
        "MAD on float (REAL) values computed in double, and on small-int values",
        [("f", "float"), ("small", "smallint")],
        rows,
        opts(has_no_outliers=True),
    )


def gen_empty():
    vector(
        "empty_table",
        "no rows: only summary() statistics (count '0' typed by column), no profiles",
        [("a", "int"), ("s", "string"), ("d", "double"), ("dec", "decimal(5,1)"), ("dt", "date")],
        [],
    )


def gen_criticality_warn():
    r = random.Random(36)
    rows = [[r.choice(["on", "off"]), r.randint(0, 9)] for _ in range(100)]
    vector("criticality_warn", "rules generated with criticality 'warn'", [("state", "string"), ("n", "int")], rows, criticality="warn")


def gen_bucket_order():
    r = random.Random(37)
    words = ["pear", "apple", "fig", "kiwi", "date", "plum", "é", "abcde"]
    rows = [[r.choice(words), r.choice([7, 3, 9, 1, 5, 2, 8]), r.choice([2**40, 5, -3])] for _ in range(300)]
    vector(
        "no_limit_bucket_order",
        "limit=None: DQX's distinct values come back in Spark shuffle-partition (murmur3) order",
        [("fruit", "string"), ("n", "int"), ("big", "bigint")],
        rows,
        opts(limit=None),
    )


def gen_special_names():
    r = random.Random(38)
    rows = [[r.choice(["x", "y"]), r.randint(0, 5), r.uniform(0, 1)] for _ in range(100)]
    vector(
        "column_names_with_spaces",
        "column names with spaces and punctuation: raw names in profiles and rule names",
        [("first name", "string"), ("Qty (units)", "int"), ("ratio-%", "double")],
        rows,
    )


def gen_high_cardinality():
    r = random.Random(39)
    rows = [[f"user{r.randint(0, 10**6)}@example.com", r.randint(0, 10**9), r.uniform(-1e6, 1e6)] for _ in range(400)]
    vector(
        "high_cardinality",
        "unique-ish strings, ints and doubles: no is_in, real limits",
        [("email", "string"), ("id", "bigint"), ("value", "double")],
        rows,
    )


def gen_ratio_boundaries():
    # 4 distinct values in 80 rows: ratio 0.05, not < 0.05 -> no is_in; 81 rows -> is_in
    rows80 = [[i % 4, i % 4] for i in range(80)]
    vector(
        "distinct_ratio_boundary",
        "distinct/non-null exactly at distinct_ratio is not below it (no is_in)",
        [("a", "int"), ("b", "int")],
        rows80,
    )
    rows81 = [[i % 4, None if i == 80 else i % 4] for i in range(81)]
    vector(
        "distinct_ratio_just_below",
        "81 rows with 4 values: ratio below 0.05 gives is_in; one null moves the other column back to the boundary",
        [("a", "int"), ("b", "int")],
        rows81,
    )


def gen_negative_and_zero():
    rows = [[i - 50, (i - 50) / 8, f"{(i - 50) / 4:.2f}"] for i in range(101)]
    vector(
        "negative_ranges",
        "ranges crossing zero; decimal rounding of negative values",
        [("i", "int"), ("d", "double"), ("m", "decimal(6,2)")],
        rows,
        opts(remove_outliers=False),
    )


def gen_large_sample_limit():
    r = random.Random(40)
    rows = [[r.randint(0, 4), r.gauss(0, 1), day(D0, r.randint(0, 365))] for _ in range(1500)]
    vector(
        "larger_table_limit_2000",
        "1500 rows profiled in full (limit 2000)",
        [("k", "int"), ("z", "double"), ("d", "date")],
        rows,
        opts(limit=2000),
    )


def gen_nan_inf():
    rows = [[1.0, 1.0], [2.0, 2.5], ["NaN", 3.0], [4.0, "Infinity"], [5.0, 0.5]] * 10
    vector(
        "doubles_nan_infinity",
        "NaN and Infinity: Spark orders NaN above everything; limits and means follow",
        [("with_nan", "double"), ("with_inf", "double")],
        rows,
        opts(remove_outliers=False, round=False),
    )


def gen_dates_only():
    rows = [[day(D0, i % 10), ts(T0, i * 60)] for i in range(50)]
    vector(
        "dates_and_timestamps_only",
        "no numeric or string columns: summary() has no entries for them; stats come from the profiler",
        [("d", "date"), ("t", "timestamp")],
        rows,
    )


def gen_has_no_outliers_extremes():
    r = random.Random(41)
    rows = [[r.choice([-128, 127, 0, 1, -1, 2]), r.randint(-(2**62), 2**62)] for _ in range(120)]
    vector(
        "has_no_outliers_integer_extremes",
        "MAD of tinyint values at both ends of the type (deviations beyond 127) and of bigint values near 2^62",
        [("tiny", "tinyint"), ("huge", "bigint")],
        [[a, str(b)] for a, b in rows],
        opts(has_no_outliers=True, outliers_ratio=0.5),
    )


GENERATORS = [v for k, v in sorted(globals().items()) if k.startswith("gen_")]


def vector_text(v: dict) -> str:
    """JSON of a vector with one row per line (diffs of recorded outputs stay readable)."""
    parts = []
    for key, value in v.items():
        if key == "rows":
            rows = ",\n".join("  " + json.dumps(r, ensure_ascii=False) for r in value)
            text = "[\n" + rows + "\n ]" if value else "[]"
        else:
            text = json.dumps(value, indent=1, ensure_ascii=False).replace("\n", "\n ")
        parts.append(f" {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def build() -> list[dict]:
    VECTORS.clear()
    for g in GENERATORS:
        g()
    names = [v["name"] for v in VECTORS]
    assert len(names) == len(set(names)), "duplicate vector names"
    for v in VECTORS:
        for row in v["rows"]:
            assert len(row) == len(v["columns"]), v["name"]
            for i, value in enumerate(row):
                if isinstance(value, float) and not math.isfinite(value):
                    raise ValueError(f"{v['name']}: encode non-finite floats as strings")
    return VECTORS


def main() -> int:
    check = "--check" in sys.argv
    VECTOR_DIR.mkdir(parents=True, exist_ok=True)
    changed = []
    for v in build():
        path = VECTOR_DIR / f"{v['name']}.json"
        old = json.loads(path.read_text()) if path.exists() else None
        inputs_old = {k: old[k] for k in ("name", "description", "columns", "rows", "options", "criticality")} if old else None
        if inputs_old == v:
            continue
        changed.append(v["name"])
        if not check:
            path.write_text(vector_text(v))
    if check and changed:
        print("vector inputs differ from make_profiler_vectors.py:", ", ".join(changed))
        return 1
    print(f"{len(VECTORS)} vectors; changed: {', '.join(changed) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
