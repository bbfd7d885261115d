# Databricks notebook source
# MAGIC %md
# MAGIC # DQX scheduled checks
# MAGIC
# MAGIC The job of one monitored table, created and kept in step by DQX Data Quality Manager (Jobs API
# MAGIC `jobs/create` / `jobs/reset` with a cron schedule). Loads the table's PUBLISHED checks with DQX's
# MAGIC `load_checks` (checks table with the table's `run_config_name`, or a volume / workspace file), then
# MAGIC runs DQX's `apply_checks_by_metadata_and_save_in_table`: valid rows to the output table, invalid rows
# MAGIC with `_errors` / `_warnings` to the quarantine table, DQX's summary metrics to the metrics table
# MAGIC (DQX's own long format, so DQX's dashboard reads it unchanged).
# MAGIC
# MAGIC Parameters and output follow the versioned job contract in `contract/` (kind `monitoring`); the app
# MAGIC reads the output of every finished run into the table's run history. A failure is returned as
# MAGIC `{ok: false, error: {cause, hint}}` and the run ends FAILED (which sends the job's failure emails).

# COMMAND ----------

import os
import sys

# The dqx_jobs package and contract/ sit next to this notebook (the bundle syncs them together).
if os.getcwd() not in sys.path:
    sys.path.insert(0, os.getcwd())

from databricks.sdk import WorkspaceClient  # noqa: E402

from dqx_jobs import finish, read_widgets, run_monitoring  # noqa: E402

# COMMAND ----------

parameters = read_widgets(dbutils, "monitoring")  # noqa: F821 - dbutils is provided by Databricks
output = run_monitoring(spark, WorkspaceClient(), parameters)  # noqa: F821 - spark is provided by Databricks

# COMMAND ----------

finish(output, dbutils, results_volume=parameters.get("results_volume"))  # noqa: F821
