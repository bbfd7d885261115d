"""Writes the inputs of the conformance vectors (vectors/*.json): tables (column names, Spark types,
rows), rule sets and, where DuckDB cannot reproduce DQX, the known differences with their reason.

The expected outputs are not written here: ``record.py vectors`` runs every vector through DQX and
stores what it returns. A vector whose inputs did not change keeps its recorded output.

    tests/conformance/.venv/bin/python tests/conformance/make_vectors.py
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VECTORS = HERE / "vectors"

# ------------------------------------------------------------------------------------------------
# Tables

STRINGS = {
    "columns": [{"name": "id", "type": "int"}, {"name": "s", "type": "string"}, {"name": "t", "type": "string"}],
    "rows": [
        [1, "abc", "x"],
        [2, "", "y"],
        [3, " ", "z"],
        [4, "  padded  ", None],
        [5, None, "w"],
        [6, "Ärger über Öl", "ä"],
        [7, "東京 タワー", "東"],
        [8, "😀 smile", "😀"],
        [9, "Hello World", "Hello"],
        [10, "hello world", "hello"],
        [11, "HELLO WORLD", "HELLO"],
        [12, "First sentence. second one.  Third", "s"],
        [13, "tab\tinside", "t"],
        [14, "line\nbreak", "l"],
        [15, "it's \"quoted\" \\ back", "q"],
    ],
}

NUMBERS = {
    "columns": [
        {"name": "id", "type": "int"},
        {"name": "i", "type": "int"},
        {"name": "l", "type": "bigint"},
        {"name": "d", "type": "double"},
        {"name": "dec", "type": "decimal(12,3)"},
        {"name": "f", "type": "float"},
    ],
    "rows": [
        [1, 0, 0, 0.0, "0.000", 0.0],
        [2, -1, -1, -1.5, "-1.500", -1.5],
        [3, 10, 10000000000, 10.0, "10.000", 10.0],
        [4, 2147483647, 9223372036854775807, 1e10, "999999999.999", 3.4e38],
        [5, -2147483648, -9223372036854775807, -1e-05, "-0.001", 1e-10],
        [6, None, None, None, None, None],
        [7, 5, 5, 0.1, "0.100", 0.1],
        [8, 100, 100, 123456789.125, "123.456", 123456.79],
        [9, 7, 7, 1.7976931348623157e308, "1.500", 7.5],
        [10, 50, 50, 1e-300, "50.000", 50.0],
        [11, 3, 3, 2.5, "2.500", 2.5],
        [12, 99, 99, 99.99, "99.990", 99.99],
    ],
}

DATES = {
    "columns": [
        {"name": "id", "type": "int"},
        {"name": "d", "type": "date"},
        {"name": "ts", "type": "timestamp"},
        {"name": "d2", "type": "date"},
        {"name": "s", "type": "string"},
    ],
    "rows": [
        [1, "2024-01-01", "2024-01-01 10:00:00", "2024-01-10", "2024-01-01"],
        [2, "2023-12-31", "2023-12-31 23:59:59.999999", "2024-01-01", "2024-13-01"],
        [3, "1999-12-31", "1999-12-31 00:00:00.5", "2000-01-01", "1999-12-31 23:59:59"],
        [4, None, None, None, None],
        [5, "2099-06-15", "2099-06-15 12:30:45.123456", "2099-06-01", "2099-06-15T12:30:45"],
        [6, "2024-02-29", "2024-02-29 00:00:00.000001", "2024-02-28", "2024-02-30"],
        [7, "2000-01-01", "2000-01-01 00:00:00", "2000-01-01", "not a date"],
        [8, "2030-01-01", "2030-01-01 00:00:01", "2029-12-01", ""],
        [9, "1970-01-01", "1970-01-01 00:00:00", "1970-01-05", "2024-1-5"],
    ],
}

COLLECTIONS = {
    "columns": [
        {"name": "id", "type": "int"},
        {"name": "tags", "type": "array<string>"},
        {"name": "nums", "type": "array<int>"},
        {"name": "props", "type": "map<string,int>"},
        {"name": "addr", "type": "struct<city:string,zip:int>"},
    ],
    "rows": [
        [1, ["a", "b"], [1, 2], {"k": 1}, {"city": "Paris", "zip": 75001}],
        [2, [], [], {}, {"city": None, "zip": None}],
        [3, None, None, None, None],
        [4, ["x", None], [None, 3], {"k": None}, {"city": "Zürich", "zip": 8000}],
        [5, [""], [0], {"a": 1, "b": 2}, {"city": "", "zip": 0}],
    ],
}

IDENTIFIERS = {
    "columns": [
        {"name": "id", "type": "int"},
        {"name": "email", "type": "string"},
        {"name": "url", "type": "string"},
        {"name": "uuid", "type": "string"},
        {"name": "natid", "type": "string"},
    ],
    "rows": [
        [1, "john.doe@example.com", "https://example.com/path?q=1#frag", "123e4567-e89b-12d3-a456-426614174000", "123-45-6789"],
        [2, "not-an-email", "example.com", "123e4567e89b12d3a456426614174000", "000-12-3456"],
        [3, None, None, None, None],
        [4, "a@b.c", "ftp://user:pass@host:21/file", "00000000-0000-0000-0000-000000000000", "123 45 6789"],
        [5, "\"quoted local\"@example.org", "mailto:someone@example.com", "123E4567-E89B-72D3-C456-426614174000", "123456789"],
        [6, "user@[192.168.0.1]", "http://[::1]:8080/", "123e4567-e89b-92d3-a456-426614174000", "123-45 6789"],
        [7, "x" * 65 + "@example.com", "https://exa mple.com", "g23e4567-e89b-12d3-a456-426614174000", "666-12-3456"],
        [8, "trailing@example.com\n", "urn:isbn:0451450523", " 123e4567-e89b-12d3-a456-426614174000", "123-00-6789"],
        [9, "ünïcode@example.com", "https://例え.jp", "123e4567-e89b-12d3-a456-42661417400", "901-23-4567"],
        [10, "", "", "", ""],
    ],
}

NATIONAL_IDS = {
    "columns": [{"name": "id", "type": "int"}, {"name": "nino", "type": "string"}, {"name": "pan", "type": "string"}],
    "rows": [
        [1, "AB123456C", "ABCPE1234F"],
        [2, "AB 12 34 56 C", "ABCXE1234F"],
        [3, "BG123456A", "abcpe1234f"],
        [4, "DA123456A", "ABCPE12345"],
        [5, "AO123456A", "ABCHE0000Z"],
        [6, "AB123456E", None],
        [7, None, ""],
        [8, "ZZ123456A", "AAATA1111A"],
    ],
}

IPS = {
    "columns": [{"name": "id", "type": "int"}, {"name": "ip", "type": "string"}],
    "rows": [
        [1, "192.168.1.10"],
        [2, "10.0.0.1"],
        [3, "256.1.1.1"],
        [4, "01.2.3.4"],
        [5, None],
        [6, "1.2.3"],
        [7, "192.168.1.10\n"],
        [8, "0.0.0.0"],
        [9, "255.255.255.255"],
        [10, "192.168.2.1"],
        [11, ""],
        [12, "10.255.255.255"],
    ],
}

IPV6 = {
    "columns": [{"name": "id", "type": "int"}, {"name": "ip", "type": "string"}],
    "rows": [
        [1, "2001:db8::1"],
        [2, "::1"],
        [3, "::"],
        [4, "2001:0db8:0000:0000:0000:ff00:0042:8329"],
        [5, "::ffff:192.168.1.1"],
        [6, "fe80::1%eth0"],
        [7, "2001:db8::1::2"],
        [8, "2001:db8:1"],
        [9, "12345::1"],
        [10, None],
        [11, "1:2:3:4:5:6:7:8"],
        [12, "1:2:3:4:5:6:7::8"],
        [13, "::ffff:01.2.3.4"],
        [14, "2001:DB8::ABCD"],
        [15, "fe80::1%"],
        [16, "2001:db9::1"],
        [17, ":1::"],
        [18, "1::"],
        [19, "1:2:3:4:5:6:1.2.3.4"],
        [20, "fe80::1%a/b"],
        [21, "2001:db8:0:ffff::1"],
        [22, ""],
    ],
}

CODES = {
    "columns": [
        {"name": "id", "type": "int"},
        {"name": "country", "type": "string"},
        {"name": "country3", "type": "string"},
        {"name": "country_num", "type": "string"},
        {"name": "currency", "type": "string"},
        {"name": "currency_num", "type": "string"},
        {"name": "lang", "type": "string"},
        {"name": "lang3", "type": "string"},
        {"name": "subdiv", "type": "string"},
        {"name": "num_int", "type": "int"},
    ],
    "rows": [
        [1, "US", "USA", "840", "USD", "840", "en", "eng", "US-CA", 840],
        [2, "us", "usa", "84", "usd", "36", "EN", "ENG", "us-ca", 4],
        [3, "XK", "XKX", "999", "XXX", "999", "zz", "zzz", "US-XX", 999],
        [4, None, None, None, None, None, None, None, None, None],
        [5, "GB", "GBR", "826", "EUR", "978", "fr", "fra", "GB-ENG", 826],
        [6, "", "", "", "", "", "", "", "", 0],
        [7, "DE", "DEU", "004", "JPY", "008", "sh", "deu", "DE-BY", 4],
        [8, "FR ", " FRA", "250", "BTC", "392", "ger", "ger", "FR-75C", 250],
    ],
}

SUBDIVISIONS = {
    "columns": [{"name": "id", "type": "int"}, {"name": "subdiv", "type": "string"}, {"name": "country", "type": "string"}],
    "rows": [
        [1, "US-CA", "US"],
        [2, "US-CA", "GB"],
        [3, "GB-ENG", "GB"],
        [4, "us-ca", "us"],
        [5, "US-CA", None],
        [6, None, "US"],
        [7, "XX-YY", "XX"],
        [8, "DE-BY", "de"],
    ],
}

JSONS = {
    "columns": [{"name": "id", "type": "int"}, {"name": "j", "type": "string"}],
    "rows": [
        [1, '{"a": 1, "b": "x"}'],
        [2, '{"a": 1}'],
        [3, "[1, 2, 3]"],
        [4, "not json"],
        [5, None],
        [6, ""],
        [7, '{"a": null, "b": "y", "c": {"d": 1}}'],
        [8, '{"b": 2}'],
        [9, "42"],
        [10, '{"a": "text", "b": "z"}'],
        [11, '{"a": 1.5}'],
        [12, '{"c": {}}'],
        [13, "{}"],
        [14, '{"a": 1, "b": "x", "extra": [1]}'],
    ],
}

DOUBLES = {
    "columns": [{"name": "id", "type": "int"}, {"name": "d", "type": "double"}],
    "rows": [
        [1, 1e-300],
        [2, 5e-324],
        [3, 2.82879384806159e17],
        [4, 1.2345678901234567e-7],
        [5, 9999999.999],
        [6, 1e7],
        [7, -0.0],
        [8, "NaN"],
        [9, "Infinity"],
        [10, "-Infinity"],
        [11, 0.001],
        [12, 0.00099],
    ],
}

MIXED = {
    "columns": [
        {"name": "id", "type": "int"},
        {"name": "name", "type": "string"},
        {"name": "amount", "type": "double"},
        {"name": "status", "type": "string"},
        {"name": "created", "type": "date"},
        {"name": "Customer Name", "type": "string"},
    ],
    "rows": [
        [1, "alpha", 10.5, "ACTIVE", "2024-01-01", "Ann"],
        [2, None, -3.0, "INACTIVE", "2023-06-30", None],
        [3, "", 1000000.0, "DELETED", None, ""],
        [4, "delta", None, None, "2025-12-31", "Bob"],
        [5, "épsilon", 0.0, "active", "2024-02-29", "Émile"],
    ],
}

LENIENT_JSON = {
    "columns": [{"name": "id", "type": "int"}, {"name": "j", "type": "string"}],
    "rows": [
        [1, "{} x"],
        [2, '{"a":1,"a":2}'],
        [3, "NaN"],
        [4, "{'a': 1}"],
        [5, "[1,]"],
        [6, ' {"a":1} '],
        [7, "\t42\n"],
        [8, "tru"],
        [9, "null"],
        [10, '"str"'],
        [11, '{"a":1}garbage'],
        [12, "[]"],
        [13, '{"a": {"b": [1, 2, {"c": null}]}}'],
        [14, '{"a": 1e400}'],
        [15, "\"unterminated"],
    ],
}

DATE_STRINGS = {
    "columns": [{"name": "id", "type": "int"}, {"name": "s", "type": "string"}],
    "rows": [
        [1, "2024"],
        [2, "2024-01"],
        [3, "2024-1-1T10:00"],
        [4, "2024-01-01 10:00:00 UTC"],
        [5, "2024-01-01T10:00:00+01:00"],
        [6, "  2024-01-01  "],
        [7, "T10:00"],
        [8, "10:00:00"],
        [9, "2024-01-01 10:00:00.1234567891"],
        [10, "+2024-01-01"],
        [11, "12024-01-01"],
        [12, "2024-01-01T"],
        [13, "2024-01-01 25:00:00"],
        [14, "2024/01/01"],
        [15, "01.02.2024 10:30"],
        [16, "20240102"],
        [17, "2024-01-02T03:04:05.678"],
        [18, "2024-01-01 10:00:00Z"],
        [19, "2024-01-01 10:00:00 Europe/Paris"],
        [20, "Jan 5, 2024"],
    ],
}

CLOCK_EDGES = {
    "columns": [{"name": "id", "type": "int"}, {"name": "s", "type": "string"}],
    "rows": [
        [1, "2024-02-29 24:00:00"],
        [2, "2024-02-29 23:59:60"],
        [3, "2024-02-29 23:60:00"],
        [4, "2024-12-31T24:00"],
        [5, "24:00"],
        [6, "23:59:60"],
        [7, "2024-02-29 23:59:59.999999"],
        [8, "2024-02-29 00:00:00"],
        [9, "2024-01-01T10:00:00+01:00"],
        [10, "2024-01-01 10:00:00 Europe/Paris"],
        [11, "2024-01-01 12:00"],
        [12, "2024"],
        [13, "2024-02-30 10:00:00"],
        [14, None],
    ],
}

CASES = {
    "columns": [{"name": "id", "type": "int"}, {"name": "s", "type": "string"}],
    "rows": [
        [1, "straße"],
        [2, "STRASSE"],
        [3, "ǆemal"],
        [4, "Ǆemal"],
        [5, "École"],
        [6, "éCOLE"],
        [7, "ﬁne"],
        [8, "Ελληνικά"],
        [9, "ΕΛΛΗΝΙΚΆ"],
        [10, "i̇stanbul"],
        [11, "I"],
        [12, "a.b. c"],
        [13, ".leading dot"],
        [14, "  spaced. words  here"],
    ],
}

# strings Spark's ANSI cast reads (one it cannot read fails DQX's whole run: see duckdb-errors.test.ts)
READABLE_TIMES = {
    "columns": [{"name": "id", "type": "int"}, {"name": "s", "type": "string"}],
    "rows": [
        [1, "2024-02-29 23:59:59.999999"],
        [2, "2024-02-29 23:30"],
        [3, "2024-03-01T00:59:00+01:00"],
        [4, "2024-02-29 23:00:00 Europe/Paris"],
        [5, "2024-03-01 00:00:00Z"],
        [6, "2024"],
        [7, "2024-03"],
        [8, "2024-1-1T10:00"],
        [9, "  2024-02-29 12:00:00  "],
        [10, "+2024-02-29 12:00:00.5"],
        [11, None],
    ],
}

SPECIAL_CASES = {
    "columns": [{"name": "id", "type": "int"}, {"name": "s", "type": "string"}],
    "rows": [
        [1, "ß"],
        [2, "straße"],
        [3, "STRASSE"],
        [4, "ﬁne ﬂow"],
        [5, "İT"],
        [6, "it"],
        [7, "ΟΔΟΣ"],
        [8, "οδος"],
        [9, "ΑΣ1 ΑΣΣ ΣΑ"],
        [10, "ᾳ ᾼ"],
        [11, "a\ufeffb"],
        [12, "ŉ ǰ"],
        [13, "Ǆ ǅ ǆ"],
        [14, "ẞ"],
        [15, None],
    ],
}

ODD_NAMES = {
    "columns": [
        {"name": "id", "type": "int"},
        {"name": "a.b", "type": "string"},
        {"name": "Prénom", "type": "string"},
        {"name": "x" * 300, "type": "string"},
        {"name": "1st col", "type": "int"},
    ],
    "rows": [[1, "v", "Zoë", "long", 1], [2, None, None, None, None], [3, "", "", "", 0]],
}

SHAPED_CODES = {
    "columns": [{"name": "id", "type": "int"}, {"name": "sku", "type": "string"}],
    "rows": [
        [1, "ABC-1234"],
        [2, "ABC-1234\n"],
        [3, "ABC-1234\r\n"],
        [4, "ABC-1234\n\n"],
        [5, "ABC-1234\u2028"],
        [6, "abc-1234"],
        [7, "ABC-123"],
        [8, "ABC-12345"],
        [9, "\u00c0BC-1234"],
        [10, "ABC-\u0661234"],
        [11, ""],
        [12, None],
        [13, " ABC-1234"],
        [14, "ORD.12"],
        [15, "ORDx12"],
    ],
}

TABLES = {
    "strings": STRINGS,
    "numbers": NUMBERS,
    "dates": DATES,
    "collections": COLLECTIONS,
    "identifiers": IDENTIFIERS,
    "national_ids": NATIONAL_IDS,
    "ips": IPS,
    "ipv6": IPV6,
    "codes": CODES,
    "subdivisions": SUBDIVISIONS,
    "jsons": JSONS,
    "mixed": MIXED,
    "doubles": DOUBLES,
    "lenient_json": LENIENT_JSON,
    "date_strings": DATE_STRINGS,
    "cases": CASES,
    "clock_edges": CLOCK_EDGES,
    "special_cases": SPECIAL_CASES,
    "readable_times": READABLE_TIMES,
    "odd_names": ODD_NAMES,
    "shaped_codes": SHAPED_CODES,
}

# ------------------------------------------------------------------------------------------------
# Vectors

VECTORS_OUT: list[dict] = []


def check(fn: str, args: dict | None = None, **kw) -> dict:
    out: dict = {}
    if "name" in kw:
        out["name"] = kw.pop("name")
    if "criticality" in kw:
        out["criticality"] = kw.pop("criticality")
    inner: dict = {"function": fn}
    if "for_each_column" in kw:
        inner["for_each_column"] = kw.pop("for_each_column")
    if args is not None:
        inner["arguments"] = args
    out["check"] = inner
    out.update(kw)
    return out


def vector(name: str, table: str, checks: list[dict], description: str = "", **extra) -> None:
    VECTORS_OUT.append({"name": name, "description": description, "table": table, **TABLES[table], "checks": checks, **extra})


def diff(reason: str, rows="all") -> dict:
    return {"duckdb": [{"rows": rows, "reason": reason}]}


# --- null / empty
for fn in ["is_not_null", "is_null"]:
    vector(f"{fn}-basic", "strings", [check(fn, {"column": "s"})])
    vector(f"{fn}-numbers-warn", "numbers", [check(fn, {"column": "d"}, criticality="warn")])
    vector(f"{fn}-for-each", "numbers", [check(fn, for_each_column=["i", "l", "dec"])])
    vector(f"{fn}-filter-name-metadata", "mixed", [check(fn, {"column": "name"}, name=f"custom {fn}", filter="amount > 0", user_metadata={"owner": "dq-team", "level": 2, "ratio": 0.5, "flag": True})])
vector("is_not_null-struct-field", "collections", [check("is_not_null", {"column": "addr.city"}), check("is_not_null", {"column": "addr.zip"}, criticality="warn")])
vector("is_not_null-quoted-column", "mixed", [check("is_not_null", {"column": "Customer Name"}), check("is_not_null", {"column": "`Customer Name`"}, criticality="warn")])
vector("is_not_null-message-expr", "mixed", [check("is_not_null", {"column": "name"}, message_expr="concat('name missing for id ', cast(id as string))"), check("is_null", {"column": "status"}, criticality="warn", message_expr="'status should be empty'")])
for fn in ["is_not_empty", "is_empty", "is_not_null_and_not_empty", "is_null_or_empty"]:
    vector(f"{fn}-basic", "strings", [check(fn, {"column": "s"})])
    vector(f"{fn}-trim", "strings", [check(fn, {"column": "s", "trim_strings": True}, criticality="warn")])
    vector(f"{fn}-numbers", "numbers", [check(fn, {"column": "i"}), check(fn, {"column": "d", "trim_strings": True})])
    vector(f"{fn}-filter-for-each", "mixed", [check(fn, for_each_column=["name", "status", "Customer Name"], filter="id <> 3")])
vector("is_not_null_and_not_empty_array-basic", "collections", [check("is_not_null_and_not_empty_array", {"column": "tags"}), check("is_not_null_and_not_empty_array", {"column": "nums"}, criticality="warn")])
vector("is_not_null_and_not_empty_array-filter", "collections", [check("is_not_null_and_not_empty_array", {"column": "tags"}, filter="id > 1", name="tags required", user_metadata={"k": "v"})])

# --- string case
for case in ["upper", "lower", "title", "sentence"]:
    vector(f"has_valid_string_case-{case}", "strings", [check("has_valid_string_case", {"column": "s", "case": case})])
vector("has_valid_string_case-numbers", "numbers", [check("has_valid_string_case", {"column": "d", "case": "upper"}, criticality="warn")])
vector("has_valid_string_case-for-each-filter", "strings", [check("has_valid_string_case", {"case": "title"}, for_each_column=["s", "t"], filter="id > 8")])

# --- lists
vector("is_in_list-strings", "mixed", [check("is_in_list", {"column": "status", "allowed": ["'ACTIVE'", "'INACTIVE'"]})])
vector("is_in_list-case-insensitive", "mixed", [check("is_in_list", {"column": "status", "allowed": ["'ACTIVE'", "'INACTIVE'"], "case_sensitive": False})])
vector("is_in_list-numbers", "numbers", [check("is_in_list", {"column": "i", "allowed": [0, 5, 10, "99"]}), check("is_in_list", {"column": "dec", "allowed": ["0.100", {"__decimal__": "2.500"}, 0.0]}, criticality="warn")])
vector("is_in_list-column-reference", "strings", [check("is_in_list", {"column": "t", "allowed": ["s", "'x'", "'y'"]})])
vector("is_in_list-with-null-element", "mixed", [check("is_in_list", {"column": "status", "allowed": ["'ACTIVE'", "NULL"]})])
vector("is_in_list-dates", "dates", [check("is_in_list", {"column": "d", "allowed": ["2024-01-01", {"__date__": "1999-12-31"}]})])
vector("is_not_null_and_is_in_list-basic", "mixed", [check("is_not_null_and_is_in_list", {"column": "status", "allowed": ["'ACTIVE'", "'INACTIVE'", "'DELETED'"]})])
vector("is_not_null_and_is_in_list-ci-warn", "mixed", [check("is_not_null_and_is_in_list", {"column": "status", "allowed": ["'active'"], "case_sensitive": False}, criticality="warn", name="status known")])
vector("is_not_null_and_is_in_list-numbers", "numbers", [check("is_not_null_and_is_in_list", {"column": "l", "allowed": [0, 10000000000, 9223372036854775807]})])
vector("is_not_in_list-basic", "mixed", [check("is_not_in_list", {"column": "status", "forbidden": ["'DELETED'"]})])
vector("is_not_in_list-ci-filter", "mixed", [check("is_not_in_list", {"column": "status", "forbidden": ["'active'", "'deleted'"], "case_sensitive": False}, filter="amount >= 0")])
vector("is_not_in_list-unicode", "strings", [check("is_not_in_list", {"column": "t", "forbidden": ["'東'", "'😀'", "'ä'"]}, user_metadata={"note": "unicode ✓"})])
vector("is_in_list-arrays", "collections", [check("is_in_list", {"column": "nums", "allowed": [[1, 2], [0]]})])

# --- sql_expression
vector("sql_expression-named", "mixed", [check("sql_expression", {"expression": "amount >= 0", "msg": "amount is negative", "name": "amount_non_negative"})])
vector("sql_expression-default-name", "mixed", [check("sql_expression", {"expression": "amount >= 0"}), check("sql_expression", {"expression": "status IS NOT NULL"}, criticality="warn")])
vector("sql_expression-negate-columns", "mixed", [check("sql_expression", {"expression": "status = 'DELETED'", "negate": True, "columns": ["status"]})])
vector("sql_expression-multiline-filter", "mixed", [check("sql_expression", {"expression": "length(name) > 2\n  OR name IS NULL", "name": "name_long"}, filter="id > 1")])
vector("sql_expression-functions", "dates", [check("sql_expression", {"expression": "datediff(d2, d) >= 0", "name": "d2_after_d"}), check("sql_expression", {"expression": "year(d) < 2050", "name": "year_ok"}, criticality="warn")])
vector("sql_expression-skipped", "mixed", [check("sql_expression", {"expression": "missing_col > 1", "name": "uses_missing"}), check("is_not_null", {"column": "id"})])

# --- dates and times
vector("is_older_than_col2_for_n_days-basic", "dates", [check("is_older_than_col2_for_n_days", {"column1": "d", "column2": "d2", "days": 1})])
vector("is_older_than_col2_for_n_days-negate", "dates", [check("is_older_than_col2_for_n_days", {"column1": "d", "column2": "d2", "days": 5, "negate": True}, criticality="warn")])
vector("is_older_than_col2_for_n_days-timestamps", "dates", [check("is_older_than_col2_for_n_days", {"column1": "ts", "column2": "d2"})])
vector("is_older_than_n_days-basic", "dates", [check("is_older_than_n_days", {"column": "d", "days": 30})], now_offsets=[0])
vector("is_older_than_n_days-negate-ts", "dates", [check("is_older_than_n_days", {"column": "ts", "days": 365, "negate": True}, filter="id < 9")], now_offsets=[0])
vector("is_not_in_future-basic", "dates", [check("is_not_in_future", {"column": "ts"})], now_offsets=[0])
vector("is_not_in_future-offset-date", "dates", [check("is_not_in_future", {"column": "ts", "offset": 86400 * 365 * 10}), check("is_not_in_future", {"column": "d"}, criticality="warn")], now_offsets=[0, 86400 * 365 * 10])
vector("is_not_in_near_future-basic", "dates", [check("is_not_in_near_future", {"column": "ts", "offset": 86400 * 365 * 100})], now_offsets=[0, 86400 * 365 * 100])
vector("is_not_in_near_future-zero-offset", "dates", [check("is_not_in_near_future", {"column": "ts"}, criticality="warn")], now_offsets=[0])
vector("is_valid_date-default", "dates", [check("is_valid_date", {"column": "s"})])
vector("is_valid_date-format", "dates", [check("is_valid_date", {"column": "s", "date_format": "yyyy-MM-dd"})])
vector("is_valid_date-typed-columns", "dates", [check("is_valid_date", {"column": "d"}), check("is_valid_timestamp", {"column": "ts"}, criticality="warn")])
vector("is_valid_timestamp-default", "dates", [check("is_valid_timestamp", {"column": "s"})])
vector("is_valid_timestamp-format", "dates", [check("is_valid_timestamp", {"column": "s", "timestamp_format": "yyyy-MM-dd HH:mm:ss"}, filter="id <> 7")])
vector("is_data_fresh-base-string", "dates", [check("is_data_fresh", {"column": "ts", "max_age_minutes": 1440, "base_timestamp": "2024-01-01 12:00:00"})])
vector("is_data_fresh-base-date", "dates", [check("is_data_fresh", {"column": "ts", "max_age_minutes": 60, "base_timestamp": {"__date__": "2024-01-01"}}, criticality="warn")])
vector("is_data_fresh-now", "dates", [check("is_data_fresh", {"column": "ts", "max_age_minutes": 60 * 24 * 365 * 30})], now_offsets=[0])
vector("is_data_fresh-column-base", "dates", [check("is_data_fresh", {"column": "d", "max_age_minutes": 10, "base_timestamp": "d2"})])

# --- comparisons
for fn, extra in [("is_equal_to", {"value": 10}), ("is_not_equal_to", {"value": 10})]:
    vector(f"{fn}-int", "numbers", [check(fn, {"column": "i", **extra})])
    vector(f"{fn}-double-float-value", "numbers", [check(fn, {"column": "d", "value": 2.5}), check(fn, {"column": "f", "value": {"__float__": "10.0"}}, criticality="warn")])
    vector(f"{fn}-tolerance", "numbers", [check(fn, {"column": "d", "value": 10, "abs_tolerance": 0.5}), check(fn, {"column": "d", "value": 100.0, "rel_tolerance": 0.05}, criticality="warn")])
    vector(f"{fn}-allow-nulls-false", "numbers", [check(fn, {"column": "dec", "value": {"__decimal__": "2.500"}, "allow_nulls": False})])
    vector(f"{fn}-strings-and-columns", "strings", [check(fn, {"column": "s", "value": "'abc'"}), check(fn, {"column": "s", "value": "t"}, criticality="warn")])
    vector(f"{fn}-dates", "dates", [check(fn, {"column": "d", "value": "2024-01-01"}), check(fn, {"column": "ts", "value": "2024-01-01 10:00:00"}, criticality="warn")])
for fn in ["is_not_less_than", "is_not_greater_than"]:
    vector(f"{fn}-int", "numbers", [check(fn, {"column": "i", "limit": 5})])
    vector(f"{fn}-decimal-string-limit", "numbers", [check(fn, {"column": "dec", "limit": "2.5"}), check(fn, {"column": "d", "limit": "1e3"}, criticality="warn")])
    vector(f"{fn}-float-limit-allow-nulls", "numbers", [check(fn, {"column": "d", "limit": 0.1, "allow_nulls": False})])
    vector(f"{fn}-column-limit", "numbers", [check(fn, {"column": "i", "limit": "l"}), check(fn, {"column": "d", "limit": "id * 2"}, criticality="warn")])
    vector(f"{fn}-dates", "dates", [check(fn, {"column": "d", "limit": "2024-01-01"}), check(fn, {"column": "ts", "limit": "2024-01-01T10:00:00"}, criticality="warn"), check(fn, {"column": "d", "limit": {"__date__": "2000-01-01"}})])
    vector(f"{fn}-big-numbers", "numbers", [check(fn, {"column": "l", "limit": 3000000000}), check(fn, {"column": "d", "limit": {"__float__": "1e+16"}}), check(fn, {"column": "f", "limit": 1e-07}, criticality="warn")])
for fn in ["is_in_range", "is_not_in_range"]:
    vector(f"{fn}-int", "numbers", [check(fn, {"column": "i", "min_limit": 0, "max_limit": 10})])
    vector(f"{fn}-double-decimal", "numbers", [check(fn, {"column": "d", "min_limit": -1.5, "max_limit": 99.5}), check(fn, {"column": "dec", "min_limit": {"__decimal__": "0.100"}, "max_limit": "100.0"}, criticality="warn")])
    vector(f"{fn}-for-each-filter", "numbers", [check(fn, {"min_limit": 0, "max_limit": 100}, for_each_column=["i", "l", "d", "f"], filter="id > 2", name=f"{fn} shared name")])
    vector(f"{fn}-dates", "dates", [check(fn, {"column": "d", "min_limit": "2000-01-01", "max_limit": "2030-01-01"}), check(fn, {"column": "ts", "min_limit": {"__datetime__": "2000-01-01 00:00:00"}, "max_limit": "2030-01-01 00:00:00"}, criticality="warn")])
    vector(f"{fn}-allow-nulls-false-columns", "numbers", [check(fn, {"column": "i", "min_limit": "id", "max_limit": "l", "allow_nulls": False})])
    vector(f"{fn}-message-expr", "numbers", [check(fn, {"column": "i", "min_limit": 0, "max_limit": 10}, message_expr="concat('i=', cast(i as string), ' out of [0,10]')", user_metadata={"team": "finance"})])
vector("has_num_decimal_places-double", "numbers", [check("has_num_decimal_places", {"column": "d", "limit": 2})])
vector("has_num_decimal_places-decimal-float", "numbers", [check("has_num_decimal_places", {"column": "dec", "limit": 1}), check("has_num_decimal_places", {"column": "f", "limit": 0}, criticality="warn")])
vector("has_num_decimal_places-strings", "strings", [check("has_num_decimal_places", {"column": "s", "limit": 1})])
vector("has_num_decimal_places-allow-nulls-column-limit", "numbers", [check("has_num_decimal_places", {"column": "d", "limit": "i", "allow_nulls": False})])

# --- regex and patterns
vector("regex_match-basic", "identifiers", [check("regex_match", {"column": "email", "regex": "^[a-z.]+@example\\.com$"})])
vector("regex_match-negate-warn", "identifiers", [check("regex_match", {"column": "url", "regex": "^https?://", "negate": True}, criticality="warn")])
vector("regex_match-partial-unicode", "strings", [check("regex_match", {"column": "s", "regex": "[A-Z]"}), check("regex_match", {"column": "s", "regex": "\\p{L}{2}"}, criticality="warn", name="two letters")])
vector("regex_match-numbers", "numbers", [check("regex_match", {"column": "d", "regex": "E"})])
vector("regex_match-java-only", "identifiers", [check("regex_match", {"column": "email", "regex": "^(?!not).*@.*$"})], known_differences=diff("Look-ahead (?!...) is Java-only: DuckDB's RE2 engine cannot evaluate it, so this rule runs in a DQX job instead of the DuckDB fast path."))
vector("regex_match-dollar-newline", "identifiers", [check("regex_match", {"column": "email", "regex": "com$"})])
# fixed shapes: DuckDB tests a GLOB first and the regex only where it says no (glob-prefilter.ts)
vector("regex_match-fixed-shape", "shaped_codes", [
    check("regex_match", {"column": "sku", "regex": "^[A-Z]{3}-\\d{4}$"}, name="sku_shape"),
    check("regex_match", {"column": "sku", "regex": "\\A[A-Z]{3}-[0-9]{4}\\z"}, name="sku_exact", criticality="warn"),
    check("regex_match", {"column": "sku", "regex": "^ORD\\.[0-9]{2}\\Z"}, name="order_code", criticality="warn"),
    check("regex_match", {"column": "sku", "regex": "^[A-Z]{3}-\\d{4}$", "negate": True}, name="not_sku_shape", criticality="warn"),
])
for fn, table, col in [("is_valid_ipv4_address", "ips", "ip"), ("is_valid_email", "identifiers", "email"), ("is_valid_url", "identifiers", "url")]:
    vector(f"{fn}-basic", table, [check(fn, {"column": col})])
    vector(f"{fn}-warn-filter", table, [check(fn, {"column": col}, criticality="warn", filter="id > 1", user_metadata={"pii": True})])
vector("is_valid_uuid-basic", "identifiers", [check("is_valid_uuid", {"column": "uuid"})])
vector("is_valid_uuid-strict", "identifiers", [check("is_valid_uuid", {"column": "uuid", "strict": True}, criticality="warn")])
vector("is_valid_national_id-us", "identifiers", [check("is_valid_national_id", {"column": "natid"})])
vector("is_valid_national_id-gb", "national_ids", [check("is_valid_national_id", {"column": "nino", "country": "GB"})])
vector("is_valid_national_id-in", "national_ids", [check("is_valid_national_id", {"column": "pan", "country": "in"}, criticality="warn")])

# --- ISO codes
vector("is_valid_country_code-alpha2", "codes", [check("is_valid_country_code", {"column": "country"})])
vector("is_valid_country_code-alpha3-ci", "codes", [check("is_valid_country_code", {"column": "country3", "code_format": "alpha-3", "case_sensitive": False})])
vector("is_valid_country_code-numeric", "codes", [check("is_valid_country_code", {"column": "country_num", "code_format": "NUMERIC"}), check("is_valid_country_code", {"column": "num_int", "code_format": "numeric"}, criticality="warn")])
vector("is_valid_currency_code-basic", "codes", [check("is_valid_currency_code", {"column": "currency"}), check("is_valid_currency_code", {"column": "currency", "case_sensitive": False}, criticality="warn", name="currency ci")])
vector("is_valid_currency_code-numeric", "codes", [check("is_valid_currency_code", {"column": "currency_num", "code_format": "numeric"})])
vector("is_valid_language_code-alpha2", "codes", [check("is_valid_language_code", {"column": "lang"}), check("is_valid_language_code", {"column": "lang", "case_sensitive": False}, criticality="warn", name="lang ci")])
vector("is_valid_language_code-alpha3", "codes", [check("is_valid_language_code", {"column": "lang3", "code_format": "alpha-3"})])
vector("is_valid_subdivision_code-basic", "codes", [check("is_valid_subdivision_code", {"column": "subdiv"}), check("is_valid_subdivision_code", {"column": "subdiv", "case_sensitive": False}, criticality="warn", name="subdiv ci")])
vector("is_valid_subdivision_code-country-column", "subdivisions", [check("is_valid_subdivision_code", {"column": "subdiv", "country_column": "country"})])
vector("is_valid_subdivision_code-country-column-ci", "subdivisions", [check("is_valid_subdivision_code", {"column": "subdiv", "country_column": "country", "case_sensitive": False}, criticality="warn")])

# --- IP ranges
vector("is_ipv4_address_in_cidr-24", "ips", [check("is_ipv4_address_in_cidr", {"column": "ip", "cidr_block": "192.168.1.0/24"})])
vector("is_ipv4_address_in_cidr-8-and-0", "ips", [check("is_ipv4_address_in_cidr", {"column": "ip", "cidr_block": "10.0.0.0/8"}), check("is_ipv4_address_in_cidr", {"column": "ip", "cidr_block": "0.0.0.0/0"}, criticality="warn", name="anything")])
vector("is_ipv4_address_in_cidr-32-host-bits", "ips", [check("is_ipv4_address_in_cidr", {"column": "ip", "cidr_block": "192.168.1.10/32"}), check("is_ipv4_address_in_cidr", {"column": "ip", "cidr_block": "192.168.1.77/22"}, criticality="warn")])
vector("is_valid_ipv6_address-basic", "ipv6", [check("is_valid_ipv6_address", {"column": "ip"})])
vector("is_valid_ipv6_address-warn-filter", "ipv6", [check("is_valid_ipv6_address", {"column": "ip"}, criticality="warn", filter="id > 3")])
vector("is_ipv6_address_in_cidr-32", "ipv6", [check("is_ipv6_address_in_cidr", {"column": "ip", "cidr_block": "2001:db8::/32"})])
vector("is_ipv6_address_in_cidr-odd-prefix", "ipv6", [check("is_ipv6_address_in_cidr", {"column": "ip", "cidr_block": "2001:db8:0:fff0::/61"}, criticality="warn"), check("is_ipv6_address_in_cidr", {"column": "ip", "cidr_block": "::/0"})])
vector("is_ipv6_address_in_cidr-mapped", "ipv6", [check("is_ipv6_address_in_cidr", {"column": "ip", "cidr_block": "::ffff:192.168.0.0/112"})])

# --- JSON
vector("is_valid_json-basic", "jsons", [check("is_valid_json", {"column": "j"})])
vector("is_valid_json-warn-filter", "jsons", [check("is_valid_json", {"column": "j"}, criticality="warn", filter="id > 2")])
vector("has_json_keys-all", "jsons", [check("has_json_keys", {"column": "j", "keys": ["a", "b"]})])
vector("has_json_keys-any", "jsons", [check("has_json_keys", {"column": "j", "keys": ["a", "c", "a"], "require_all": False}, criticality="warn")])
vector("has_valid_json_schema-basic", "jsons", [check("has_valid_json_schema", {"column": "j", "schema": "a INT, b STRING"})])
vector("has_valid_json_schema-not-null", "jsons", [check("has_valid_json_schema", {"column": "j", "schema": "a BIGINT NOT NULL, b STRING"})])
vector("has_valid_json_schema-nested", "jsons", [check("has_valid_json_schema", {"column": "j", "schema": "struct<c:struct<d:int NOT NULL>>"}, criticality="warn")])

# --- Spark renderings DuckDB reproduces only in part
vector(
    "double-rendering-java",
    "doubles",
    [check("is_in_range", {"column": "d", "min_limit": 1, "max_limit": 2})],
    description="Spark prints doubles with Java's Double.toString; DuckDB reproduces it from shortest digits.",
    known_differences={
        "duckdb": [
            {
                "rows": [1, 2],
                "reason": "Java 17's Double.toString is not always the shortest form: Double.MIN_VALUE prints as "
                "4.9E-324 and 2.82879384806159E17 as 2.82879384806159008E17; DuckDB prints the shortest digits "
                "(5.0E-324, 2.82879384806159E17).",
            }
        ]
    },
)

# --- Spark leniency and engine differences (recorded; DuckDB differences declared after recording)
vector("is_valid_json-spark-parser", "lenient_json", [check("is_valid_json", {"column": "j"})])
vector("has_json_keys-non-objects", "lenient_json", [check("has_json_keys", {"column": "j", "keys": ["a"]}), check("has_json_keys", {"column": "j", "keys": ["a", "b"], "require_all": False}, criticality="warn")])
vector("has_valid_json_schema-lenient", "lenient_json", [check("has_valid_json_schema", {"column": "j", "schema": "a STRING"})])
vector("is_valid_date-spark-forms", "date_strings", [check("is_valid_date", {"column": "s"})])
vector("is_valid_timestamp-spark-forms", "date_strings", [check("is_valid_timestamp", {"column": "s"}, criticality="warn")])
vector("is_valid_timestamp-patterns", "date_strings", [
    check("is_valid_timestamp", {"column": "s", "timestamp_format": "yyyy/MM/dd"}, name="slashes"),
    check("is_valid_timestamp", {"column": "s", "timestamp_format": "dd.MM.yyyy HH:mm"}, name="dotted"),
    check("is_valid_date", {"column": "s", "date_format": "yyyyMMdd"}, name="compact", criticality="warn"),
    check("is_valid_timestamp", {"column": "s", "timestamp_format": "yyyy-MM-dd'T'HH:mm:ss.SSS"}, name="iso_millis", criticality="warn"),
])
vector("is_valid_timestamp-clock-edges", "clock_edges", [check("is_valid_timestamp", {"column": "s"}), check("is_valid_date", {"column": "s"}, criticality="warn")])
vector("is_data_fresh-string-zones", "readable_times", [check("is_data_fresh", {"column": "s", "max_age_minutes": 60, "base_timestamp": "2024-03-01 00:30:00"})])
vector("is_not_in_near_future-string-zones", "readable_times", [check("is_not_in_near_future", {"column": "s", "offset": 86400 * 365 * 200})], now_offsets=[86400 * 365 * 200])
vector("is_in_range-string-timestamp-limits", "readable_times", [check("is_in_range", {"column": "s", "min_limit": "2024-02-29 12:00:00", "max_limit": "2024-03-01 00:00:00"}), check("is_not_greater_than", {"column": "s", "limit": "2024-02-29T23:59:59"}, criticality="warn"), check("is_not_less_than", {"column": "s", "limit": {"__date__": "2024-02-01"}}, name="date_limit")])
vector("has_valid_string_case-java-special-casing", "special_cases", [check("has_valid_string_case", {"column": "s", "case": case}, criticality="warn" if case in ("lower", "sentence") else "error") for case in ["upper", "lower", "title", "sentence"]])
vector("is_in_list-case-insensitive-special-casing", "special_cases", [
    check("is_in_list", {"column": "s", "allowed": ["'STRASSE'", "'ΟΔΟΣ'", "'i̇t'"], "case_sensitive": False}),
    check("is_not_in_list", {"column": "s", "forbidden": ["'strasse'", "'οδοσ'"], "case_sensitive": False}, criticality="warn"),
    check("is_valid_country_code", {"column": "s", "case_sensitive": False}, name="country"),
])
vector("sql_expression-upper-lower-special-casing", "special_cases", [
    check("sql_expression", {"expression": "upper(s) <> 'STRASSE'", "name": "not_strasse"}),
    check("sql_expression", {"expression": "lower(s) NOT IN ('οδος', 'it')", "name": "not_odos"}, criticality="warn"),
    check("is_not_null", {"column": "s"}, filter="ucase(s) <> s"),
])
vector("has_valid_string_case-unicode-upper-lower", "cases", [check("has_valid_string_case", {"column": "s", "case": "upper"}), check("has_valid_string_case", {"column": "s", "case": "lower"}, criticality="warn")])
vector("has_valid_string_case-unicode-title-sentence", "cases", [check("has_valid_string_case", {"column": "s", "case": "title"}), check("has_valid_string_case", {"column": "s", "case": "sentence"}, criticality="warn")])
vector("regex_match-java-syntax", "strings", [
    check("regex_match", {"column": "s", "regex": "(?i)^hello"}, name="ci"),
    check("regex_match", {"column": "s", "regex": "\\p{Lu}\\p{Ll}+"}, name="capitalised"),
    check("regex_match", {"column": "s", "regex": "\\s{2,}"}, name="double_space", criticality="warn"),
    check("regex_match", {"column": "s", "regex": "\\Qit's\\E"}, name="quoted"),
    check("regex_match", {"column": "s", "regex": "^[^\\p{ASCII}]"}, name="non_ascii_start", criticality="warn"),
    check("regex_match", {"column": "s", "regex": "d$"}, name="ends_d"),
])
vector("column-names-odd", "odd_names", [
    check("is_not_null", {"column": "`a.b`"}),
    check("is_not_null", {"column": "a.b"}, criticality="warn"),
    check("is_not_empty", {"column": "Prénom"}),
    check("is_not_null", {"column": "x" * 300}, criticality="warn"),
    check("is_not_null", {"column": "1st col"}),
])
vector("column-expressions", "strings", [
    check("is_not_empty", {"column": "trim(s)"}),
    check("has_valid_string_case", {"column": "upper(s)", "case": "upper"}, criticality="warn"),
    check("is_in_list", {"column": "length(t)", "allowed": [1]}),
    check("is_not_null", {"column": "nullif(s, '')"}, criticality="warn"),
])
vector("sql_expression-common-functions", "mixed", [
    check("sql_expression", {"expression": "coalesce(length(name), 0) BETWEEN 1 AND 10", "name": "name_length"}),
    check("sql_expression", {"expression": "upper(status) IN ('ACTIVE', 'INACTIVE')", "name": "status_known", "msg": "unknown status"}, criticality="warn"),
    check("sql_expression", {"expression": "abs(round(amount, 1)) < 100 OR amount IS NULL", "name": "amount_small"}),
    check("sql_expression", {"expression": "substring(name, 1, 1) <> 'd'", "name": "not_d", "negate": True, "columns": ["name"]}, criticality="warn"),
])
vector("is_in_list-mixed-literals", "numbers", [check("is_in_list", {"column": "i", "allowed": ["'5'", 10, "3 + 4"]})])
vector("message-expr-variants", "mixed", [
    check("is_not_null", {"column": "name"}, message_expr="concat_ws(' | ', 'name missing', status, cast(amount as string))"),
    check("is_in_range", {"column": "amount", "min_limit": 0, "max_limit": 100}, criticality="warn", message_expr="CASE WHEN amount < 0 THEN 'negative' ELSE NULL END"),
    check("is_not_null", {"column": "created"}, message_expr="repeat('x', 600)"),
])

# --- rule-set behaviour
vector("skipped-missing-column", "mixed", [check("is_not_null", {"column": "missing"}), check("is_in_range", {"column": "amount", "min_limit": 0, "max_limit": 100}, criticality="warn")])
vector("skipped-missing-column-warn", "mixed", [check("is_not_null", {"column": "nope"}, criticality="warn", name="nope required", user_metadata={"x": "y"})])
vector("skipped-invalid-filter", "mixed", [check("is_not_null", {"column": "name"}, filter="missing_col > 1")])
vector("skipped-unsafe-filter", "mixed", [check("is_not_null", {"column": "name"}, filter="id > 0 OR delete_flag = 1")])
vector("skipped-invalid-message-expr", "mixed", [check("is_not_null", {"column": "name"}, message_expr="concat('x', missing_col)")])
vector("skipped-several-reasons", "mixed", [check("is_in_range", {"column": "gone", "min_limit": 1, "max_limit": 2}, filter="nope = 1\nAND x > 2", message_expr="missing")])
vector("skipped-for-each-column", "mixed", [check("is_not_null", for_each_column=["id", "ghost", "name"])])
vector("mixed-rule-set", "mixed", [
    check("is_not_null", {"column": "id"}),
    check("is_not_null_and_not_empty", {"column": "name", "trim_strings": True}, criticality="warn"),
    check("is_in_range", {"column": "amount", "min_limit": 0, "max_limit": 1000}),
    check("is_in_list", {"column": "status", "allowed": ["'ACTIVE'", "'INACTIVE'"]}, criticality="warn"),
    check("is_not_in_future", {"column": "created", "offset": 86400 * 365 * 50}),
    check("sql_expression", {"expression": "amount IS NULL OR amount < 1e6", "name": "amount_reasonable"}),
], now_offsets=[86400 * 365 * 50])
vector("all-warnings", "mixed", [check("is_not_null", {"column": "name"}, criticality="warn"), check("is_not_null", {"column": "amount"}, criticality="warn")])
vector("no-failures", "numbers", [check("is_not_null", {"column": "id"}), check("is_not_null", {"column": "id"}, criticality="warn", name="id again")])
vector("duplicate-names-and-order", "numbers", [check("is_not_null", {"column": "i"}, name="same"), check("is_not_null", {"column": "d"}, name="same"), check("is_in_range", {"column": "i", "min_limit": 0, "max_limit": 5}, criticality="warn"), check("is_not_null", {"column": "l"})])
vector("filter-with-null-result", "mixed", [check("is_not_null", {"column": "name"}, filter="amount > 0"), check("is_not_null", {"column": "created"}, filter="status = 'ACTIVE'", criticality="warn")])
vector("user-metadata-types", "mixed", [check("is_not_null", {"column": "name"}, user_metadata={"int": 1, "float": 0.95, "bool": False, "none": None, "str": "x", "list": ["a", "b"], "date": {"__date__": "2024-05-06"}})])
vector("filter-subquery-free-functions", "strings", [check("is_not_empty", {"column": "s"}, filter="length(t) = 1 AND lower(t) <> 'x'")])
vector("for-each-struct-fields", "collections", [check("is_not_null", for_each_column=["addr.city", "addr.zip", "id"], criticality="warn")])
vector("expression-column", "numbers", [check("is_not_less_than", {"column": "id - 5", "limit": 0}), check("is_not_null", {"column": "nullif(i, 0)"}, criticality="warn")])


# --- dataset-level checks: each dataset_vectors_*.py module adds the vectors of one check family
# (tables of their own, and reference tables under "ref_tables": {name: {columns, rows}}).
for _module in sorted(p.stem for p in HERE.glob("dataset_vectors_*.py")):
    importlib.import_module(_module).add(vector=vector, check=check, diff=diff, tables=TABLES)


def main() -> None:
    VECTORS.mkdir(exist_ok=True)
    names = set()
    for v in VECTORS_OUT:
        if v["name"] in names:
            sys.exit(f"duplicate vector name {v['name']}")
        names.add(v["name"])
        path = VECTORS / f"{v['name']}.json"
        if path.exists():
            old = json.loads(path.read_text(encoding="utf-8"))
            inputs = ("columns", "rows", "checks", "now_offsets", "ref_tables")
            if "expected" in old and all(old.get(k) == v.get(k) for k in inputs):
                v = {**v, "expected": old["expected"]}
        path.write_text(json.dumps(v, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for path in VECTORS.glob("*.json"):
        if path.stem not in names:
            path.unlink()
    print(f"{len(VECTORS_OUT)} vectors")


if __name__ == "__main__":
    main()
