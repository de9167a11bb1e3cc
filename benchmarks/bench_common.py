"""What the benchmark scripts share: saving a result file the same way."""
from __future__ import annotations

import json
import os
from pathlib import Path


def save_results(out: dict, path: str | Path) -> None:
    """Record the load average at the end (timings on a busy machine read slow), then write
    `out` as indented JSON to `path`, creating its folder."""
    out["load_avg_at_end"] = os.getloadavg()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(out, indent=1))
