#!/usr/bin/env python3
"""Validate tests/data/ner/domain.conll and print its statistics.

Usage: python3 check.py [path]   (default: domain.conll next to this script)

Checks:
  * every line is blank or has exactly two fields separated by a single space
    (no tabs, no leading/trailing whitespace);
  * tags are O or B-/I- followed by PER, ORG, LOC or MISC (IOB2);
  * an I-X tag only follows B-X or I-X of the same type (never O, never
    another type, never at the start of a sentence);
  * -DOCSTART- lines are tagged O and stand alone, followed by a blank line;
  * the file starts with -DOCSTART-, no sentence is empty, no two blank
    lines in a row, the file ends with a newline;
  * no curly quotes or other typographic quote characters in tokens.
Exits non-zero and lists the problems if any check fails.
"""
import sys
from collections import Counter
from pathlib import Path

TYPES = ("PER", "ORG", "LOC", "MISC")
VALID_TAGS = {"O"} | {f"{p}-{t}" for p in "BI" for t in TYPES}
BAD_CHARS = "\u2018\u2019\u201c\u201d\u00ab\u00bb\u2032\u2033\t"


def main(path):
    text = path.read_text(encoding="utf-8")
    errors = []
    if not text.endswith("\n"):
        errors.append("file does not end with a newline")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()

    docs = 0
    sentences = []          # list of list of (token, tag, lineno)
    cur = []
    prev_blank = True       # treat start of file as after a blank line
    after_docstart = False
    for n, line in enumerate(lines, 1):
        if line == "":
            if cur:
                sentences.append(cur)
                cur = []
            elif not after_docstart and n > 1 and prev_blank:
                errors.append(f"line {n}: two blank lines in a row")
            prev_blank = True
            after_docstart = False
            continue
        if after_docstart:
            errors.append(f"line {n}: -DOCSTART- must be followed by a blank line")
            after_docstart = False
        fields = line.split(" ")
        if len(fields) != 2 or "" in fields:
            errors.append(f"line {n}: expected 'token TAG', got {line!r}")
            prev_blank = False
            continue
        tok, tag = fields
        if any(c in tok for c in BAD_CHARS):
            errors.append(f"line {n}: typographic quote or tab in token {tok!r}")
        if tag not in VALID_TAGS:
            errors.append(f"line {n}: invalid tag {tag!r}")
        if tok == "-DOCSTART-":
            if tag != "O":
                errors.append(f"line {n}: -DOCSTART- must be tagged O")
            if cur:
                errors.append(f"line {n}: -DOCSTART- inside a sentence")
            docs += 1
            after_docstart = True
            prev_blank = False
            continue
        if n == 1 or (docs == 0):
            errors.append(f"line {n}: file must start with -DOCSTART-")
        cur.append((tok, tag, n))
        prev_blank = False
    if cur:
        sentences.append(cur)

    # IOB2 transitions and mention counting
    mentions = Counter()
    mention_tokens = Counter()
    surface = {t: Counter() for t in TYPES}
    no_entity = 0
    for sent in sentences:
        prev = "O"
        has_ent = False
        span = []
        span_type = None

        def close():
            if span:
                surface[span_type][" ".join(span)] += 1

        for tok, tag, n in sent:
            if tag.startswith("I-"):
                if prev == "O" or prev[2:] != tag[2:]:
                    errors.append(f"line {n}: {tag} after {prev} ({tok!r})")
                else:
                    span.append(tok)
                    mention_tokens[tag[2:]] += 1
            if tag.startswith("B-"):
                close()
                mentions[tag[2:]] += 1
                mention_tokens[tag[2:]] += 1
                span, span_type = [tok], tag[2:]
                has_ent = True
            if tag == "O":
                close()
                span, span_type = [], None
            prev = tag
        close()
        if not has_ent:
            no_entity += 1

    ntok = sum(len(s) for s in sentences)
    total = sum(mentions.values())
    print(f"file:        {path}")
    print(f"documents:   {docs}")
    print(f"sentences:   {len(sentences)}")
    print(f"  without any entity: {no_entity} ({100 * no_entity / max(1, len(sentences)):.1f}%)")
    print(f"tokens:      {ntok}")
    print(f"mentions:    {total}")
    for t in TYPES:
        print(f"  {t:<5} {mentions[t]:>4}  ({100 * mentions[t] / max(1, total):4.1f}%)"
              f"  tokens {mention_tokens[t]:>4}  distinct strings {len(surface[t]):>4}")
    multi = sum(c for t in TYPES for s, c in surface[t].items() if " " in s)
    print(f"  multi-token mentions: {multi}")
    if "-v" in sys.argv:
        for t in TYPES:
            print(f"\n{t}:")
            for s, c in sorted(surface[t].items(), key=lambda x: (-x[1], x[0])):
                print(f"  {c:>3}  {s}")
    if errors:
        print(f"\n{len(errors)} problem(s):", file=sys.stderr)
        for e in errors:
            print("  " + e, file=sys.stderr)
        return 1
    print("OK: no problems found")
    return 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    p = Path(args[0]) if args else Path(__file__).with_name("domain.conll")
    sys.exit(main(p))
