"""Runs trafilatura on pages for `mediamon bench extract`, as the reference.

Reads lines "KEY<TAB>PATH-TO-.html.gz<TAB>URL" on stdin; writes one JSON
document: the trafilatura version, the seconds spent inside extract() (reading
and decompressing are not timed), and each page's text.
"""

import gzip
import json
import sys
import time

import trafilatura


def main():
    bodies = {}
    seconds = 0.0
    for line in sys.stdin:
        key, path, url = line.rstrip("\n").split("\t")
        with gzip.open(path, "rb") as f:
            page = f.read()
        started = time.perf_counter()
        text = trafilatura.extract(page, url=url or None)
        seconds += time.perf_counter() - started
        bodies[key] = text or ""
    json.dump(
        {"version": trafilatura.__version__, "seconds": seconds, "bodies": bodies},
        sys.stdout,
    )


if __name__ == "__main__":
    main()
