"""Validation cases and fingerprint cases re-run through DQX: the recorded expectations the
vitest suites compare our engine with must still be DQX's."""

from __future__ import annotations

import pytest

import dqx_harness as h
import record

VALIDATION = h.load_json(h.VALIDATION_FILE)["cases"]
FINGERPRINTS = h.load_json(h.FINGERPRINTS_FILE)["cases"]


@pytest.mark.parametrize("case", VALIDATION, ids=lambda c: c["id"])
def test_validation_case(case, spark):
    assert record.validation_result(case["checks"]) == case["expected"]


@pytest.mark.parametrize("case", FINGERPRINTS, ids=lambda c: c["id"])
def test_fingerprint_case(case, spark):
    assert record.fingerprint_result(case["checks"]) == case["expected"]
