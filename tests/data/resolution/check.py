#!/usr/bin/env python3
"""Validate the labeled resolution set in this directory and print its counts.

Usage: python3 tests/data/resolution/check.py [--forms]

Checks:
  * the three TSV files have the expected header and no malformed rows;
  * entity ids are unique slugs and types are PER, ORG, LOC or MISC;
  * every mention's entity_id exists and its type agrees with entities.tsv;
  * the mention string occurs in its context exactly once as a whole word
    (no letter or digit directly before or after it), so its position is
    unambiguous; mention ids are unique;
  * the script column is latn, arab or cyrl and matches the letters of the
    mention;
  * every document has 4-10 mentions; every entity has at least one mention;
  * must_not_merge ids exist, no pair is listed twice or pairs an id with
    itself.

Exit status 1 if any check fails. With --forms, also prints every entity's
distinct surface forms (the table in README.md).
"""

import collections
import csv
import os
import re
import statistics
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
TYPES = ("PER", "ORG", "LOC", "MISC")
SCRIPTS = ("latn", "arab", "cyrl")
ERRORS = []


def err(msg):
    ERRORS.append(msg)


def read_tsv(name, header):
    path = os.path.join(HERE, name)
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    got = lines[0].split("\t") if lines else []
    if got != header:
        err(f"{name}: header {got} != {header}")
    rows = []
    for i, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) != len(header):
            err(f"{name}:{i}: {len(cells)} cells, expected {len(header)}")
            continue
        if any(c != c.strip() or c == "" for c in cells):
            err(f"{name}:{i}: empty cell or stray whitespace")
        rows.append(dict(zip(header, cells)))
    return rows


def script_of(text):
    found = set()
    for ch in text:
        if not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        if name.startswith("LATIN"):
            found.add("latn")
        elif name.startswith("ARABIC"):
            found.add("arab")
        elif name.startswith("CYRILLIC"):
            found.add("cyrl")
        else:
            found.add("other")
    return found


def whole_word_hits(mention, context):
    hits = []
    start = context.find(mention)
    while start != -1:
        end = start + len(mention)
        before = context[start - 1] if start > 0 else " "
        after = context[end] if end < len(context) else " "
        if not before.isalnum() and not after.isalnum():
            hits.append(start)
        start = context.find(mention, start + 1)
    return hits


def main():
    show_forms = "--forms" in sys.argv[1:]
    entities = read_tsv("entities.tsv", ["entity_id", "type", "canonical_name", "note"])
    mentions = read_tsv(
        "mentions.tsv",
        ["mention_id", "doc_id", "entity_id", "type", "mention", "context", "script"],
    )
    pairs = read_tsv("must_not_merge.tsv", ["entity_a", "entity_b", "why"])

    etype = {}
    for e in entities:
        eid = e["entity_id"]
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", eid):
            err(f"entities.tsv: bad slug {eid!r}")
        if eid in etype:
            err(f"entities.tsv: duplicate id {eid}")
        if e["type"] not in TYPES:
            err(f"entities.tsv: {eid}: bad type {e['type']}")
        etype[eid] = e["type"]

    seen_ids = set()
    per_doc = collections.Counter()
    for m in mentions:
        mid = m["mention_id"]
        if mid in seen_ids:
            err(f"mentions.tsv: duplicate mention_id {mid}")
        seen_ids.add(mid)
        per_doc[m["doc_id"]] += 1
        eid = m["entity_id"]
        if eid not in etype:
            err(f"{mid}: unknown entity_id {eid}")
        elif m["type"] != etype[eid]:
            err(f"{mid}: type {m['type']} but {eid} is {etype[eid]}")
        if m["mention"] not in m["context"]:
            err(f"{mid}: mention {m['mention']!r} not verbatim in its context")
        else:
            n = len(whole_word_hits(m["mention"], m["context"]))
            if n != 1:
                err(f"{mid}: mention {m['mention']!r} occurs {n} times as a whole word in its context")
        if m["script"] not in SCRIPTS:
            err(f"{mid}: bad script {m['script']}")
        elif script_of(m["mention"]) != {m["script"]}:
            err(f"{mid}: script column {m['script']} but letters are {sorted(script_of(m['mention']))}")

    for doc, n in sorted(per_doc.items()):
        if not 4 <= n <= 10:
            err(f"{doc}: {n} mentions (expected 4-10)")

    used = {m["entity_id"] for m in mentions}
    for eid in etype:
        if eid not in used:
            err(f"{eid}: no mentions")

    seen_pairs = set()
    for p in pairs:
        a, b = p["entity_a"], p["entity_b"]
        for x in (a, b):
            if x not in etype:
                err(f"must_not_merge.tsv: unknown id {x}")
        if a == b:
            err(f"must_not_merge.tsv: {a} paired with itself")
        key = frozenset((a, b))
        if key in seen_pairs:
            err(f"must_not_merge.tsv: duplicate pair {a} / {b}")
        seen_pairs.add(key)

    # ---- counts ----
    by_type = collections.Counter(etype.values())
    m_by_type = collections.Counter(m["type"] for m in mentions)
    by_script = collections.Counter(m["script"] for m in mentions)
    forms = collections.defaultdict(collections.Counter)
    docs_of = collections.defaultdict(set)
    for m in mentions:
        forms[m["entity_id"]][m["mention"]] += 1
        docs_of[m["entity_id"]].add(m["doc_id"])
    nforms = [len(forms[e]) for e in etype]
    per_entity = collections.Counter(m["entity_id"] for m in mentions)
    sizes = list(per_doc.values())
    # surface strings that belong to more than one gold entity
    owners = collections.defaultdict(set)
    for m in mentions:
        owners[m["mention"]].add(m["entity_id"])
    shared = {s: sorted(o) for s, o in owners.items() if len(o) > 1}
    # gold coreferent mention pairs (the positives of pairwise scoring)
    positives = sum(n * (n - 1) // 2 for n in per_entity.values())
    total_pairs = len(mentions) * (len(mentions) - 1) // 2
    # mentions whose entity is also in a must-not-merge pair
    in_mnm = {x for p in pairs for x in (p["entity_a"], p["entity_b"])}
    # within-doc short references: a one-token latn mention of an entity whose
    # longer form appears earlier in the same doc
    short_refs = 0
    earlier = collections.defaultdict(set)
    for m in mentions:
        key = (m["doc_id"], m["entity_id"])
        if len(m["mention"].split()) == 1 and any(
            len(f.split()) > 1 for f in earlier[key]
        ):
            short_refs += 1
        earlier[key].add(m["mention"])

    print(f"entities: {len(etype)}  " + "  ".join(f"{t}={by_type[t]}" for t in TYPES))
    print(f"mentions: {len(mentions)}  " + "  ".join(f"{t}={m_by_type[t]}" for t in TYPES))
    print(f"docs: {len(per_doc)}  mentions per doc: min={min(sizes)} median={statistics.median(sizes)} max={max(sizes)}")
    print("scripts: " + "  ".join(f"{s}={by_script[s]}" for s in SCRIPTS))
    print(
        f"distinct surface forms: {sum(nforms)} in total; per entity min={min(nforms)} "
        f"median={statistics.median(nforms)} max={max(nforms)}; "
        f"entities with >=2 forms: {sum(1 for n in nforms if n >= 2)}"
    )
    ments = [per_entity[e] for e in etype]
    docs = [len(docs_of[e]) for e in etype]
    print(f"mentions per entity: min={min(ments)} median={statistics.median(ments)} max={max(ments)}")
    print(f"docs per entity: min={min(docs)} median={statistics.median(docs)} max={max(docs)}")
    print(f"one-token back-references after a longer form in the same doc: {short_refs}")
    print(f"surface strings with more than one gold entity: {len(shared)}")
    for s, o in sorted(shared.items()):
        print(f"    {s!r}: {', '.join(o)}")
    print(f"must-not-merge pairs: {len(pairs)} (covering {len(in_mnm)} entities)")
    print(f"gold coreferent mention pairs: {positives} of {total_pairs}")

    if show_forms:
        print()
        for e in entities:
            eid = e["entity_id"]
            fs = "; ".join(f for f, _ in sorted(forms[eid].items(), key=lambda kv: (-kv[1], kv[0])))
            print(f"{eid}\t{e['type']}\t{per_entity[eid]}\t{len(docs_of[eid])}\t{len(forms[eid])}\t{fs}")

    if ERRORS:
        print(f"\n{len(ERRORS)} problem(s):", file=sys.stderr)
        for e in ERRORS:
            print("  " + e, file=sys.stderr)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
