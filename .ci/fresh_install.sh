#!/usr/bin/env bash
# A fresh install as a user makes it with Python's own bundled pip (NOT upgraded): torch
# first (the CPU build, as the README says), then this checkout (`pip install .`); then one
# .html, one .jsonl, one .csv, one gzipped .jsonl and one .warc.gz article (written with the
# installed warcio) must all be indexed by `archive build --strict`.
# Catches a dependency that only a newer pip resolves (lxml_html_clean behind justext).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-python3}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

"$PY" -m venv "$WORK/venv"
PIP="$WORK/venv/bin/pip"
echo "fresh install with $("$PIP" --version)"
"$PIP" install --quiet torch==2.13.0
# `pip install .` from a copy of the checkout (its tracked and new files), so the install
# leaves no build/ or egg-info folder behind in the working tree
mkdir "$WORK/src"
git ls-files --cached --others --exclude-standard -z | xargs -0 cp --parents -t "$WORK/src"
(cd "$WORK/src" && "$PIP" install --quiet .)

CORPUS="$WORK/corpus"
mkdir -p "$CORPUS"
cat > "$CORPUS/page.html" <<'HTML'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>Orchard growers fear late frost</title>
</head><body><article><h1>Orchard growers fear late frost</h1>
<p>Apple growers in the valley lit smudge pots through Tuesday night as temperatures fell
below freezing just as the trees came into blossom.</p>
<p>The growers' association said it was too early to know how much of the harvest had been
lost, but older orchards on the valley floor were hit hardest.</p>
</article></body></html>
HTML
cat > "$CORPUS/feed.jsonl" <<'JSONL'
{"title": "Glacier retreat measured by drones", "text": "Researchers flying drones over the Rhone glacier measured a retreat of forty metres since last summer.\n\nThe team said meltwater lakes at the glacier snout had doubled in size."}
JSONL
cat > "$CORPUS/table.csv" <<'CSV'
title,date,text
Beekeepers report record honey yield,2022-09-01,"Beekeepers across the county reported the largest honey harvest in a decade, helped by a long warm summer."
CSV
"$WORK/venv/bin/python" - "$CORPUS" <<'PY'
import gzip, io, json, sys
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter
corpus = sys.argv[1]
record = {"title": "Ferry service cut for winter", "text": "The island ferry will sail twice "
          "a day from November, the operator said.\n\nFreight sailings are not affected."}
with gzip.open(f"{corpus}/scrape.jsonl.gz", "wt", encoding="utf-8") as out:
    out.write(json.dumps(record) + "\n")
page = ("<html><head><title>Tram line to reopen in May</title></head><body><article>"
        "<h1>Tram line to reopen in May</h1><p>The city's northern tram line will reopen in "
        "May after eighteen months of track renewal, the transport authority said on "
        "Monday.</p><p>Buses replacing the trams will run until the last weekend of April, "
        "and the first trams will carry passengers free of charge.</p></article></body></html>")
with open(f"{corpus}/crawl.warc.gz", "wb") as out:
    writer = WARCWriter(out, gzip=True)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                            protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        "https://city.example/tram.html", "response", payload=io.BytesIO(page.encode()),
        http_headers=http))
PY

"$WORK/venv/bin/archive" build "$CORPUS" --index "$WORK/index" --json --strict \
    > "$WORK/report.json"
"$WORK/venv/bin/python" - "$WORK/report.json" <<'PY'
import json, sys
report = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
assert report["articles"] == 5 and not report["skipped"], report
print(f"fresh install: {report['articles']} articles indexed (.html, .jsonl, .csv, "
      ".jsonl.gz, .warc.gz)")
PY
