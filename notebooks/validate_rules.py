# Databricks notebook source
# MAGIC %md
# MAGIC # DQX rule validation
# MAGIC
# MAGIC Started by DQX Data Quality Manager (Jobs API `run-now` with job parameters). Applies the rule set
# MAGIC with DQX's `apply_checks_by_metadata` once and returns, from a single aggregation over the result,
# MAGIC the valid/invalid/warning splits, per-rule failing-row counts (matched by rule name) with the rows
# MAGIC each rule evaluated, and a bounded sample of failing rows.
# MAGIC
# MAGIC Parameters and output follow the versioned job contract in `contract/`; the logic lives in the
# MAGIC `dqx_jobs` package next to this notebook. A failure is returned as `{ok: false, error: {cause, hint}}`
# MAGIC and the run ends FAILED.

# COMMAND ----------

import os
import sys

# The dqx_jobs package and contract/ sit next to this notebook (the bundle syncs them together).
if os.getcwd() not in sys.path:
    sys.path.insert(0, os.getcwd())

from databricks.sdk import WorkspaceClient  # noqa: E402

from dqx_jobs import finish, read_widgets, run_validation  # noqa: E402

# COMMAND ----------

parameters = read_widgets(dbutils, "validation")  # noqa: F821 - dbutils is provided by Databricks
output = run_validation(spark, WorkspaceClient(), parameters)  # noqa: F821 - spark is provided by Databricks

# COMMAND ----------

finish(output, dbutils, results_volume=parameters.get("results_volume"))  # noqa: F821
