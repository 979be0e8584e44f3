//! Several servers starting at the same moment on one new PostgreSQL database (a scaled-out
//! deployment after a restart): every one of them starts, and each migration runs once.
//! Needs `ONETRIP_TEST_POSTGRES_URL` (`cargo xtask test` sets it).

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_servers_starting_together_migrate_once() {
    let Some(server) = common::postgres_server() else {
        return;
    };
    for _ in 0..3 {
        let url = common::fresh_postgres_database(&server).await;
        let opens: Vec<_> = (0..8)
            .map(|_| {
                let url = url.clone();
                tokio::spawn(async move { onetrip_server::storage::open(&url).await })
            })
            .collect();
        for open in opens {
            if let Err(e) = open.await.unwrap() {
                panic!("a server starting with the others failed: {e}");
            }
        }
        let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        let rows = client
            .query(
                "SELECT count(*), count(DISTINCT version) FROM schema_migrations",
                &[],
            )
            .await
            .unwrap();
        let (all, distinct): (i64, i64) = (rows[0].get(0), rows[0].get(1));
        assert_eq!(all, distinct, "a migration recorded twice");
        assert!(all >= 10, "{all} migrations recorded");
    }
}
