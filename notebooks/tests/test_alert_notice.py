"""notebooks/alert_notice.py: the one-time run that carries an alert's e-mail (lib/jobs/databricks/alert-notice.ts).

Run as Databricks runs it, with the parameter names of the job contract (contract/constants.json,
the names the app sends as the task's base_parameters) and a stand-in for dbutils.
"""

from __future__ import annotations

import json

import pytest
from conftest import NOTEBOOKS, FakeDbutils

from dqx_jobs.contract import constants


def run_notice(widgets: dict[str, str], monkeypatch) -> FakeDbutils:
    monkeypatch.chdir(NOTEBOOKS)  # Databricks runs a notebook in its own folder
    source = (NOTEBOOKS / "alert_notice.py").read_text(encoding="utf-8")
    assert source.startswith("# Databricks notebook source\n")
    dbutils = FakeDbutils(widgets)
    exec(compile(source, "alert_notice.py", "exec"), {"dbutils": dbutils, "__name__": "__main__"})
    return dbutils


def notice(**overrides: str) -> dict[str, str]:
    base = {
        "alert_id": "0b6f7c2e-4c51-4a55-9d0e-3f1f4f0f7a11",
        "table": "main.sales.orders",
        "event": "breach",
        "text": "Data quality breach on main.sales.orders: table pass rate 95.10% < 99.00%.",
        "run_id": "4c0d2f8e-1b7a-4f7e-8a43-2a9a8e0c6d55",
        "finished_at": "2026-12-07T17:40:00.000Z",
    }
    base.update(overrides)
    return base


def test_reads_exactly_the_contract_parameters_and_shows_the_alert(monkeypatch, capsys):
    assert sorted(constants()["alert_notice_parameter_names"]) == sorted(notice())
    dbutils = run_notice(notice(), monkeypatch)
    assert "table pass rate 95.10% < 99.00%" in capsys.readouterr().out
    assert json.loads(dbutils.notebook.exited) == {
        "kind": "alert_notice",
        "ok": True,
        "alert_id": notice()["alert_id"],
        "table": "main.sales.orders",
        "event": "breach",
        "run_id": notice()["run_id"],
    }


def test_a_missing_parameter_or_an_unknown_event_fails_the_run(monkeypatch):
    # a failed run sends no on_success e-mail: a malformed notice is not mailed
    with pytest.raises(ValueError, match="event must be breach or recovery"):
        run_notice(notice(event="panic"), monkeypatch)
    with pytest.raises(ValueError, match="table is empty"):
        run_notice(notice(table=" "), monkeypatch)
    widgets = notice()
    del widgets["text"]
    with pytest.raises(ValueError, match="No input widget named text"):
        run_notice(widgets, monkeypatch)
