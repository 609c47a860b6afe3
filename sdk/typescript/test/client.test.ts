// The TypeScript SDK against a live stack (`mediamon up`, configured like the
// CLI: MEDIAMON_TOKEN or MEDIAMON_HOME, MEDIAMON_*_URL): real answers, not mocks.

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

import { timestampDate } from "@bufbuild/protobuf/wkt";

import {
  Code,
  DEFAULT_QUERY_URL,
  IngestOutcome,
  MediamonClient,
  MediamonError,
  ResolutionState,
  TimeBucket,
  article,
  articleFromFile,
} from "../src/index.js";

const corpus = findCorpus();

const client = MediamonClient.fromEnv();
after(() => client.close());

before(async () => {
  // The demo corpus is in and resolved (duplicates if the example ran first).
  const files = readdirSync(corpus).filter((f) => f.endsWith(".txt") || f.endsWith(".html"));
  const batch = await client.ingestBatch(
    await Promise.all(files.map((f) => articleFromFile(join(corpus, f)))),
  );
  assert.equal(batch.failed, 0);
  await client.waitResolved(
    batch.results.flatMap((r) => (r.result.case === "article" ? [r.result.value.articleId] : [])),
  );
});

/** The repository's demo/corpus, found upwards from this file (run from src or dist). */
function findCorpus(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "demo", "corpus"))) {
      return join(dir, "demo", "corpus");
    }
  }
  throw new Error("no demo/corpus above this test");
}

/** A word no other article contains, to find a test's articles. */
function marker(): string {
  return "kestrel" + randomUUID().replaceAll("-", "").slice(0, 10);
}

/** A short article of our own that names Amir Khan Muttaqi; rounds differ in their text. */
function story(word: string, round = 1): string {
  return (
    `Muttaqi discusses customs plan with traders, round ${round}\n\n` +
    `KABUL (SDK Test Wire) — The Taliban's acting foreign minister, Amir Khan Muttaqi, ` +
    `met a delegation of traders in Kabul for round ${round} of talks on the ${word} ` +
    `customs arrangement, officials said. The talks covered tariffs, transit routes ` +
    `and the reopening of two border markets.\n\n` +
    `Muttaqi told the traders that another round was planned, according to a ` +
    `statement from the ministry, which called the meeting constructive.\n`
  );
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) {
    out.push(item);
  }
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<MediamonError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof MediamonError, `not a MediamonError: ${error}`);
    return error;
  }
  assert.fail("the call succeeded");
}

test("an ingested article is found by search", async () => {
  const word = marker();
  const first = await client.ingest(article({ text: story(word), outlet: "SDK Test Wire" }));
  assert.equal(first.outcome, IngestOutcome.CREATED);
  assert.ok(first.mentionCount > 0);
  const again = await client.ingest(article({ text: story(word) }));
  assert.equal(again.outcome, IngestOutcome.DUPLICATE);
  assert.equal(again.articleId, first.articleId);

  await client.waitResolved([first.articleId]);
  const found = await all(client.searchArticles({ text: word }));
  assert.deepEqual(
    found.map((a) => a.id),
    [first.articleId],
  );
  assert.equal(found[0].title, "Muttaqi discusses customs plan with traders, round 1");
  assert.equal(found[0].metadata?.outlet, "SDK Test Wire");
  assert.equal(found[0].resolutionState, ResolutionState.RESOLVED);

  const { mentions } = await client.getArticle(first.articleId);
  const minister = mentions.find((m) => m.text === "Amir Khan Muttaqi");
  assert.ok(minister?.entityId);
  const entity = await client.getEntity(minister.entityId);
  assert.ok(["Amir Khan Muttaqi", "Amir Khan Mottaki"].includes(entity.canonicalName));

  // The minister's reported words are his, and listed by speaker.
  const { quotes } = await client.getArticle(first.articleId);
  const said = quotes.find((q) => q.text.startsWith("another round was planned"));
  assert.equal(said?.speakerEntityId, minister.entityId);
  const listed = await all(client.listQuotes({ speakerEntityId: minister.entityId }));
  assert.ok(listed.some((item) => item.article?.id === first.articleId));

  // The meeting it reports is an event with the minister taking part.
  const events = await all(client.listEvents({ entityId: minister.entityId }));
  const reports = await Promise.all(events.map((e) => client.getEvent(e.id)));
  assert.ok(reports.some((r) => r.reports.some((x) => x.article?.id === first.articleId)));
});

test("entity profiles have the aliases of their spellings", async () => {
  const son = (await client.entityProfile({ name: "Ahmad Massoud" })).entity;
  assert.ok(son);
  assert.ok(son.aliases.includes("Ahmad Massoud") && son.aliases.includes("Ahmed Masood"), `${son.aliases}`);
  // The father is another person.
  assert.ok(!son.aliases.some((a) => a.includes("Shah")), `${son.aliases}`);

  const profile = await client.entityProfile({ name: "Mottaki" }, { maxItems: 2 });
  const aliases = profile.entity?.aliases ?? [];
  assert.ok(aliases.includes("Amir Khan Mottaki") && aliases.includes("Amir Khan Muttaqi"), `${aliases}`);
  assert.equal(profile.recentMentions.length, 2);
  assert.ok((profile.entity?.mentionCount ?? 0n) >= 6n);
});

test("timelines and graphs count an entity's mentions", async () => {
  const entity = (await client.entityProfile({ name: "Mottaki" })).entity;
  assert.ok(entity);
  const [timeline] = await client.mentionTimeline([entity.id], {
    since: new Date("2020-01-01T00:00:00Z"),
    before: new Date("2030-01-01T00:00:00Z"),
    bucket: TimeBucket.MONTH,
    timeZone: "Asia/Kabul",
  });
  // In Kabul the range ends at 04:30 on 1 January 2030: that month counts too.
  assert.equal(timeline.buckets.length, 121);
  assert.equal(
    timeline.buckets.reduce((n, b) => n + b.mentionCount, 0n),
    entity.mentionCount,
  );

  const graph = await client.coMentions([entity.id], { maxNodes: 5 });
  assert.ok(graph.nodes[0].center && graph.nodes[0].entity?.id === entity.id);
  assert.ok(graph.nodes.length > 1 && graph.nodes.length <= 5);
  assert.ok(graph.edges.length > 0);
});

test("an export streams what a search pages through", async () => {
  const searched = (await all(client.searchArticles({ text: "Taliban", pageSize: 3 }))).map((a) => a.id);
  const exported = await all(client.exportArticles({ text: "Taliban", includeMentions: true }));
  assert.deepEqual(
    exported.map((a) => a.summary?.id),
    searched,
  );
  assert.ok(exported.every((a) => a.body.length > 0 && a.mentions.length > 0));
});

test("paging follows page tokens", async () => {
  const page = await client.searchArticlesPage({ entityName: "Mottaki", pageSize: 2 });
  assert.equal(page.articles.length, 2);
  assert.ok(page.nextPageToken);

  const paged = (await all(client.searchArticles({ entityName: "Mottaki", pageSize: 2 }))).map((a) => a.id);
  const atOnce = await client.searchArticlesPage({ entityName: "Mottaki", pageSize: 100 });
  assert.equal(atOnce.nextPageToken, "");
  // Six demo articles name him (more when other tests added theirs).
  assert.ok(paged.length >= 6, `${paged.length}`);
  assert.equal(new Set(paged).size, paged.length);
  assert.deepEqual(new Set(paged), new Set(atOnce.articles.map((a) => a.id)));
});

test("time ranges are Dates: since inclusive, before exclusive", async () => {
  const word = marker();
  const dates = [
    new Date("2020-01-01T00:00:00Z"),
    new Date("2020-06-01T00:00:00Z"),
    new Date("2021-01-01T00:00:00Z"),
  ];
  const ids: string[] = [];
  for (const [i, published] of dates.entries()) {
    ids.push((await client.ingest(article({ text: story(word, i + 1), published }))).articleId);
  }
  await client.waitResolved(ids);
  const found = async (since?: Date, before?: Date) =>
    (await all(client.searchArticles({ text: word, since, before }))).map((a) => a.id);

  assert.deepEqual(await found(), [...ids].reverse());
  assert.deepEqual(await found(new Date("2020-03-01T00:00:00Z"), dates[2]), [ids[1]]);
  assert.deepEqual(await found(dates[1]), [ids[2], ids[1]]);
  const stored = (await client.getArticle(ids[1])).summary?.metadata?.publishTime;
  assert.ok(stored);
  assert.equal(timestampDate(stored).getTime(), dates[1].getTime());
});

test("a bad request is INVALID_ARGUMENT with the field", async () => {
  const badId = await rejection(client.getArticle("not-an-id"));
  assert.equal(badId.code, Code.InvalidArgument);
  assert.deepEqual(
    badId.fieldViolations.map((v) => v.field),
    ["article_id"],
  );
  assert.match(badId.message, /^INVALID_ARGUMENT: /);

  const badToken = await rejection(client.searchArticlesPage({ text: "Kabul" }, "not-a-token"));
  assert.deepEqual(
    badToken.fieldViolations.map((v) => v.field),
    ["page_token"],
  );

  const batch = await client.ingestBatch([article({ text: story(marker()) }), article({ text: "" })]);
  assert.deepEqual([batch.created, batch.failed], [1, 1]);
  const item = batch.results[1].result;
  assert.equal(item.case, "error");
  // Item errors carry the numeric gRPC code, which Connect's Code shares.
  assert.deepEqual([item.value.code, item.value.field], [Code.InvalidArgument, "text"]);
});

test("an unknown name is NOT_FOUND", async () => {
  const missing = await rejection(client.entityProfile({ name: "Zzyzx Qwertyuiop" }));
  assert.equal(missing.code, Code.NotFound);
  assert.match(missing.rawMessage, /Zzyzx Qwertyuiop/);
});

test("a missing or unknown token is UNAUTHENTICATED", async () => {
  for (const token of [undefined, "mm_not_a_key"]) {
    const anonymous = new MediamonClient({
      token,
      queryUrl: process.env.MEDIAMON_QUERY_URL ?? DEFAULT_QUERY_URL,
    });
    try {
      const denied = await rejection(anonymous.searchArticlesPage({ text: "Kabul" }));
      assert.equal(denied.code, Code.Unauthenticated);
    } finally {
      anonymous.close();
    }
  }
});

test("curation is audited", async () => {
  const entity = (await client.entityProfile({ name: "Hakan Fidan" })).entity;
  assert.ok(entity);
  const alias = `Hakan Fidan ${marker()}`;
  assert.ok((await client.addAlias(entity.id, alias, "SDK test: add")).aliases.includes(alias));
  assert.equal(
    (await rejection(client.addAlias(entity.id, alias, "SDK test: again"))).code,
    Code.AlreadyExists,
  );
  assert.ok(!(await client.removeAlias(entity.id, alias, "SDK test: remove")).aliases.includes(alias));

  const log = await all(client.curationLog({ entityId: entity.id, pageSize: 1 }));
  assert.deepEqual(
    log.slice(0, 2).map((e) => [e.action, e.reason]),
    [
      ["remove_alias", "SDK test: remove"],
      ["add_alias", "SDK test: add"],
    ],
  );
});
