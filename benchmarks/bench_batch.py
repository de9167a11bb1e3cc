"""A batch of 100 questions over the BBC index through `archive search --batch`: total time,
time per question, and how many times the model was loaded (once).

    ARCHIVE_ATTRIBUTION=0 .venv/bin/archive build ../shared/data/bbc --index /tmp/bbc-idx
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_batch.py --index /tmp/bbc-idx \
        [--questions 100] [--json benchmarks/results/bench_batch.json]

Questions: BBC News titles (every Nth article of ../shared/data/bbc, in file order) and
"what did X say (about Y)" forms for people the BBC set quotes, written one per line to a
.txt file. The command is the real one (`archive.cli`, run in this process through click's
CliRunner so the model loads can be counted: every sentence-transformers model constructed
is counted and its load timed). "per question" is (total - model load) / questions.
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from bench_common import save_results  # noqa: E402

BBC = ROOT.parent / "shared" / "data" / "bbc"
PEOPLE = ["Tony Blair", "Gordon Brown", "Michael Howard", "Charles Kennedy", "Alan Greenspan",
          "Bill Gates", "Jose Mourinho", "Arsene Wenger", "Kofi Annan", "George Bush",
          "Jack Straw", "David Blunkett", "Alex Ferguson", "Steve Ballmer", "Tessa Jowell",
          "Clive Woodward", "Paula Radcliffe", "Robert Kilroy-Silk", "Peter Hain", "John Prescott"]
TOPICS = ["the economy", "the election", "taxes", "the war in Iraq", "football", "music",
          "the internet", "immigration", "the budget", "the Olympics"]


def questions(n: int) -> list[str]:
    """n questions: one in four a "what did X say" form, the rest BBC titles."""
    files = sorted(BBC.glob("*/*.txt"))
    said = [f"what did {p} say" + (f" about {TOPICS[i % len(TOPICS)]}" if i % 2 else "")
            for i, p in enumerate(PEOPLE)][: n // 4]
    step = max(1, len(files) // (n - len(said)))
    titles = []
    for path in files[::step]:
        title = path.read_bytes().decode("utf-8", "replace").split("\n", 1)[0].strip()
        if title:
            titles.append(title)
    return (said + titles)[:n]


class CountLoads:
    """Counts (and times) every sentence-transformers model constructed while active."""

    def __init__(self) -> None:
        self.loads, self.seconds = 0, 0.0

    def __enter__(self) -> "CountLoads":
        from sentence_transformers import SentenceTransformer

        self._cls, self._init = SentenceTransformer, SentenceTransformer.__init__
        counter = self

        def init(model, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            start = time.perf_counter()
            counter._init(model, *args, **kwargs)
            counter.loads += 1
            counter.seconds += time.perf_counter() - start
        self._cls.__init__ = init
        return self

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        self._cls.__init__ = self._init


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default="/tmp/bbc-idx")
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("-k", type=int, default=10)
    parser.add_argument("--json", default=str(ROOT / "benchmarks" / "results" / "bench_batch.json"))
    args = parser.parse_args()
    from click.testing import CliRunner

    from archive.cli import cli

    asked = questions(args.questions)
    load_at_start = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        batch, out_csv = Path(tmp) / "questions.txt", Path(tmp) / "results.csv"
        batch.write_text("\n".join(asked) + "\n", encoding="utf-8")
        with CountLoads() as loads:
            start = time.perf_counter()
            result = CliRunner().invoke(cli, ["search", "--batch", str(batch), "--index",
                                              args.index, "-k", str(args.k), "--output",
                                              str(out_csv)], catch_exceptions=False)
            total = time.perf_counter() - start
        assert result.exit_code == 0, result.output
        table = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8"),
                                                newline="")))
    answered = {r["line"] for r in table}
    out = {"index": args.index, "questions": len(asked), "answered": len(answered),
           "rows": len(table), "k": args.k, "model_loads": loads.loads,
           "model_load_s": round(loads.seconds, 2), "total_s": round(total, 2),
           "per_question_ms": round(1000 * (total - loads.seconds) / len(asked), 1),
           "per_question_ms_with_load": round(1000 * total / len(asked), 1),
           "stderr_last_line": result.stderr.strip().splitlines()[-1],
           "cpus": os.cpu_count(), "load_avg_at_start": load_at_start}
    save_results(out, args.json)
    for key, value in out.items():
        print(f"{key:>26}: {value}")


if __name__ == "__main__":
    main()
