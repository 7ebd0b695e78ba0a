"""Parser throughput on the real arXiv samples (run by hand; no database needed).

    .venv/bin/python bench/parse_throughput.py [--repeat 250]

Prints records/s for the Kaggle sample repeated N times (streamed from memory, as from a file),
for the 1000-record OAI-PMH pages, and µs per ``to_unicode`` call on real titles/abstracts,
cold (empty chunk cache) and warm.
"""

import argparse
import io
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from papers.ingest import latex  # noqa: E402
from papers.ingest.parsers import iter_records  # noqa: E402


def rate(label, fn, n):
    # CPU time of this process: on a shared machine wall time mostly measures the neighbours.
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    print(f"{label:<40} {n:>7} | cpu {cpu:6.2f}s = {n / cpu:>9,.0f}/s ({cpu / n * 1e6:6.1f} µs each)"
          f" | wall {wall:6.2f}s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=250)
    args = parser.parse_args()
    samples = Path(settings.ARXIV_SAMPLES_DIR)
    kaggle = (samples / "kaggle" / "kaggle-snapshot-first200-lines-2023.jsonl").read_bytes() * args.repeat
    n = 200 * args.repeat
    latex._convert_chunk.cache_clear()
    rate(f"kaggle x{args.repeat} (records)", lambda: sum(1 for _ in iter_records(io.BytesIO(kaggle), "kaggle")), n)
    for name in ("oai-listrecords-arXiv-resumption-436115_405001-1000records-2013.xml",
                 "oai-listrecords-arXivRaw-resumption-496549_46001-1000records-2014.xml"):
        data = (samples / "oai-pmh" / name).read_bytes() * 1
        rate(f"oai {name[16:40]} (records)", lambda data=data: sum(1 for _ in iter_records(io.BytesIO(data), "oai")),
             1000)

    texts = []
    for line in (samples / "kaggle" / "kaggle-snapshot-first200-lines-2023.jsonl").read_text().splitlines():
        obj = json.loads(line)
        texts += [obj["title"], obj["abstract"]]
    for name in ("oai-listrecords-arXiv-resumption-436115_4001-1000records-2013.xml",
                 "oai-listrecords-arXiv-resumption-436115_405001-1000records-2013.xml"):
        raw = (samples / "oai-pmh" / name).read_text()
        texts += re.findall(r"<title>(.*?)</title>", raw, re.S) + re.findall(r"<abstract>(.*?)</abstract>", raw, re.S)
    latex._convert_chunk.cache_clear()
    rate("to_unicode cold cache (calls)", lambda: [latex.to_unicode(t) for t in texts], len(texts))
    rate("to_unicode warm cache (calls)", lambda: [latex.to_unicode(t) for t in texts], len(texts))
    plain = [t for t in texts if not latex.has_specials(t)]
    rate("to_unicode, no LaTeX at all (calls)", lambda: [latex.to_unicode(t) for t in plain], len(plain))


if __name__ == "__main__":
    main()
