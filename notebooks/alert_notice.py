# Databricks notebook source
# MAGIC %md
# MAGIC # DQX alert notice
# MAGIC
# MAGIC A one-time run submitted by DQX Data Quality Manager (Jobs API `runs/submit`, as the app's service
# MAGIC principal) when a table's thresholds are breached or met again. The run's name states the alert and
# MAGIC its `email_notifications.on_success` are the recipients of the table's schedule, so the e-mail is
# MAGIC Databricks' own job notification. This notebook only checks its parameters and shows the alert: it
# MAGIC reads no data and needs nothing but the Python standard library.

# COMMAND ----------

import json
import os

# The contract's constants sit next to this notebook (the bundle syncs them together).
with open(os.path.join(os.getcwd(), "contract", "constants.json"), encoding="utf-8") as f:
    NAMES = json.load(f)["alert_notice_parameter_names"]

notice = {name: dbutils.widgets.get(name) for name in NAMES}  # noqa: F821 - dbutils is provided by Databricks
if notice["event"] not in ("breach", "recovery"):
    raise ValueError(f"event must be breach or recovery, not {notice['event']!r}")
for name in ("alert_id", "table", "text"):
    if not notice[name].strip():
        raise ValueError(f"{name} is empty")

# COMMAND ----------

print(notice["text"])
dbutils.notebook.exit(  # noqa: F821
    json.dumps({"kind": "alert_notice", "ok": True, **{k: notice[k] for k in ("alert_id", "table", "event", "run_id")}})
)
