"""What the probable-words tier costs a "what did NAME say" question (stop 32).

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_speaker_tiers.py [--index DIR]

Asks every plain question of eval_speakers.py ("what did NAME say", about 200 PolNeAR dev
names) of the haystack index that eval_speakers.py builds, with the tier of attributions
kept below the label confidence (archive.search.speakers.UNSURE_CONFIDENCE, one more SQL
query per question) switched off and on, alternating three times after a warm-up round in
one process; prints milliseconds per question and the ratio on / off. Timings are noisy
here: read the ratio.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import archive.search.speakers as speakers  # noqa: E402
from eval_speakers import INDEX, load_config, load_nlp, make_queries  # noqa: E402
from archive.search.searcher import Searcher  # noqa: E402

OFF = 9.0  # no confidence reaches it: the tier is empty


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default=str(INDEX))
    args = parser.parse_args()
    searcher = Searcher(load_config(index=args.index))
    questions = [f"what did {q['name']} say" for q in make_queries(None, load_nlp())]
    on = speakers.UNSURE_CONFIDENCE
    ms: dict[str, list[float]] = {"off": [], "on": []}
    for label, floor in [("warm-up", OFF)] + [("off", OFF), ("on", on)] * 3:
        speakers.UNSURE_CONFIDENCE = floor
        started = time.perf_counter()
        for question in questions:
            searcher.search(question, k=10)
        if label in ms:
            ms[label].append((time.perf_counter() - started) / len(questions) * 1000)
    speakers.UNSURE_CONFIDENCE = on
    print(f"{len(questions)} questions; ms/question off {[round(x, 1) for x in ms['off']]}, "
          f"on {[round(x, 1) for x in ms['on']]}; ratio on/off "
          f"{sum(ms['on']) / sum(ms['off']):.3f}")


if __name__ == "__main__":
    main()
