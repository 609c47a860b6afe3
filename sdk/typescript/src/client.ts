// The client: one object for the three services, configured once.

import { readFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { extname, join } from "node:path";

import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type Client, type Interceptor, createClient } from "@connectrpc/connect";
import { Http2SessionManager, createGrpcTransport } from "@connectrpc/connect-node";

import {
  type ArticleSummary,
  ArticleMetadataSchema,
  type Event,
  type Entity,
  EntityType,
  ResolutionState,
  type TimeRange,
  TimeRangeSchema,
} from "./gen/mediamon/v1/common_pb.js";
import {
  type Feed,
  type IngestArticleRequest,
  IngestArticleRequestSchema,
  type IngestArticleResponse,
  type IngestBatchRequest,
  IngestBatchRequestSchema,
  type IngestBatchResponse,
  IngestService,
} from "./gen/mediamon/v1/ingest_pb.js";
import {
  type Article,
  type EntityTimeline,
  type ExportedArticle,
  type GetCoMentionsResponse,
  type GetEntityProfileResponse,
  type GetEventResponse,
  type ListQuotesResponse,
  QueryService,
  type QuoteInArticle,
  type SearchArticlesResponse,
  TimeBucket,
} from "./gen/mediamon/v1/query_pb.js";
import {
  type CurationLogEntry,
  EntityResolutionService,
  type EntityMatch,
  type ExplainResolutionResponse,
  type ReviewCandidate,
  type SplitEntityResponse,
} from "./gen/mediamon/v1/resolution_pb.js";
import { MediamonError } from "./errors.js";

/** The addresses `mediamon up` serves on. */
export const DEFAULT_INGEST_URL = "http://127.0.0.1:50051";
export const DEFAULT_RESOLVER_URL = "http://127.0.0.1:50052";
export const DEFAULT_QUERY_URL = "http://127.0.0.1:50053";

export interface ClientOptions {
  /** The API key, sent as `authorization: Bearer TOKEN`; none sends no header. */
  token?: string;
  ingestUrl?: string;
  queryUrl?: string;
  resolverUrl?: string;
  /** PEM CA certificate(s) for https:// URLs; the system's roots otherwise. */
  ca?: string | Buffer;
  /** Deadline of every call, in milliseconds (default 30 s). */
  timeoutMs?: number;
}

/** Filters of an article search; every one is optional. */
export interface ArticleSearch {
  /** Full-text query over title and body (words, "phrases", -not). */
  text?: string;
  /** A typed name; only articles that mention an entity it may denote. */
  entityName?: string;
  entityIds?: string[];
  /** Published at or after this time. */
  since?: Date;
  /** Published before this time. */
  before?: Date;
  outlet?: string;
  /** Results per call (default 20, at most 100). */
  pageSize?: number;
}

/** Which quotes to list; every filter optional. */
export interface QuoteSearch {
  /** Only quotes of this speaker (an entity id). */
  speakerEntityId?: string;
  /** Only quotes in articles that mention this entity. */
  mentionedEntityId?: string;
  /** Published at or after this time. */
  since?: Date;
  /** Published before this time. */
  before?: Date;
  /** Results per call (default 20, at most 100). */
  pageSize?: number;
}

/** An article to ingest: exactly one of `text` and `html`. */
export interface ArticleInit {
  /** Plain text, or a page saved as text. */
  text?: string;
  /** An HTML page as fetched, in any charset. */
  html?: Uint8Array;
  /** For html: the HTTP Content-Type it was served with. */
  contentType?: string;
  /** The headline, when the newsroom keeps it apart from the body; wins over the content's. */
  title?: string;
  url?: string;
  outlet?: string;
  authors?: string[];
  language?: string;
  published?: Date;
  dateline?: string;
  /** Makes retries safe: a second call with the key returns the first's article. */
  idempotencyKey?: string;
}

/** An article to ingest; metadata left empty is read from the content. */
export function article(init: ArticleInit): IngestArticleRequest {
  return create(IngestArticleRequestSchema, {
    content: content(init),
    contentType: init.contentType ?? "",
    idempotencyKey: init.idempotencyKey ?? "",
    metadata: create(ArticleMetadataSchema, {
      title: init.title ?? "",
      url: init.url ?? "",
      outlet: init.outlet ?? "",
      authors: init.authors ?? [],
      language: init.language ?? "",
      dateline: init.dateline ?? "",
      publishTime: init.published && timestampFromDate(init.published),
    }),
  });
}

function content(init: ArticleInit): IngestArticleRequest["content"] {
  if (init.text !== undefined && init.html === undefined) {
    return { case: "text", value: init.text };
  }
  if (init.html !== undefined && init.text === undefined) {
    return { case: "html", value: init.html };
  }
  throw new TypeError("give exactly one of text and html");
}

/** An article from a file: .html/.htm as a page (bytes as they are), anything else as UTF-8 text. */
export async function articleFromFile(path: string): Promise<IngestArticleRequest> {
  const html = [".html", ".htm"].includes(extname(path).toLowerCase());
  return html ? article({ html: await readFile(path) }) : article({ text: await readFile(path, "utf8") });
}

/**
 * A client of a mediamon stack: ingest, resolver and query. http:// URLs are
 * plaintext, https:// use TLS. Every failed call rejects with a
 * {@link MediamonError}. Call {@link close} when done.
 */
export class MediamonClient {
  private readonly sessions: Http2SessionManager[] = [];
  private readonly ingestService: Client<typeof IngestService>;
  private readonly queryService: Client<typeof QueryService>;
  private readonly resolverService: Client<typeof EntityResolutionService>;

  constructor(options: ClientOptions = {}) {
    const token = options.token;
    const auth: Interceptor = (next) => (request) => {
      if (token !== undefined) {
        request.header.set("authorization", `Bearer ${token}`);
      }
      return next(request);
    };
    const transport = (url: string) => {
      const { protocol } = new URL(url);
      if (protocol !== "http:" && protocol !== "https:") {
        throw new TypeError(`${url}: expected http://HOST:PORT or https://HOST:PORT`);
      }
      // Our own session manager, so that close() can end the connection.
      const session = new Http2SessionManager(url, {}, options.ca ? { ca: options.ca } : {});
      this.sessions.push(session);
      return createGrpcTransport({
        baseUrl: url,
        sessionManager: session,
        interceptors: [auth],
        defaultTimeoutMs: options.timeoutMs ?? 30_000,
      });
    };
    this.ingestService = createClient(IngestService, transport(options.ingestUrl ?? DEFAULT_INGEST_URL));
    this.queryService = createClient(QueryService, transport(options.queryUrl ?? DEFAULT_QUERY_URL));
    this.resolverService = createClient(
      EntityResolutionService,
      transport(options.resolverUrl ?? DEFAULT_RESOLVER_URL),
    );
  }

  /**
   * A client configured like the mediamon CLI: MEDIAMON_INGEST_URL,
   * MEDIAMON_QUERY_URL, MEDIAMON_RESOLVER_URL (default: `mediamon up`'s
   * ports), MEDIAMON_TOKEN (default: the development token `mediamon up`
   * saved in MEDIAMON_HOME, `.mediamon`) and MEDIAMON_CA (a PEM file).
   */
  static fromEnv(options: { timeoutMs?: number } = {}): MediamonClient {
    const env = process.env;
    let token = env.MEDIAMON_TOKEN;
    if (!token) {
      const path = join(env.MEDIAMON_HOME ?? ".mediamon", "dev-token");
      try {
        token = readFileSync(path, "utf8").trim();
      } catch (cause) {
        throw new Error(`no API token: set MEDIAMON_TOKEN (or run \`mediamon up\`, which writes ${path})`, {
          cause,
        });
      }
    }
    return new MediamonClient({
      token,
      ingestUrl: env.MEDIAMON_INGEST_URL,
      queryUrl: env.MEDIAMON_QUERY_URL,
      resolverUrl: env.MEDIAMON_RESOLVER_URL,
      ca: env.MEDIAMON_CA ? readFileSync(env.MEDIAMON_CA) : undefined,
      timeoutMs: options.timeoutMs,
    });
  }

  /** Closes the connections. */
  close(): void {
    for (const session of this.sessions) {
      session.abort();
    }
  }

  // Ingest (scope `ingest`).

  /** Stores one article (see {@link article}); an exact duplicate answers DUPLICATE with the stored id. */
  ingest(request: IngestArticleRequest): Promise<IngestArticleResponse> {
    return call(() => this.ingestService.ingestArticle(request));
  }

  /** Streams articles in one call; an item that fails does not fail the others: its result carries the error. */
  ingestBatch(
    articles: Iterable<IngestArticleRequest> | AsyncIterable<IngestArticleRequest>,
  ): Promise<IngestBatchResponse> {
    async function* items(): AsyncIterable<IngestBatchRequest> {
      for await (const a of articles) {
        yield create(IngestBatchRequestSchema, { article: a });
      }
    }
    return call(() => this.ingestService.ingestBatch(items()));
  }

  /** Registers an RSS or Atom feed for the ingest replicas to poll. */
  async registerFeed(url: string, { pollIntervalSeconds = 0 } = {}): Promise<Feed> {
    const response = await call(() => this.ingestService.registerFeed({ url, pollIntervalSeconds }));
    return required(response.feed, "feed");
  }

  async listFeeds(): Promise<Feed[]> {
    return (await call(() => this.ingestService.listFeeds({}))).feeds;
  }

  async removeFeed(feedId: string): Promise<void> {
    await call(() => this.ingestService.removeFeed({ feedId }));
  }

  // Query (scope `read`).

  /** Every matching article, best (or newest) first, fetched a page at a time as the iteration goes. */
  searchArticles(search: ArticleSearch): AsyncIterable<ArticleSummary> {
    return follow(async (pageToken) => {
      const page = await this.searchArticlesPage(search, pageToken);
      return [page.articles, page.nextPageToken];
    });
  }

  /** One page of {@link searchArticles}, with the entities `entityName` resolved to and the next page's token. */
  searchArticlesPage(search: ArticleSearch, pageToken = ""): Promise<SearchArticlesResponse> {
    const { since, before } = search;
    return call(() =>
      this.queryService.searchArticles({
        text: search.text ?? "",
        entityName: search.entityName ?? "",
        entityIds: search.entityIds ?? [],
        outlet: search.outlet ?? "",
        pageSize: search.pageSize ?? 0,
        pageToken,
        publishTime: timeRange(since, before),
      }),
    );
  }

  /** Events (happenings linked across articles), latest reported first, fetched a page at a time. */
  listEvents(
    { entityId = "", contestedOnly = false, pageSize = 0 }: { entityId?: string; contestedOnly?: boolean; pageSize?: number } = {},
  ): AsyncIterable<Event> {
    return follow(async (pageToken) => {
      const page = await call(() =>
        this.queryService.listEvents({ entityId, contestedOnly, pageSize, pageToken }),
      );
      return [page.events, page.nextPageToken];
    });
  }

  /**
   * Every article a search matches, streamed in batches (best or newest first), however
   * many there are. The call's deadline covers the whole stream: give the client a
   * `timeoutMs` that fits.
   */
  async *exportArticles({
    text = "",
    entityIds = [],
    since,
    before,
    outlet = "",
    includeBody = true,
    includeMentions = false,
  }: {
    text?: string;
    entityIds?: string[];
    since?: Date;
    before?: Date;
    outlet?: string;
    includeBody?: boolean;
    includeMentions?: boolean;
  } = {}): AsyncIterable<ExportedArticle> {
    const request = {
      text,
      entityIds,
      publishTime: timeRange(since, before),
      outlet,
      includeBody,
      includeMentions,
    };
    try {
      for await (const batch of this.queryService.exportArticles(request)) {
        yield* batch.articles;
      }
    } catch (err) {
      throw MediamonError.from(err);
    }
  }

  /**
   * Mentions and articles of each entity per hour, day, week or month of publication
   * time in `timeZone` (an IANA name; UTC when empty), every bucket of [since, before)
   * present, one timeline per entity in the order asked.
   */
  async mentionTimeline(
    entityIds: string[],
    {
      since,
      before,
      bucket = TimeBucket.DAY,
      timeZone = "",
    }: { since: Date; before: Date; bucket?: TimeBucket; timeZone?: string },
  ): Promise<EntityTimeline[]> {
    const reply = await call(() =>
      this.queryService.getMentionTimeline({
        entityIds,
        publishTime: create(TimeRangeSchema, {
          start: timestampFromDate(since),
          end: timestampFromDate(before),
        }),
        bucket,
        timeZone,
      }),
    );
    return reply.timelines;
  }

  /**
   * Who appears with these entities: nodes (the entities asked about first) and edges
   * weighted by shared articles, at least `minWeight`, at most `maxNodes` nodes (default 25).
   */
  coMentions(
    entityIds: string[],
    {
      since,
      before,
      minWeight = 0,
      maxNodes = 0,
    }: { since?: Date; before?: Date; minWeight?: number; maxNodes?: number } = {},
  ): Promise<GetCoMentionsResponse> {
    return call(() =>
      this.queryService.getCoMentions({
        entityIds,
        publishTime: timeRange(since, before),
        minWeight,
        maxNodes,
      }),
    );
  }

  /** One event with every report: outlet, article, source, stance, cue and time. */
  getEvent(eventId: string): Promise<GetEventResponse> {
    return call(() => this.queryService.getEvent({ eventId }));
  }

  /** Quotations and reported speech, newest article first, fetched a page at a time as the iteration goes. */
  listQuotes(search: QuoteSearch = {}): AsyncIterable<QuoteInArticle> {
    return follow(async (pageToken) => {
      const page = await this.listQuotesPage(search, pageToken);
      return [page.quotes, page.nextPageToken];
    });
  }

  /** One page of {@link listQuotes} and the next page's token. */
  listQuotesPage(search: QuoteSearch = {}, pageToken = ""): Promise<ListQuotesResponse> {
    const { since, before } = search;
    return call(() =>
      this.queryService.listQuotes({
        speakerEntityId: search.speakerEntityId ?? "",
        mentionedEntityId: search.mentionedEntityId ?? "",
        pageSize: search.pageSize ?? 0,
        pageToken,
        publishTime: timeRange(since, before),
      }),
    );
  }

  /** One article with its body, every mention and every quote. */
  async getArticle(articleId: string): Promise<Article> {
    const response = await call(() => this.queryService.getArticle({ articleId }));
    return required(response.article, "article");
  }

  /** An entity's aliases, recent mentions, articles and co-mentioned entities, by a typed name (the best match) or id. */
  entityProfile(
    which: { name: string } | { entityId: string },
    { maxItems = 0 } = {},
  ): Promise<GetEntityProfileResponse> {
    const entity =
      "name" in which
        ? { case: "name" as const, value: which.name }
        : { case: "entityId" as const, value: which.entityId };
    return call(() => this.queryService.getEntityProfile({ entity, maxItems }));
  }

  /** Waits until the resolver has linked every mention of these articles (ingest returns before that). */
  async waitResolved(articleIds: Iterable<string>, { timeoutMs = 60_000 } = {}): Promise<void> {
    const pending = new Set(articleIds);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const id of [...pending]) {
        const { summary } = await this.getArticle(id);
        if (summary?.resolutionState === ResolutionState.RESOLVED) {
          pending.delete(id);
        }
      }
      if (pending.size === 0) {
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${pending.size} articles still pending after ${timeoutMs} ms: ${[...pending].join(", ")}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  // Entities (scope `read`).

  async getEntity(entityId: string): Promise<Entity> {
    const response = await call(() => this.resolverService.getEntity({ entityId }));
    return required(response.entity, "entity");
  }

  /** The entities a typed name may denote, best first, across pages. */
  searchEntities(
    query: string,
    { entityType = EntityType.UNSPECIFIED, pageSize = 0 } = {},
  ): AsyncIterable<EntityMatch> {
    return follow(async (pageToken) => {
      const page = await call(() =>
        this.resolverService.searchEntities({ query, type: entityType, pageSize, pageToken }),
      );
      return [page.matches, page.nextPageToken];
    });
  }

  /** Why a mention resolved as it did: candidates, features, decision. */
  explainResolution(mentionId: string): Promise<ExplainResolutionResponse> {
    return call(() => this.resolverService.explainResolution({ mentionId }));
  }

  /** Mentions the resolver was unsure about, newest first, across pages. */
  reviewCandidates({ pageSize = 0 } = {}): AsyncIterable<ReviewCandidate> {
    return follow(async (pageToken) => {
      const page = await call(() => this.resolverService.listReviewCandidates({ pageSize, pageToken }));
      return [page.candidates, page.nextPageToken];
    });
  }

  // Curation (scope `curate`; every change needs a reason and is audited).

  /** The analysts' decisions, newest first, across pages; only those that touched `entityId` when given. */
  curationLog({ entityId = "", pageSize = 0 } = {}): AsyncIterable<CurationLogEntry> {
    return follow(async (pageToken) => {
      const page = await call(() => this.resolverService.listCurationLog({ entityId, pageSize, pageToken }));
      return [page.entries, page.nextPageToken];
    });
  }

  async mergeEntities(targetEntityId: string, sourceEntityIds: string[], reason: string): Promise<Entity> {
    const response = await call(() =>
      this.resolverService.mergeEntities({ targetEntityId, sourceEntityIds, reason }),
    );
    return required(response.entity, "entity");
  }

  /** Moves mentions and aliases to a new entity (`newCanonicalName`) or an existing one (`targetEntityId`). */
  splitEntity(split: {
    entityId: string;
    reason: string;
    mentionIds?: string[];
    aliases?: string[];
    newCanonicalName?: string;
    targetEntityId?: string;
  }): Promise<SplitEntityResponse> {
    return call(() => this.resolverService.splitEntity(split));
  }

  async addAlias(entityId: string, alias: string, reason: string): Promise<Entity> {
    const response = await call(() => this.resolverService.addAlias({ entityId, alias, reason }));
    return required(response.entity, "entity");
  }

  /** Removes a surface form; that name never links to the entity again. */
  async removeAlias(entityId: string, alias: string, reason: string): Promise<Entity> {
    const response = await call(() => this.resolverService.removeAlias({ entityId, alias, reason }));
    return required(response.entity, "entity");
  }

  async setCanonicalName(entityId: string, canonicalName: string, reason: string): Promise<Entity> {
    const response = await call(() =>
      this.resolverService.setCanonicalName({ entityId, canonicalName, reason }),
    );
    return required(response.entity, "entity");
  }
}

/** The range [since, before); undefined when both ends are open. */
function timeRange(since?: Date, before?: Date): TimeRange | undefined {
  return since || before
    ? create(TimeRangeSchema, {
        start: since && timestampFromDate(since),
        end: before && timestampFromDate(before),
      })
    : undefined;
}

async function call<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw MediamonError.from(error);
  }
}

/** Yields the items of page after page until a page has no next token. */
async function* follow<T>(page: (token: string) => Promise<[T[], string]>): AsyncIterable<T> {
  let token = "";
  do {
    const [items, next] = await page(token);
    yield* items;
    token = next;
  } while (token);
}

// proto3 message fields are optional on the wire; these the services always set.
function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) {
    throw new Error(`the response has no ${field}`);
  }
  return value;
}
