"""Records the expected outputs of the conformance vectors by running the real DQX library.

    tests/conformance/.venv/bin/python tests/conformance/record.py [vectors|validation|fingerprints|all] [-k NAME]

* vectors:      every ``vectors/*.json`` input through ``DQEngine.apply_checks_by_metadata`` on a local
                Spark session (mocked WorkspaceClient, fixed run time and run id, session time zone
                UTC); the per-row ``_errors``/``_warnings`` (without run_time/run_id) and the split
                counts are written into the vector's ``expected``.
* validation:   every case of ``validation/cases.json`` through ``ChecksValidator``, the semantic
                validator, and ``deserialize_checks`` (which raises DQX's build-time argument errors).
* fingerprints: names and fingerprints of the rules DQX builds, the rule-set fingerprint, and the
                fingerprint DQX stores in its checks table.

Expected values are never written by hand: edit the inputs, then re-record.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dqx_harness as h  # noqa: E402


def record_vectors(pattern: str | None) -> None:
    spark = h.spark_session()
    engine = h.dqx_engine(spark)
    for path in sorted(h.VECTORS_DIR.glob("*.json")):
        vector = h.load_json(path)
        if pattern and pattern not in vector["name"] and pattern not in path.stem:
            continue
        try:
            rows, start, end = h.run_dqx(spark, engine, vector)
        except Exception as exc:  # a vector DQX cannot run is a broken vector: report, keep going
            print(f"FAILED {path.name}: {str(exc).splitlines()[0]}")
            continue
        offsets = vector.get("now_offsets", [])
        rows = h.mask_rows(rows, offsets, start, end)
        vector["expected"] = {"rows": rows, "counts": h.split_counts(rows)}
        h.write_json(path, vector)
        print(f"recorded {path.name}")


def validation_result(checks: list) -> dict:
    from databricks.labs.dqx.checks_semantic_validator import ChecksSemanticValidator
    from databricks.labs.dqx.checks_serializer import ChecksNormalizer, deserialize_checks
    from databricks.labs.dqx.checks_validator import ChecksValidator

    values = h.from_model(checks)
    status = ChecksValidator.validate_checks(values)
    build_errors = []
    if not status.has_errors:
        for check in values:
            try:
                deserialize_checks(ChecksNormalizer.denormalize([check]))
                build_errors.append(None)
            except Exception as exc:  # the error DQX raises when it builds the rule
                build_errors.append(str(exc))
    return {
        "errors": status.errors,
        "semantic": ChecksSemanticValidator.validate_ruleset(values),
        "build_errors": build_errors,
    }


def record_validation(pattern: str | None) -> None:
    h.spark_session()  # building rules needs an active session for F.expr
    data = h.load_json(h.VALIDATION_FILE)
    for case in data["cases"]:
        if pattern and pattern not in case["id"]:
            continue
        case["expected"] = validation_result(case["checks"])
    h.write_json(h.VALIDATION_FILE, data)
    print(f"recorded {len(data['cases'])} validation cases")


def fingerprint_result(checks: list) -> dict:
    from databricks.labs.dqx.checks_serializer import ChecksNormalizer, deserialize_checks
    from databricks.labs.dqx.checks_storage import DataFrameConverter
    from databricks.labs.dqx.rule_fingerprint import compute_rule_set_fingerprint

    values = ChecksNormalizer.denormalize(h.from_model(checks))
    per_check = []
    for check in values:
        rules = deserialize_checks([check])
        normalized = ChecksNormalizer.normalize([check])[0]
        _, stored = DataFrameConverter.resolve_name_and_fingerprint(check, normalized)
        per_check.append({"rules": [{"name": r.name, "fingerprint": r.rule_fingerprint} for r in rules], "stored": stored})
    return {"checks": per_check, "rule_set": compute_rule_set_fingerprint(deserialize_checks(values))}


def record_fingerprints(pattern: str | None) -> None:
    h.spark_session()
    data = h.load_json(h.FINGERPRINTS_FILE)
    for case in data["cases"]:
        if pattern and pattern not in case["id"]:
            continue
        case["expected"] = fingerprint_result(case["checks"])
    h.write_json(h.FINGERPRINTS_FILE, data)
    print(f"recorded {len(data['cases'])} fingerprint cases")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["vectors", "validation", "fingerprints", "all"], nargs="?", default="all")
    parser.add_argument("-k", dest="pattern", default=None, help="only cases whose name contains this text")
    args = parser.parse_args()
    if args.what in ("validation", "all"):
        record_validation(args.pattern)
    if args.what in ("fingerprints", "all"):
        record_fingerprints(args.pattern)
    if args.what in ("vectors", "all"):
        record_vectors(args.pattern)


if __name__ == "__main__":
    main()
