"""Vectors of the time-window dataset checks ``is_data_fresh_per_time_window`` and
``has_no_gaps_per_time_window``.

Both compare with the real current time in DQX (``current_timestamp()``, not the run-time overwrite),
and a window's start appears in their messages, so the data is chosen for outcomes that do not depend
on when the vectors run: hourly/daily data of 2024 and earlier, rows in 2099 (always in the future),
and for the lookback and trailing-gap cases 100-year windows (52,560,000 minutes): the windows are
aligned to the epoch, so "now" stays in the window [1970-01-01, 2069-12-07) and the lookback cutoff
(now minus 100 years) stays between the rows placed on either side of it until about 2060.

Covered: defaults, odd window sizes (90 and 7 minutes, not aligned to the hour), min records,
lookback (timestamps and dates: a date is compared with the cutoff's day), NULL timestamps (they go
to DQX's 1900-01-01 sentinel window, so they are flagged as a gap when a real row shares that
window), pre-1970 rows, rule filters (the freshness check counts only filtered rows; the gap check
finds gaps over all rows and only reports filtered ones), group_by (one and two columns, a NULL
group), trailing gaps (per group and global, future windows), DATE columns, warnings, combination
with row rules and each other, and a missing column (DQX skips).

Added to the vector list by make_vectors.py (``add`` is called with its helpers)."""

from __future__ import annotations

# hourly and daily data: windows of 2024-03-10 10:00..13:00, a row in 2099 (future), one just
# before the epoch, one in DQX's NULL sentinel window (1900-01-01 00:00), and NULL timestamps
SERIES = {
    "columns": [
        {"name": "id", "type": "int"},
        {"name": "ts", "type": "timestamp"},
        {"name": "d", "type": "date"},
        {"name": "dev", "type": "string"},
        {"name": "kind", "type": "string"},
    ],
    "rows": [
        [1, "2024-03-10 10:05:00", "2024-01-01", "A", "a"],
        [2, "2024-03-10 10:50:00", "2024-01-01", "A", "b"],
        [3, "2024-03-10 11:10:00", "2024-01-02", "A", "a"],
        [4, "2024-03-10 13:30:00", "2024-01-05", "A", "a"],
        [5, "2024-03-10 13:59:59.999999", "2024-01-05", "B", "a"],
        [6, None, None, "B", "a"],
        [7, "2099-01-01 00:00:00", "2099-01-01", "B", "b"],
        [8, "1969-12-31 23:59:59.5", "1969-12-31", None, "a"],
        [9, "1900-01-01 00:30:00", "1900-01-01", None, "b"],
        [10, "2024-03-10 10:20:00", "2024-01-03", "B", "a"],
        [11, "2024-03-10 12:00:00", "2024-01-03", "B", "a"],
        [12, None, "2024-01-04", "A", "b"],
    ],
}

CENTURY = 52_560_000  # 100 years of 365 days, in minutes

# 100-year windows: [1670-03-14, 1770-02-18), [1770-02-18, 1870-01-25), [1870-01-25, 1970-01-01),
# [1970-01-01, 2069-12-07) (holds "now"), [2069-12-07, ...) (the future)
CENTURIES = {
    "columns": [
        {"name": "id", "type": "int"},
        {"name": "ts", "type": "timestamp"},
        {"name": "d", "type": "date"},
        {"name": "old", "type": "date"},
        {"name": "grp", "type": "string"},
    ],
    "rows": [
        [1, "1960-06-01 00:00:00", "1960-06-01", "1690-01-01", "A"],
        [2, "1960-07-01 12:00:00", "1960-07-01", "1790-03-03", "A"],
        [3, "1880-01-01 00:00:00", "1880-01-01", None, "A"],
        [4, "1800-01-01 00:00:00", "1800-01-01", "1795-01-01", "B"],
        [5, "2000-01-01 00:00:00", "2000-01-01", None, "C"],
        [6, "2010-01-01 00:00:00", "2010-01-01", None, "C"],
        [7, "2020-01-01 00:00:00", "2020-01-01", None, "C"],
        [8, "2099-01-01 00:00:00", "2099-01-01", None, "D"],
        [9, "1700-01-01 00:00:00", "1700-01-01", None, "E"],
        [10, "1875-01-01 00:00:00", "1875-01-01", None, "E"],
        [11, None, None, None, "B"],
        [12, "1850-05-05 05:05:05.5", "1850-05-05", None, "B"],
    ],
}

FRESH = "is_data_fresh_per_time_window"
GAPS = "has_no_gaps_per_time_window"


def add(*, vector, check, diff, tables) -> None:
    tables["time_series"] = SERIES
    tables["time_centuries"] = CENTURIES

    # --- is_data_fresh_per_time_window
    vector(f"{FRESH}-defaults", "time_series", [check(FRESH, {"column": "ts", "window_minutes": 60, "min_records_per_window": 2})])
    vector(
        f"{FRESH}-odd-window-warn",
        "time_series",
        [
            check(FRESH, {"column": "ts", "window_minutes": 90, "min_records_per_window": 2}, criticality="warn"),
            check(FRESH, {"column": "ts", "window_minutes": 7, "min_records_per_window": 1}, name="seven", user_metadata={"grain": "7m"}),
        ],
    )
    vector(f"{FRESH}-filter", "time_series", [check(FRESH, {"column": "ts", "window_minutes": 60, "min_records_per_window": 2}, filter="kind = 'a'")])
    vector(f"{FRESH}-date", "time_series", [check(FRESH, {"column": "d", "window_minutes": 1440, "min_records_per_window": 2})])
    vector(
        f"{FRESH}-lookback",
        "time_centuries",
        [
            check(FRESH, {"column": "ts", "window_minutes": CENTURY, "min_records_per_window": 3, "lookback_windows": 1}),
            check(FRESH, {"column": "d", "window_minutes": CENTURY, "min_records_per_window": 3, "lookback_windows": 1}, criticality="warn"),
            check(FRESH, {"column": "ts", "window_minutes": CENTURY, "min_records_per_window": 3}, name="no lookback", criticality="warn"),
        ],
    )
    vector(
        f"{FRESH}-lookback-filter",
        "time_centuries",
        [check(FRESH, {"column": "ts", "window_minutes": CENTURY, "min_records_per_window": 2, "lookback_windows": 2}, filter="grp <> 'C'")],
    )
    vector(
        f"{FRESH}-with-row-rules",
        "time_series",
        [
            check("is_not_null", {"column": "ts"}),
            check(FRESH, {"column": "ts", "window_minutes": 60, "min_records_per_window": 3}, criticality="warn"),
            check("is_in_list", {"column": "kind", "allowed": ["'a'"]}, criticality="warn"),
        ],
    )
    vector(f"{FRESH}-missing-column", "time_series", [check(FRESH, {"column": "nope", "window_minutes": 60, "min_records_per_window": 1})])

    # --- has_no_gaps_per_time_window
    vector(f"{GAPS}-defaults", "time_series", [check(GAPS, {"column": "ts", "window_minutes": 60})])
    vector(f"{GAPS}-group-by", "time_series", [check(GAPS, {"column": "ts", "window_minutes": 60, "group_by": ["dev"]})])
    vector(
        f"{GAPS}-group-by-two-warn",
        "time_series",
        [check(GAPS, {"column": "ts", "window_minutes": 30, "group_by": ["dev", "kind"]}, criticality="warn")],
    )
    vector(f"{GAPS}-date", "time_series", [check(GAPS, {"column": "d", "window_minutes": 1440})])
    vector(f"{GAPS}-odd-window", "time_series", [check(GAPS, {"column": "ts", "window_minutes": 7, "group_by": ["kind"]})])
    vector(f"{GAPS}-filter", "time_series", [check(GAPS, {"column": "ts", "window_minutes": 60, "group_by": ["dev"]}, filter="kind = 'a'")])
    vector(
        f"{GAPS}-trailing-group",
        "time_centuries",
        [check(GAPS, {"column": "ts", "window_minutes": CENTURY, "group_by": ["grp"], "trailing_gap": True})],
    )
    vector(
        f"{GAPS}-trailing-date-warn",
        "time_centuries",
        [
            check(GAPS, {"column": "old", "window_minutes": CENTURY, "trailing_gap": True}, criticality="warn"),
            check(GAPS, {"column": "ts", "window_minutes": CENTURY, "trailing_gap": True}),
            check(GAPS, {"column": "old", "window_minutes": CENTURY, "trailing_gap": False}, name="no trailing"),
        ],
    )
    vector(
        f"{GAPS}-with-row-rules",
        "time_series",
        [
            check("is_not_null", {"column": "dev"}, criticality="warn"),
            check(GAPS, {"column": "ts", "window_minutes": 60, "group_by": ["dev"]}),
            check(FRESH, {"column": "d", "window_minutes": 1440, "min_records_per_window": 2}, criticality="warn"),
            check(GAPS, {"column": "d", "window_minutes": 1440}, criticality="warn", user_metadata={"owner": "iot"}),
        ],
    )
    vector(f"{GAPS}-missing-column", "time_series", [check(GAPS, {"column": "nope", "window_minutes": 60}, criticality="warn")])
