// Ingests the demo corpus, then prints an entity profile and a search.
//
// Run it against a running `mediamon up` (configured like the mediamon CLI:
// MEDIAMON_TOKEN or the token `up` saved in MEDIAMON_HOME, MEDIAMON_*_URL):
//
//   npm run build && node dist/examples/demo.js [CORPUS_DIR]
//
// CORPUS_DIR defaults to the repository's demo/corpus (its .txt and .html files).

import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { toJsonString } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";

import { ArticleSummarySchema, EntityType, MediamonClient, articleFromFile } from "../src/index.js";

/** The repository's demo/corpus, found upwards from this file (run from src or dist). */
function defaultCorpus(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const corpus = join(dir, "demo", "corpus");
    if (existsSync(corpus)) {
      return corpus;
    }
  }
  throw new Error("no demo/corpus above this script: pass the corpus directory");
}

async function main(): Promise<number> {
  const corpus = resolve(process.argv[2] ?? defaultCorpus());
  const files = readdirSync(corpus)
    .filter((name) => name.endsWith(".txt") || name.endsWith(".html"))
    .sort()
    .map((name) => join(corpus, name));
  const client = MediamonClient.fromEnv();
  try {
    const batch = await client.ingestBatch(await Promise.all(files.map(articleFromFile)));
    console.log(
      `ingested ${files.length} files from ${corpus}: ${batch.created} new, ` +
        `${batch.duplicates} already there, ${batch.failed} failed`,
    );
    for (const result of batch.results) {
      if (result.result.case === "error") {
        console.error(`  ${files[result.index]}: ${result.result.value.message}`);
      }
    }
    if (batch.failed > 0) {
      return 1;
    }
    // Ingest answers before the resolver has linked the names.
    await client.waitResolved(
      batch.results.flatMap((r) => (r.result.case === "article" ? [r.result.value.articleId] : [])),
    );

    const profile = await client.entityProfile({ name: "Ahmad Massoud" }, { maxItems: 3 });
    const entity = profile.entity;
    if (!entity) {
      throw new Error("the profile has no entity");
    }
    const kind = EntityType[entity.type].toLowerCase();
    console.log(`\nProfile: ${entity.canonicalName} (${kind}, ${entity.mentionCount} mentions)`);
    console.log(`  also written: ${entity.aliases.filter((a) => a !== entity.canonicalName).join(", ")}`);
    for (const m of profile.recentMentions) {
      console.log(`  '${m.mention?.text}' in '${m.articleTitle}':\n    ${m.sentence}`);
    }
    console.log(
      `  appears with: ${profile.coMentions
        .slice(0, 5)
        .map((c) => c.entity?.canonicalName)
        .join(", ")}`,
    );

    // One page for the entities the name resolved to, then every result,
    // two per page, to show the iterator following page tokens.
    const first = await client.searchArticlesPage({ entityName: "Mottaki", pageSize: 2 });
    const names = first.matchedEntities.map((m) => `${m.entity?.canonicalName} (${m.score.toFixed(2)})`);
    console.log(`\nSearch for articles about 'Mottaki': the name means ${names.join(", ")}`);
    const results = [];
    for await (const summary of client.searchArticles({ entityName: "Mottaki", pageSize: 2 })) {
      results.push(summary);
      const published = summary.metadata?.publishTime;
      const date = published ? timestampDate(published).toISOString().slice(0, 10) : "undated";
      console.log(`  ${date.padEnd(10)}  ${summary.title}`);
    }
    console.log(`${results.length} articles; the first as JSON:`);
    console.log(toJsonString(ArticleSummarySchema, results[0], { prettySpaces: 2 }));
    return 0;
  } finally {
    client.close();
  }
}

process.exitCode = await main();
