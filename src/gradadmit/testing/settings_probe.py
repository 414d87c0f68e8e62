"""Settings as a fresh process reads them from its environment (settings.py runs once per process)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def settings_with(tmp_path, expression: str, **environment):
    """The JSON value of `expression` (over `settings`) in a new process with this environment (no DATABASE_URL or
    REDIS_URL unless given), its data directory in `tmp_path`."""
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        GRADADMIT_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="gradadmit.settings", PYTHONPATH=str(ROOT / "src")
    )
    env.update(environment)
    script = f"import json, django; django.setup(); from django.conf import settings; print(json.dumps({expression}))"
    result = subprocess.run(  # noqa: S603 (this interpreter on the tests' own script, no shell)
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
