"""Checks files written by our serializer, read by DQX's own readers (PyYAML safe_load / json.load,
then ChecksNormalizer.denormalize as load_checks does): DQX must see exactly the values our parser
reads back, so an export from the app means the same to DQX."""

from __future__ import annotations

import io
import json
import math

import pytest


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def test_files_read_by_dqx_as_we_read_them(engine_output):
    import yaml
    from databricks.labs.dqx.checks_serializer import ChecksNormalizer

    import dqx_harness as h

    files = engine_output["files"]
    assert len(files) >= 100
    for f in files:
        if f["format"] == "yaml":
            loaded = yaml.safe_load(io.StringIO(f["text"])) or []
        else:
            loaded = json.load(io.StringIO(f["text"])) or []
        dqx_view = ChecksNormalizer.denormalize(loaded)
        ours = ChecksNormalizer.denormalize(h.from_model(f["parsed"]))
        assert _same(dqx_view, ours), f["text"]
