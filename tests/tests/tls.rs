//! TLS when a certificate is configured: a resolver serving TLS with a
//! certificate signed by a test CA answers a client that trusts that CA, and
//! refuses a plaintext client.

use std::time::Duration;

use mediamon_auth::{KeyRing, Scope, generate_token, hash_token};
use mediamon_config::{ApiKeyEntry, ResolverSettings};
use mediamon_e2e::TestDb;
use mediamon_proto::v1::GetEntityRequest;
use mediamon_store::Store;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};

#[tokio::test]
async fn resolver_serves_tls_to_a_client_that_trusts_its_ca() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let ca_key = KeyPair::generate()?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca_params.self_signed(&ca_key)?;
    let issuer = Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate()?;
    let server_cert =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])?
            .signed_by(&server_key, &issuer)?;
    let (cert, key, ca) = (
        dir.path().join("server.pem"),
        dir.path().join("server.key"),
        dir.path().join("ca.pem"),
    );
    std::fs::write(&cert, server_cert.pem())?;
    std::fs::write(&key, server_key.serialize_pem())?;
    std::fs::write(&ca, ca_cert.pem())?;

    let db = TestDb::new().await?;
    let store = Store::connect(&db.url, 4, Duration::from_secs(5)).await?;
    store.migrate().await?;
    let token = generate_token();
    let mut keys = KeyRing::default();
    keys.add_entry(&ApiKeyEntry {
        name: "reader".into(),
        scopes: vec![Scope::Read.to_string()],
        sha256: hash_token(&token),
    })?;
    let mut settings = ResolverSettings::default();
    settings.server.tls.cert = Some(cert);
    settings.server.tls.key = Some(key);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        mediamon_resolver::serve(listener, &settings, store, keys, async {
            let _ = stopped.await;
        })
        .await
    });

    let secure = mediamon_client::endpoint(
        &format!("https://localhost:{}", addr.port()),
        Some(&ca),
        Duration::from_secs(10),
    )?;
    let channel = mediamon_client::connect(&secure).await?;
    let mut client =
        mediamon_client::resolver(channel, mediamon_client::Outgoing::new(Some(&token))?);
    let status = client
        .get_entity(GetEntityRequest {
            entity_id: uuid::Uuid::new_v4().to_string(),
        })
        .await
        .expect_err("no such entity");
    assert_eq!(status.code(), tonic::Code::NotFound, "{status:?}");

    let plain = mediamon_client::endpoint(&format!("http://{addr}"), None, Duration::from_secs(5))?;
    let refused = match mediamon_client::connect(&plain).await {
        Err(_) => true,
        Ok(channel) => {
            mediamon_client::resolver(channel, mediamon_client::Outgoing::new(Some(&token))?)
                .get_entity(GetEntityRequest {
                    entity_id: uuid::Uuid::new_v4().to_string(),
                })
                .await
                .is_err_and(|s| s.code() != tonic::Code::NotFound)
        }
    };
    assert!(refused, "a plaintext client must not get an answer");

    let _ = stop.send(());
    server.await??;
    Ok(())
}
