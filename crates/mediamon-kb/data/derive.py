#!/usr/bin/env python3
"""Derive countries.tsv and organisations.tsv from the team's kb/ folder.

Usage:
    python3 derive.py                 # reads ../../../../shared/data/kb
    python3 derive.py PATH/TO/kb      # reads another copy of that folder
    python3 derive.py -v              # also lists every name it dropped, and why

Writes countries.tsv and organisations.tsv next to this script. Python 3.11,
standard library only (the organisations file is simple YAML, read by the
small reader below, so PyYAML is not needed). The output is deterministic:
rows are sorted by key, aliases and codes within a row are sorted, so running
the script twice gives identical files. The selection rules are written out
in README.md; each rule below says briefly why it exists.

Inputs (see ../../../../shared/data/README-entities.md):
    country_aliases.csv        Wikidata labels (CC0) via econandrew/sparql_queries (MIT)
    country-codes.csv          datasets/country-codes (PDDL)
    international_organisations.yaml   confirmordeny/supraverden (CC BY-SA 4.0)
"""

import csv
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE / "../../../../shared/data/kb"

HEADER = "key\ttype\tcanonical\taliases\tcodes\n"

# The product's name limits (mediamon_names::MAX_NAME_CHARS / MAX_NAME_WORDS):
# a longer name is refused by the crate's loader, so it never gets in.
MAX_NAME_CHARS = 160
MAX_NAME_WORDS = 12

# Languages of the product's region, kept for every country besides English
# and the country's own official languages.
REGION_LANGS = {"ar", "fa", "ps", "ur", "ru", "uz", "tg", "tk", "tr", "zh", "hi"}

# Two-letter codes kept: the ones news actually writes as abbreviations,
# for countries and for organisations (AU is the African Union, not
# Australia). Every other bare two-letter code (IN, IS, IT, AM, ME, NO, TO,
# BE, OR, AS, AT, ID, MY, SO, SA, DR, GB, ...) is an English word in
# capitals, a unit or title, or ambiguous. Dotted forms (U.S., U.K.) are kept.
COUNTRY_TWO_LETTER_CODES = {"US", "UK", "NZ", "HK"}
ORG_TWO_LETTER_CODES = {"UN", "EU", "AU"}

# Codes of three or more letters that are ordinary English words in
# capitals (headlines are often all capitals), a slur, or far better known
# as something else in this product's news. Compared case-sensitively.
WORD_CODES = {
    # country codes (ISO alpha-3, IOC, Wikidata aliases); JAP is a slur
    "ALA", "AND", "ARE", "ARM", "ATA", "BEN", "CAN", "CAR", "CHE", "COD",
    "COG", "COL", "COM", "CUB", "DEN", "DOM", "ECU", "EST", "FIN", "GAB",
    "GIN", "GUM", "HUN", "JAM", "JAP", "KEN", "LIE", "MAC", "MAR", "NAM",
    "NOR", "PAN", "PER", "POL", "PRY", "SEN", "TON", "TUN", "VAT",
    # the Turkish abbreviation of the UAE; in English news, BAE Systems
    "BAE",
    # organisation abbreviations (ERIC is a legal form many share; SDF is
    # the Syrian Democratic Forces in this product's news)
    "AMA", "APT", "BIRD", "CAMES", "CARDI", "CFC", "ELI", "EPOS", "ERA",
    "ERIC", "HABITAT", "IDA", "IDEA", "INSTRUCT", "ISA", "MSG", "NIB", "OPS",
    "PCB", "SDF", "SESAME", "SHARE",
    # in news these are the Olympic Committee and the development banks, not
    # the olive council and the defense board the source gives them to
    "IOC", "IDB",
}

# Acronyms that are ordinary words but are the organisation's everyday name
# in English news; codes match case-sensitively, so the word "who" never
# meets them.
WORD_CODES_KEPT = {"WHO"}

# Codes the sources lack for countries, added by hand.
COUNTRY_CODES_ADDED = {"GBR": ["U.K."]}

# Codes the source lacks for organisations central to this product's news
# (its Abbreviation_en is empty), added by hand, keyed by Wikidata id.
ORG_CODES_ADDED = {
    "Q47543": ["OIC"],  # Organisation of Islamic Cooperation
    "Q225950": ["ECO"],  # Economic Cooperation Organization
    "Q188822": ["ADB"],  # Asian Development Bank
    "Q18109843": ["AIIB"],  # Asian Infrastructure Investment Bank
    "Q340195": ["AfDB"],  # African Development Bank
    "Q42262": ["ESA"],  # European Space Agency
}

# Codes the source gives to the wrong body, removed by hand.
ORG_CODES_REMOVED = {
    "Q1374308": {"ESA"},  # Euratom Supply Agency: ESA is the space agency
    "Q588982": {"UNAIDS"},  # the programme's name, not its board's
    "Q3772571": {"CBD"},  # Caribbean Development Bank is the CDB
}

# Canonical names chosen by hand where the rule (CLDR, else UNTERM short)
# gives an abbreviation, a short form of a longer usual name, or a name two
# countries share.
CANONICAL_OVERRIDES = {
    "USA": "United States",
    "GBR": "United Kingdom",
    "BIH": "Bosnia and Herzegovina",
    "COG": "Republic of the Congo",
}

# English demonyms and adjectives that no suffix rule finds.
IRREGULAR_DEMONYMS = {
    "manx", "swiss", "dutch", "french", "british", "welsh", "irish",
    "scottish", "scots", "english", "filipino", "greek", "thai", "danish",
    "swedish", "finnish", "polish", "spanish", "turkish", "lao", "somali",
    "argentine",
}

# Words that name a country only in a phrase ("the States"): alone they are
# ordinary words.
GENERIC_NAMES = {"states", "штаты"}

# Suffixes that turn a country name into its demonym or adjective.
DEMONYM_SUFFIXES = ("n", "an", "ian", "ean", "ese", "i", "ish", "ic", "li", "lu")

# Lower-case words that make an English label a description ("Palestinian
# state", "Denmark proper", "metropolitan Denmark"), not a name.
DESCRIPTION_WORDS = {"state", "proper", "republic", "country", "nation", "kingdom", "mainland", "metropolitan"}

# Leading words of nicknames, not names ("Land of the Rising Sun").
NICKNAME = re.compile(r"^(Land of|Heart of|Holy Land$|Home of)")

# Arabic articles written in Latin script begin a name in lower case.
ARABIC_ARTICLE = re.compile(r"^(a[lnrstdzṣḍṭẓ]|el|ul)-")

# "(the)", "(l')", "(el)": the article UN lists put after a short name.
TRAILING_ARTICLE = re.compile(r"\s*\((the|l'|l’|le|la|les|el|los|las)\)\s*$")

# The article UN lists put before a formal name ("the Republic of Chad",
# "la République du Tchad", "el Reino de España"); "El Salvador" keeps its
# capital article.
LEADING_ARTICLE = re.compile(r"^(the|The|la|le|les|el|los|las) |^(l'|l’)")


# ---------------------------------------------------------------- names


def clean(s):
    """NFC, whitespace collapsed, Cyrillic stress marks removed (they are a
    reading aid, never part of the written name), list markers dropped."""
    s = unicodedata.normalize("NFC", s)
    if any("CYRILLIC" in unicodedata.name(c, "") for c in s):
        s = unicodedata.normalize("NFD", s).replace("\u0301", "").replace("\u0300", "")
        s = unicodedata.normalize("NFC", s)
    s = s.replace("*", " ")
    s = TRAILING_ARTICLE.sub("", " ".join(s.split()))
    s = LEADING_ARTICLE.sub("", " ".join(s.split()))
    return s


def fold(s):
    """The comparison key: case folded, diacritics and apostrophes removed,
    other punctuation as spaces. Two names with one key are one name to the
    resolver, which normalises alike."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    # Vowel signs of Indic scripts are marks without a combining class:
    # they are letters of the word, not diacritics.
    s = "".join(
        "" if c in "'’‘ʼʻ`´" else c if c.isalnum() or unicodedata.category(c).startswith("M") else " "
        for c in s
    )
    return " ".join(s.split())


def diacritics(s):
    """How many letters carry a diacritic: between two spellings of one
    name, the one that keeps them is the better written."""
    return sum(1 for c in unicodedata.normalize("NFD", s) if unicodedata.combining(c))


def is_code_token(t):
    """An abbreviation: no run of three letters that are not capitals, and
    at least two capitals (or a capital and a digit): USA, U.S., BiH, PML-N,
    eu-LISA, 5Cs. Scripts without case (Arabic, Chinese) have no codes."""
    if not t or not all(c.isalnum() or c in ".&-/'" for c in t):
        return False
    run = 0
    for c in t:
        run = run + 1 if c.isalpha() and not c.isupper() else 0
        if run >= 3:
            return False
    upper = sum(1 for c in t if c.isupper())
    digits = sum(1 for c in t if c.isdigit())
    return upper >= 2 or (upper >= 1 and digits >= 1)


def is_code(s):
    """One or two words, each an abbreviation ("ACTRIS ERIC" is one, "AHA
    Centre" is a name, and so is a name in capitals of three words)."""
    words = s.split()
    return 0 < len(words) <= 2 and all(is_code_token(t) for t in words)


def letters(s):
    return sum(1 for c in s if c.isalpha())


def is_latin(s):
    return any(c.isalpha() and "LATIN" in unicodedata.name(c, "") for c in s)


def within_limits(s):
    return len(s) <= MAX_NAME_CHARS and len(s.split()) <= MAX_NAME_WORDS


def is_syllabic(s):
    """Han, Hangul or kana: one character is a syllable or a word, so a
    two-character name (中国, 한국) is a whole name."""
    return any(
        w in unicodedata.name(c, "") for c in s for w in ("CJK UNIFIED", "HANGUL", "HIRAGANA", "KATAKANA")
    )


def too_short(s):
    """Fewer than three letters ("af", "Mo."); a vowel sign of an Indic
    script counts as a letter, a Han or Hangul character as a word."""
    n = sum(1 for c in s if c.isalpha() or unicodedata.category(c).startswith("M"))
    return n < 3 and not is_syllabic(s)


def code_allowed(code, two_letter):
    """Why a code is refused, or None."""
    bare = code.replace(".", "")
    if code in WORD_CODES_KEPT:
        return None
    if len(bare) == 2 and "." not in code and code not in two_letter:
        return "two-letter code"
    if len(bare) < 2:
        return "one letter"
    if code in WORD_CODES:
        return "ordinary word"
    if not within_limits(code):
        return "too long"
    return None


# ---------------------------------------------------------------- entities


class Entity:
    """Candidate names of one entity, before the cross-entity rules."""

    def __init__(self, key, etype, canonical):
        self.key = key
        self.type = etype
        self.canonical = canonical
        # (priority, name): lower priority wins when two spellings fold alike.
        self.aliases = []
        self.codes = set()

    def add_code(self, code, two_letter):
        if code_allowed(code, two_letter) is None:
            self.codes.add(code)


def final_aliases(entity, ambiguous, foreign):
    """The entity's aliases: one spelling per folded form (the best-sourced,
    then the one with its diacritics), never the canonical, never a name
    another entity also has."""
    best = {}
    canon = fold(entity.canonical)
    for prio, name in sorted(entity.aliases, key=lambda a: (a[0], -diacritics(a[1]), a[1])):
        k = fold(name)
        if k == canon or k in ambiguous or k in foreign or k in best:
            continue
        best[k] = name
    return sorted(best.values(), key=lambda n: (fold(n), n))


def resolve(entities, taken_names=(), taken_codes=()):
    """Applies the cross-entity rules and returns rows. A folded name two
    entities share is dropped from both (it is not knowledge, it is a
    guess); so is a code two entities share. Names and codes in taken_*
    belong to an earlier file and are dropped here."""
    owners = defaultdict(set)
    for e in entities:
        owners[fold(e.canonical)].add(e.key)
        for _, name in e.aliases:
            owners[fold(name)].add(e.key)
    ambiguous = {k for k, keys in owners.items() if len(keys) > 1}
    code_owners = defaultdict(set)
    for e in entities:
        for c in e.codes:
            code_owners[c].add(e.key)
    rows = []
    dropped = []
    for e in sorted(entities, key=lambda e: e.key):
        aliases = final_aliases(e, ambiguous, set(taken_names))
        codes = sorted(c for c in e.codes if len(code_owners[c]) == 1 and c not in taken_codes)
        dropped.extend(
            (e.key, c) for c in e.codes if len(code_owners[c]) > 1 or c in taken_codes
        )
        rows.append((e.key, e.type, e.canonical, aliases, codes))
    return rows, ambiguous, dropped


def write(path, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(HEADER)
        for key, etype, canonical, aliases, codes in rows:
            for field in [key, etype, canonical, *aliases, *codes]:
                assert "\t" not in field and "|" not in field and "\n" not in field, field
                assert within_limits(field), field
            f.write("\t".join([key, etype, canonical, "|".join(aliases), "|".join(codes)]) + "\n")


# ---------------------------------------------------------------- countries


def country_name_kind(name, lang):
    """Sorts one cleaned country label: ("code", s), ("alias", s) or
    ("drop", reason)."""
    if letters(name) == 0:
        return "drop", "no letters"
    if "|" in name or "," in name:
        # "Ireland, Republic of", "Lanka, Sri": catalogue inversions
        return "drop", "comma"
    if is_code(name):
        if "-" in name:
            # GB-GSY, XA-GG: subdivision and registry codes, not news
            return "drop", "registry code"
        return "code", name
    if fold(name) in GENERIC_NAMES:
        return "drop", "ordinary word"
    if is_latin(name):
        first = name[0]
        if first.islower() and not ARABIC_ARTICLE.match(name):
            # "metropolitan Denmark", "ecu", "af": descriptions and
            # lower-cased codes
            return "drop", "lower case"
        if lang == "en" and any(w in DESCRIPTION_WORDS for w in name.split()):
            return "drop", "description"
        if NICKNAME.match(name):
            return "drop", "nickname"
    if too_short(name):
        return "drop", "short"
    if not within_limits(name):
        return "drop", "too long"
    return "alias", name


def is_demonym(name, stems):
    """A demonym or adjective, found beside the country's English names
    (stems): Afghan (Afghanistan), American (America), Pakistani, Iranian,
    Chinese; Russian adjectives in -ский; a few irregular English ones. A
    demonym is longer than the name it extends, which keeps other
    languages' names (Chili, Belgien) out of the rule."""
    k = fold(name)
    if " " in k:
        return False
    if re.fullmatch(r"[а-яё]+(ский|ская|ское|ские|цкий|цкая)", k):
        return True
    if k in IRREGULAR_DEMONYMS:
        return True
    for n in stems - {k}:
        if n in (k + "istan", k + "stan"):
            return True
        if len(k) <= len(n):
            continue
        for suf in DEMONYM_SUFFIXES:
            if k == n + suf or (len(n) > 3 and k == n[:-1] + suf):
                return True
    return False


def canonical_country(r):
    """CLDR's short English name, unless it is an abbreviation or written
    with "&" or " - " (CLDR's compact forms); then UNTERM's English short
    name without its "(the)"; then the ISO name."""
    iso3 = r["ISO3166-1-Alpha-3"]
    if iso3 in CANONICAL_OVERRIDES:
        return CANONICAL_OVERRIDES[iso3]
    cldr = clean(r["CLDR display name"])
    if cldr and not is_code(cldr) and "&" not in cldr and " - " not in r["CLDR display name"] and "(" not in cldr:
        return cldr
    un = clean(r["UNTERM English Short"])
    if un and "(" not in un:
        return un
    return clean(r["official_name_en"])


def countries(src):
    with open(src / "country-codes.csv", encoding="utf-8", newline="") as f:
        codes_rows = list(csv.DictReader(f))
    with open(src / "country_aliases.csv", encoding="utf-8", newline="") as f:
        alias_rows = list(csv.DictReader(f))

    official = defaultdict(set)
    for r in alias_rows:
        if r["is_official_language"] == "true":
            official[r["iso3c"]].add(r["language"].split("-")[0])
    by_country = defaultdict(list)
    for r in alias_rows:
        by_country[r["iso3c"]].append(r)

    entities = []
    report = defaultdict(list)
    for r in codes_rows:
        iso3 = r["ISO3166-1-Alpha-3"].strip()
        iso2 = r["ISO3166-1-Alpha-2"].strip()
        langs = set(official[iso3])
        if not by_country[iso3]:
            # Not in Wikidata's list of countries (a territory): its first
            # listed language stands for its official one.
            first = r["Languages"].split(",")[0].split("-")[0].strip()
            if first:
                langs.add(first)
        keep = {"en"} | REGION_LANGS | langs

        e = Entity(f"country:{iso3}", "LOC", canonical_country(r))
        e.add_code(iso3, COUNTRY_TWO_LETTER_CODES)
        e.add_code(iso2, COUNTRY_TWO_LETTER_CODES)
        for code in COUNTRY_CODES_ADDED.get(iso3, []):
            e.add_code(code, COUNTRY_TWO_LETTER_CODES)

        # (priority, language, text): UN and CLDR names before Wikidata's.
        cands = [
            (1, "en", r["CLDR display name"]),
            (1, "en", r["UNTERM English Short"]),
            (1, "en", r["UNTERM English Formal"]),
            (1, "en", r["official_name_en"]),
        ]
        for lang, cols in (
            ("ar", ("official_name_ar", "UNTERM Arabic Short", "UNTERM Arabic Formal")),
            ("zh", ("official_name_cn", "UNTERM Chinese Short", "UNTERM Chinese Formal")),
            ("ru", ("official_name_ru", "UNTERM Russian Short", "UNTERM Russian Formal")),
            ("es", ("official_name_es", "UNTERM Spanish Short", "UNTERM Spanish Formal")),
            ("fr", ("official_name_fr", "UNTERM French Short", "UNTERM French Formal")),
        ):
            if lang in keep:
                cands.extend((1, lang, r[c]) for c in cols)
        for a in by_country[iso3]:
            lang = a["language"].split("-")[0]
            if lang in keep:
                prio = 2 if a["label_type"] == "official" else 3
                cands.append((prio, lang, a["label"]))

        names = []
        for prio, lang, raw in cands:
            name = clean(raw)
            if not name:
                continue
            if "(" in name:
                # "Bolivia (Plurinational State of)": the formal name says it
                report[e.key].append(("parenthesis", name))
                continue
            kind, val = country_name_kind(name, lang)
            if kind == "code":
                why = code_allowed(val, COUNTRY_TWO_LETTER_CODES)
                if why is None:
                    e.codes.add(val)
                else:
                    report[e.key].append((why, val))
            elif kind == "alias":
                names.append((prio, lang, val))
            else:
                report[e.key].append((val, name))
        stems = {fold(e.canonical)} | {fold(n) for _, lang, n in names if lang == "en"}
        capital = fold(r["Capital"])
        for prio, _, name in names:
            if is_demonym(name, stems):
                report[e.key].append(("demonym", name))
            elif capital and fold(name) == capital and fold(e.canonical) != capital:
                # "Tunis" is the city in news, and the city is a place of its own
                report[e.key].append(("capital", name))
            else:
                e.aliases.append((prio, name))
        entities.append(e)
    return entities, report


# ---------------------------------------------------------------- organisations


def yaml_scalar(v):
    """A scalar of the organisations file: plain, 'single' or "double"
    quoted; empty or null is None. The file uses nothing else (checked:
    every non-list line is `key: value`)."""
    v = v.strip()
    if v in ("", "null", "~"):
        return None
    if v.startswith("'") and v.endswith("'") and len(v) >= 2:
        return v[1:-1].replace("''", "'")
    if v.startswith('"') and v.endswith('"') and len(v) >= 2:
        return v[1:-1].encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8") if "\\" in v else v[1:-1]
    return v


def read_yaml(path):
    """The organisations file: a mapping from name to a mapping of fields,
    each a scalar or a list of scalars. A key too long for YAML's plain
    form is written `? key` then `: field: value`."""
    orgs = {}
    current = None
    field = None
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line.startswith("? "):
                current = orgs.setdefault(yaml_scalar(line[2:]), {})
                continue
            if line.startswith(": "):
                line = "  " + line[2:]
            if not line.startswith(" "):
                if not line.endswith(":"):
                    raise ValueError(f"{path}:{lineno}: expected `name:`")
                name = yaml_scalar(line[:-1])
                if name in orgs:
                    raise ValueError(f"{path}:{lineno}: {name} twice")
                current = orgs[name] = {}
                continue
            body = line.strip()
            if body.startswith("- "):
                if not isinstance(current.get(field), list):
                    current[field] = []
                current[field].append(yaml_scalar(body[2:]))
                continue
            m = re.fullmatch(r"([A-Za-z0-9_]+):(?: (.*))?", body)
            if not m or current is None:
                raise ValueError(f"{path}:{lineno}: cannot read {line!r}")
            field = m.group(1)
            current[field] = yaml_scalar(m.group(2) or "")
    return orgs


ALIAS_FIELD = re.compile(r"Name_(other(_\d)?_en|former_en|[a-z]{2,3})")
CODE_FIELD = re.compile(r"Abbreviation_[a-z_0-9]+")
NO_CODE = "[No code found.]"


def slug(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def organisations(src):
    orgs = read_yaml(src / "international_organisations.yaml")
    qcount = defaultdict(int)
    for fields in orgs.values():
        q = fields.get("Wikidata_code") or ""
        if re.fullmatch(r"Q\d+", q):
            qcount[q] += 1
    entities = []
    report = defaultdict(list)
    keys = set()
    for title, fields in orgs.items():
        q = fields.get("Wikidata_code") or ""
        name_en = clean(fields.get("Name_en") or title)
        if re.fullmatch(r"Q\d+", q) and qcount[q] == 1:
            key = f"io:{q}"
        else:
            # No Wikidata id, or one two entries claim (a source error):
            # the English name stands in.
            key = f"io:{slug(name_en)}"
        if key in keys:
            raise ValueError(f"duplicate key {key}")
        keys.add(key)

        names = [name_en, title] + [
            v for f, v in fields.items() if ALIAS_FIELD.fullmatch(f) and isinstance(v, str)
        ]
        abbrevs = [v for f, v in fields.items() if CODE_FIELD.fullmatch(f) and isinstance(v, str)]
        abbrevs += ORG_CODES_ADDED.get(q, [])
        names = [clean(n) for n in names if n]
        # English names first, then the abbreviation: a name in another
        # language is no display name for English news.
        english = [name_en, title] + [
            v for f, v in fields.items() if f.startswith("Name_") and f.endswith("_en") and isinstance(v, str)
        ]
        english = [clean(n) for n in english if n] + [clean(a) for a in abbrevs]
        canonical = next((n for n in english if within_limits(n)), None)
        if canonical is None:
            # No mention the product accepts can name it (see MAX_NAME_WORDS).
            report[key].append(("every name too long", name_en))
            continue
        if canonical != name_en:
            report[key].append(("canonical too long", name_en))
        e = Entity(key, "ORG", canonical)
        removed = ORG_CODES_REMOVED.get(q, set())
        for raw in abbrevs + names:
            n = clean(raw)
            if not n or n == canonical:
                continue
            if n in removed:
                report[key].append(("wrong body", n))
                continue
            if is_code(n):
                why = code_allowed(n, ORG_TWO_LETTER_CODES)
                if why is None:
                    e.codes.add(n)
                else:
                    report[key].append((why, n))
            elif too_short(n):
                report[key].append(("short", n))
            elif not within_limits(n):
                report[key].append(("too long", n))
            else:
                e.aliases.append((1, n))
        entities.append(e)
    return entities, report


# ---------------------------------------------------------------- main


def main(argv):
    verbose = "-v" in argv
    args = [a for a in argv[1:] if a != "-v"]
    src = Path(args[0]) if args else DEFAULT_SOURCE

    cents, creport = countries(src)
    crows, cambig, cdropped = resolve(cents)
    write(HERE / "countries.tsv", crows)

    country_names = set()
    country_codes = set()
    for key, _, canonical, aliases, codes in crows:
        country_names.add(fold(canonical))
        country_names.update(fold(a) for a in aliases)
        country_codes.update(codes)
    # A country's name or code is the country's: an organisation that has
    # one too loses it (FRA is France, not the Fundamental Rights Agency).
    country_names |= cambig
    oents, oreport = organisations(src)
    orows, oambig, odropped = resolve(oents, country_names, country_codes)
    write(HERE / "organisations.tsv", orows)

    print(f"countries.tsv: {len(crows)} rows; organisations.tsv: {len(orows)} rows")
    if verbose:
        for report in (creport, oreport):
            for key in sorted(report):
                for why, name in report[key]:
                    print(f"dropped\t{key}\t{why}\t{name}")
        for key, code in cdropped + odropped:
            print(f"dropped\t{key}\tshared code\t{code}")
        for k in sorted(cambig | oambig):
            print(f"ambiguous\t{k}")


if __name__ == "__main__":
    main(sys.argv)
