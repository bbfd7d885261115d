"""Failures a job reports to the app as {ok: false, error: {cause, hint, type}}."""

from __future__ import annotations


class JobFailure(Exception):
    """A handled failure: what went wrong (cause), what to do (hint), and a stable type."""

    def __init__(self, type_: str, cause: str, hint: str = "") -> None:
        super().__init__(cause)
        self.type = type_
        self.cause = cause
        self.hint = hint


class JobFailed(Exception):
    """Raised by the notebook after a handled failure so the run ends FAILED.

    Its message is the error marker followed by the failure envelope as one line of JSON; the app
    finds it in the `error` field of `runs/get-output`.
    """


def _error_class(exc: BaseException) -> str | None:
    get = getattr(exc, "getCondition", None) or getattr(exc, "getErrorClass", None)
    if callable(get):
        try:
            value = get()
            return str(value) if value else None
        except Exception:  # noqa: BLE001 - best effort only
            return None
    return None


def classify_table_error(exc: BaseException, table_name: str, identity_hint: str) -> JobFailure:
    """Turns an error from reading the table into a failure the user can act on."""
    error_class = _error_class(exc) or ""
    text = str(exc)
    if error_class in ("TABLE_OR_VIEW_NOT_FOUND", "SCHEMA_NOT_FOUND", "CATALOG_NOT_FOUND") or any(
        marker in text for marker in ("TABLE_OR_VIEW_NOT_FOUND", "SCHEMA_NOT_FOUND", "CATALOG_NOT_FOUND", "NO_SUCH_CATALOG")
    ):
        return JobFailure(
            "table_not_found",
            f"The table {table_name} was not found by the job.",
            f"Check the name, and that {identity_hint} can see the table.",
        )
    if error_class in ("INSUFFICIENT_PERMISSIONS", "PERMISSION_DENIED") or any(
        marker in text for marker in ("INSUFFICIENT_PERMISSIONS", "PERMISSION_DENIED", "does not have USE", "does not have SELECT")
    ):
        return JobFailure(
            "permission_denied",
            f"The job may not read {table_name}.",
            f"Grant SELECT on the table (and USE CATALOG / USE SCHEMA on its parents) to {identity_hint}.",
        )
    return JobFailure(
        "table_unreadable",
        f"The job could not read {table_name}: {first_line(text)}",
        "See the run page in Databricks for the full error.",
    )


def first_line(text: str, limit: int = 500) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"
