"""The load test's harness works end to end (a few seconds of the peak-hour mix at a fraction of its
rates, one worker on PostgreSQL and Redis): every request answered without a failure. The real
runs, with their figures, are by hand (README, "Load test")."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ops import stack

pytestmark = [pytest.mark.postgres, pytest.mark.redis,
              pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")]
ROOT = Path(__file__).resolve().parents[2]


def test_a_few_seconds_of_the_peak_hour_mix_run_without_a_failure():
    url = stack.postgres_url()
    base, name = url.rsplit("/", 1)
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), "--smoke", "--json", "--pg", base,
         "--database", f"{name}_load_smoke", "--redis", os.environ["REDIS_URL"]],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    rows = {row["name"]: row for row in figures["workers"]["1"]}
    assert rows["Aggregated"]["requests"] > 0 and rows["Aggregated"]["failures"] == 0
    assert rows["officer: inbox (API)"]["requests"] > 0
