"""Session fixtures of the conformance suite: one local Spark session (getOrCreate, so other
conftests under this folder share it), a DQX engine with a mocked workspace client, and the
engine's output (SQL per vector, serialized checks files) generated fresh by the TypeScript emit
script at the start of the session."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dqx_harness as h  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


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
    npx = shutil.which("npx")
    if npx is None:
        pytest.fail("npx is required to compile the rule sets (Node 20+)")
    subprocess.run(
        [npx, "tsx", "scripts/emit-conformance-sql.ts", str(out)],
        cwd=REPO,
        check=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=600,
    )
    return json.loads(out.read_text(encoding="utf-8"))
