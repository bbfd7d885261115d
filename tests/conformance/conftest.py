"""Session fixtures of the conformance suite: one local Spark session (getOrCreate, so other
conftests under this folder share it), a DQX engine with a mocked workspace client, and the
engine's output (SQL per vector, serialized checks files) generated fresh by the TypeScript emit
script at the start of the session."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dqx_harness as h  # noqa: E402


@pytest.fixture(scope="session")
def spark():
    return h.spark_session()


@pytest.fixture(scope="session")
def dqx_engine(spark):
    return h.dqx_engine(spark)


@pytest.fixture(scope="session")
def engine_output(tmp_path_factory) -> dict:
    """Our compiled SQL and serialized files, from scripts/emit-conformance-sql.ts (always fresh)."""
    out = tmp_path_factory.mktemp("engine") / "engine-output.json"
    h.run_node_script("scripts/emit-conformance-sql.ts", str(out))
    return json.loads(out.read_text(encoding="utf-8"))
