//! Several replicas at once: three ingest replicas, each with its dispatcher,
//! handing articles that mention the same new names to three resolver
//! replicas, create exactly one entity per actor; re-resolving through every
//! replica at once is idempotent.

use std::time::Duration;

use futures::future::try_join_all;
use mediamon_e2e::{Stack, text_request};
use mediamon_proto::v1::ResolveMentionsRequest;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_create_one_entity_per_actor() -> anyhow::Result<()> {
    let mut stack = Stack::start().await?;
    let resolvers = [
        stack.resolver_addr,
        stack.add_resolver().await?,
        stack.add_resolver().await?,
    ];
    let ingests = [
        stack.ingest_addr,
        stack.add_ingest(resolvers[1]).await?,
        stack.add_ingest(resolvers[2]).await?,
    ];

    let per_replica = 5;
    let sends = ingests.iter().enumerate().map(|(r, addr)| {
        let stack = &stack;
        async move {
            let mut client = stack.ingest_at(*addr, Some(&stack.token)).await?;
            let mut ids = Vec::new();
            for i in 0..per_replica {
                let text = format!(
                    "Mining talks, round {r}-{i}\n\nQari Fasihuddin Fitrat met Hakan Fidan in Faizabad. \
                     The Badakhshan Mining Council welcomed the visit, and Fitrat promised more."
                );
                ids.push(client.ingest_article(text_request(&text)).await?.into_inner().article_id);
            }
            anyhow::Ok(ids)
        }
    });
    let ids: Vec<String> = try_join_all(sends).await?.into_iter().flatten().collect();
    assert_eq!(ids.len(), 3 * per_replica);
    stack.wait_resolved(Duration::from_secs(30)).await?;

    // Every replica re-resolves every article at the same moment.
    let again = ids
        .iter()
        .flat_map(|id| resolvers.iter().map(move |addr| (id.clone(), *addr)));
    let replies = try_join_all(again.map(|(id, addr)| {
        let stack = &stack;
        async move {
            let mut client = stack.resolver_at(addr, Some(&stack.service_token)).await?;
            let reply = client
                .resolve_mentions(ResolveMentionsRequest {
                    article_id: id.clone(),
                    mentions: vec![],
                })
                .await?
                .into_inner();
            anyhow::Ok((id, reply))
        }
    }))
    .await?;
    for (id, reply) in &replies {
        assert!(reply.already_resolved, "{id} resolved twice");
        let first = replies
            .iter()
            .find(|(other, _)| other == id)
            .map(|(_, r)| r);
        assert_eq!(Some(reply), first, "replicas disagree on {id}");
    }

    for (name, mentions) in [
        ("Fasihuddin Fitrat", 2 * ids.len()),
        ("Hakan Fidan", ids.len()),
        ("Badakhshan Mining Council", ids.len()),
        ("Faizabad", ids.len()),
    ] {
        let exact = stack.exact_entities(name).await?;
        assert_eq!(exact.len(), 1, "{name}: {exact:?}");
        assert_eq!(exact[0].mention_count as usize, mentions, "{name}");
    }
    stack.shutdown().await
}
