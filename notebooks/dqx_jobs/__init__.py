"""The code behind the DQX Data Quality Manager notebooks (generate_rules, validate_rules, monitor_table).

A plain Python package so it can be imported by the notebooks on Databricks and tested with pytest
on a local Spark session. The job contract (parameters and output) is defined in the app
(lib/jobs/contract.ts) and exported to ../contract/*.json, which this package validates against.
"""

from dqx_jobs.entrypoint import finish, read_widgets, run_generation, run_monitoring, run_validation

__all__ = ["finish", "read_widgets", "run_generation", "run_monitoring", "run_validation"]
