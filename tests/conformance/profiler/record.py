"""Records DQX's outputs into the profiler vectors: for each vector, runs real DQProfiler.profile on
the full data and DQGenerator.generate_dq_rules on its profiles, and stores them under "expected".

Usage (from the repository root, with the conformance venv):
    tests/conformance/.venv/bin/python tests/conformance/profiler/record.py [name ...]
"""

import sys

from make_profiler_vectors import vector_text
from profiler_dqx import VECTOR_DIR, load_vectors, run_dqx, spark_session


def main(names: list[str]) -> int:
    spark = spark_session()
    spark.sparkContext.setLogLevel("ERROR")
    vectors = [v for v in load_vectors() if not names or v["name"] in names]
    for vector in vectors:
        vector["expected"] = run_dqx(spark, vector)
        path = VECTOR_DIR / f"{vector['name']}.json"
        path.write_text(vector_text(vector))
        print(f"recorded {vector['name']}: {len(vector['expected']['profiles'])} profiles, {len(vector['expected']['rules'])} rules")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
