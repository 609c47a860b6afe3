//! Curation end to end: analysts merge, split, add and remove aliases,
//! rename, list review candidates and ask why a mention resolved as it did;
//! later articles follow their decisions.

use mediamon_e2e::Stack;
use mediamon_proto::error::field_violations;
use mediamon_proto::v1::{
    AddAliasRequest, ExplainResolutionRequest, GetArticleRequest, GetEntityRequest,
    ListCurationLogRequest, ListReviewCandidatesRequest, MergeEntitiesRequest, RemoveAliasRequest,
    ResolutionDecision, SetCanonicalNameRequest, SplitEntityRequest,
};

async fn one_entity(stack: &Stack, name: &str) -> anyhow::Result<String> {
    let found = stack.exact_entities(name).await?;
    assert_eq!(found.len(), 1, "{name}: {found:?}");
    Ok(found[0].id.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analysts_decisions_are_applied_audited_and_respected() -> anyhow::Result<()> {
    let stack = Stack::start().await?;
    stack
        .ingest_resolved(
            "Rivals meet\n\nGovernor Atta Mohammad Noor met Ismail Khan in Herat. Noor said little.",
        )
        .await?;
    stack
        .ingest_resolved("Balkh news\n\nAtta Noor spoke in Kabul on Monday.")
        .await?;
    // An inserted middle name keeps these apart until an analyst says otherwise.
    let full = one_entity(&stack, "Atta Mohammad Noor").await?;
    let short = one_entity(&stack, "Atta Noor").await?;
    assert_ne!(full, short);

    let mut curator = stack.resolver_as(Some(&stack.token)).await?;
    let merge = MergeEntitiesRequest {
        target_entity_id: full.clone(),
        source_entity_ids: vec![short.clone()],
        reason: String::new(),
    };
    let status = curator
        .merge_entities(merge.clone())
        .await
        .expect_err("no reason");
    assert_eq!(field_violations(&status)[0].field, "reason");
    let status = stack
        .resolver_as(Some(&stack.read_token))
        .await?
        .merge_entities(MergeEntitiesRequest {
            reason: "same man".into(),
            ..merge.clone()
        })
        .await
        .expect_err("read-only key");
    assert_eq!(status.code(), tonic::Code::PermissionDenied);
    let merged = curator
        .merge_entities(MergeEntitiesRequest {
            reason: "Atta Noor is Atta Mohammad Noor".into(),
            ..merge
        })
        .await?
        .into_inner()
        .entity
        .expect("entity");
    assert!(
        merged.aliases.contains(&"Atta Noor".to_string()),
        "{merged:?}"
    );
    assert_eq!(merged.mention_count, 3);
    let gone = curator
        .get_entity(GetEntityRequest {
            entity_id: short.clone(),
        })
        .await
        .expect_err("merged away");
    assert_eq!(gone.code(), tonic::Code::NotFound);

    // A later article follows the merge.
    stack
        .ingest_resolved("Mazar visit\n\nAtta Noor visited Mazar-i-Sharif.")
        .await?;
    assert_eq!(one_entity(&stack, "Atta Noor").await?, full);

    // Aliases: add, refuse a repeat, remove (and never link that name back).
    let add = AddAliasRequest {
        entity_id: full.clone(),
        alias: "Ata Muhammad Nur".into(),
        reason: "common spelling".into(),
    };
    curator.add_alias(add.clone()).await?;
    assert_eq!(
        curator.add_alias(add).await.expect_err("repeat").code(),
        tonic::Code::AlreadyExists
    );
    let removed = curator
        .remove_alias(RemoveAliasRequest {
            entity_id: full.clone(),
            alias: "Atta Noor".into(),
            reason: "too ambiguous".into(),
        })
        .await?
        .into_inner()
        .entity
        .expect("entity");
    assert!(!removed.aliases.contains(&"Atta Noor".to_string()));
    let later = stack
        .ingest_resolved("Another Noor\n\nAtta Noor opened a school.")
        .await?;
    let article = stack
        .query()
        .await?
        .get_article(GetArticleRequest { article_id: later })
        .await?
        .into_inner()
        .article
        .expect("article");
    let noor = article
        .mentions
        .iter()
        .find(|m| m.text == "Atta Noor")
        .expect("mention");
    assert_ne!(noor.entity_id, full, "a removed alias must not link back");

    // Split one mention off into a new entity, then rename the original.
    let split = curator
        .split_entity(SplitEntityRequest {
            entity_id: full.clone(),
            mention_ids: vec![uuid::Uuid::new_v4().to_string()],
            new_canonical_name: "Someone Else".into(),
            reason: "wrong person".into(),
            ..Default::default()
        })
        .await
        .expect_err("not its mention");
    assert_eq!(field_violations(&split)[0].field, "mention_ids[0]");
    let renamed = curator
        .set_canonical_name(SetCanonicalNameRequest {
            entity_id: full.clone(),
            canonical_name: "Atta Muhammad Noor".into(),
            reason: "house style".into(),
        })
        .await?
        .into_inner()
        .entity
        .expect("entity");
    assert_eq!(renamed.canonical_name, "Atta Muhammad Noor");

    // An ambiguous surname waits for review; the explanation says why.
    let two = stack
        .ingest_resolved("Two Khans\n\nIsmail Khan and Imran Khan spoke. Afterwards, Khan left.")
        .await?;
    let article = stack
        .query()
        .await?
        .get_article(GetArticleRequest { article_id: two })
        .await?
        .into_inner()
        .article
        .expect("article");
    let khan = article
        .mentions
        .iter()
        .find(|m| m.text == "Khan")
        .expect("bare Khan");
    assert_eq!(khan.resolution(), ResolutionDecision::Ambiguous);
    let queue = curator
        .list_review_candidates(ListReviewCandidatesRequest::default())
        .await?
        .into_inner()
        .candidates;
    assert!(
        queue
            .iter()
            .filter(|c| c.mention.as_ref().is_some_and(|m| m.id == khan.id))
            .count()
            >= 2
    );
    let why = stack
        .resolver_as(Some(&stack.read_token))
        .await?
        .explain_resolution(ExplainResolutionRequest {
            mention_id: khan.id.clone(),
        })
        .await?
        .into_inner();
    assert!(
        why.explanation.contains("left unlinked"),
        "{}",
        why.explanation
    );
    assert!(
        why.candidates
            .iter()
            .any(|c| c.relation == "partial" && !c.features.is_empty())
    );
    // The decision as it was made, read from the evidence stored with it.
    let decided = why.decided.expect("stored evidence");
    assert_eq!(decided.decision(), ResolutionDecision::Ambiguous);
    assert!(decided.entity_id.is_empty(), "{decided:?}");
    assert!(decided.note.contains("fits"), "{decided:?}");
    assert!(decided.candidates.len() >= 2, "{decided:?}");
    assert!(
        decided
            .candidates
            .iter()
            .all(|c| !c.alias.is_empty() && c.score > 0.0),
        "{decided:?}"
    );

    // The audit log says who merged what, and why; only curators read it.
    let log = curator
        .list_curation_log(ListCurationLogRequest {
            entity_id: full.clone(),
            ..Default::default()
        })
        .await?
        .into_inner()
        .entries;
    let merge = log
        .iter()
        .find(|e| e.action == "merge")
        .expect("the merge is logged");
    assert_eq!(merge.reason, "Atta Noor is Atta Mohammad Noor");
    assert!(merge.entity_ids.contains(&short), "{merge:?}");
    assert!(!merge.actor.is_empty() && merge.time.is_some(), "{merge:?}");
    assert!(log.iter().all(|e| e.entity_ids.contains(&full)), "{log:?}");
    let status = stack
        .resolver_as(Some(&stack.read_token))
        .await?
        .list_curation_log(ListCurationLogRequest::default())
        .await
        .expect_err("read-only key");
    assert_eq!(status.code(), tonic::Code::PermissionDenied);
    let status = curator
        .list_curation_log(ListCurationLogRequest {
            entity_id: "nope".into(),
            ..Default::default()
        })
        .await
        .expect_err("bad id");
    assert_eq!(field_violations(&status)[0].field, "entity_id");
    stack.shutdown().await
}
