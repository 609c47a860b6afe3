"""Ingests the demo corpus, then prints an entity profile and a search.

Run it, with the SDK installed (`pip install ./sdk/python`; or `bash
sdk/examples.sh`, which does that and runs both examples), against a running
`mediamon up`; it is configured like the mediamon CLI: MEDIAMON_TOKEN or the
token `up` saved in MEDIAMON_HOME, MEDIAMON_*_URL.

    python sdk/python/examples/demo.py [CORPUS_DIR]

CORPUS_DIR defaults to the repository's demo/corpus (its .txt and .html files).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import mediamon
from mediamon.v1 import common_pb2

DEFAULT_CORPUS = Path(__file__).resolve().parents[3] / "demo" / "corpus"


def main() -> int:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    files = sorted(p for p in corpus.iterdir() if p.suffix in (".txt", ".html"))
    with mediamon.Client.from_env() as client:
        batch = client.ingest_batch(mediamon.article_from_file(f) for f in files)
        print(
            f"ingested {len(files)} files from {corpus}: {batch.created} new, "
            f"{batch.duplicates} already there, {batch.failed} failed"
        )
        for result in batch.results:
            if result.HasField("error"):
                print(f"  {files[result.index].name}: {result.error.message}", file=sys.stderr)
        if batch.failed:
            return 1
        # Ingest answers before the resolver has linked the names.
        client.wait_resolved(r.article.article_id for r in batch.results)

        profile = client.entity_profile("Ahmad Massoud", max_items=3)
        entity = profile.entity
        kind = common_pb2.EntityType.Name(entity.type).removeprefix("ENTITY_TYPE_").lower()
        print(f"\nProfile: {entity.canonical_name} ({kind}, {entity.mention_count} mentions)")
        print(
            f"  also written: {', '.join(a for a in entity.aliases if a != entity.canonical_name)}"
        )
        for m in profile.recent_mentions:
            print(f"  {m.mention.text!r} in {m.article_title!r}:\n    {m.sentence}")
        print(
            f"  appears with: {', '.join(c.entity.canonical_name for c in profile.co_mentions[:5])}"
        )

        # One page for the entities the name resolved to, then every result,
        # two per page, to show the iterator following page tokens.
        first = client.search_articles_page(entity_name="Mottaki", page_size=2)
        names = [f"{m.entity.canonical_name} ({m.score:.2f})" for m in first.matched_entities]
        print(f"\nSearch for articles about 'Mottaki': the name means {', '.join(names)}")
        results = list(client.search_articles(entity_name="Mottaki", page_size=2))
        for summary in results:
            metadata = summary.metadata
            date = (
                metadata.publish_time.ToDatetime().date()
                if metadata.HasField("publish_time")
                else "undated"
            )
            print(f"  {date!s:10}  {summary.title}")
        print(f"{len(results)} articles; the first as a dict:")
        print(json.dumps(mediamon.to_dict(results[0]), indent=2, default=str, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
