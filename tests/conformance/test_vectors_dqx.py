"""Every vector through real DQX again: the recorded expected output must still be what DQX 0.17.0
returns (so vectors cannot drift from the library)."""

from __future__ import annotations

import pytest

import dqx_harness as h

VECTORS = sorted(h.VECTORS_DIR.glob("*.json"))


def test_enough_vectors():
    assert len(VECTORS) >= 150


@pytest.mark.parametrize("path", VECTORS, ids=lambda p: p.stem)
def test_dqx_output_matches_recording(path, spark, dqx_engine):
    vector = h.load_json(path)
    assert "expected" in vector, f"{path.name} has no recorded output: run record.py vectors"
    rows, start, end = h.run_dqx(spark, dqx_engine, vector)
    rows = h.mask_rows(rows, vector.get("now_offsets", []), start, end)
    assert rows == vector["expected"]["rows"]
    assert h.split_counts(rows) == vector["expected"]["counts"]
