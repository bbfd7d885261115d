# Databricks notebook source
# MAGIC %md
# MAGIC # DQX rule generation
# MAGIC
# MAGIC Started by DQX Data Quality Manager (Jobs API `run-now` with job parameters). Profiles the table
# MAGIC with DQX's profiler on the sample the user chose, derives rules with DQX's generator and, when
# MAGIC asked and a serving endpoint is configured, with DQX's AI-assisted generator.
# MAGIC
# MAGIC The parameters and the output follow the versioned job contract in `contract/` (exported from
# MAGIC the app's `lib/jobs/contract.ts`); the logic lives in the `dqx_jobs` package next to this notebook.
# MAGIC A failure is returned as `{ok: false, error: {cause, hint}}` and the run ends FAILED.

# COMMAND ----------

import os
import sys

# The dqx_jobs package and contract/ sit next to this notebook (the bundle syncs them together).
if os.getcwd() not in sys.path:
    sys.path.insert(0, os.getcwd())

from databricks.sdk import WorkspaceClient  # noqa: E402

from dqx_jobs import finish, read_widgets, run_generation  # noqa: E402

# COMMAND ----------

parameters = read_widgets(dbutils, "generation")  # noqa: F821 - dbutils is provided by Databricks
output = run_generation(spark, WorkspaceClient(), parameters)  # noqa: F821 - spark is provided by Databricks

# COMMAND ----------

finish(output, dbutils, results_volume=parameters.get("results_volume"))  # noqa: F821
