"""Loads the job contract exported by the app (../contract) and validates against it."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

CONTRACT_DIR = Path(__file__).resolve().parent.parent / "contract"


@lru_cache(maxsize=None)
def constants() -> dict[str, Any]:
    return json.loads((CONTRACT_DIR / "constants.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _validator(file_name: str) -> Draft202012Validator:
    schema = json.loads((CONTRACT_DIR / file_name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_errors(file_name: str, value: Any) -> list[str]:
    """Every violation of the named schema, as 'path: message' lines (empty when valid)."""
    errors = sorted(_validator(file_name).iter_errors(value), key=lambda e: list(e.absolute_path))
    out = []
    for error in errors:
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        out.append(f"{where}: {error.message}")
    return out


def parameter_schema_file(kind: str) -> str:
    return f"{kind}-parameters.schema.json"


OUTPUT_SCHEMA_FILE = "job-output.schema.json"
PROFILE_OPTIONS_SCHEMA_FILE = "profile-options.schema.json"
