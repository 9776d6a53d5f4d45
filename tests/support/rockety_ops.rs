//! Calls every operation of `specs/rockety.yaml` once, with valid parameters.

use rocket_apis::rockety::Client;

/// (operationId, status or error) for each operation.
pub async fn call_every_operation(c: &Client) -> Vec<(&'static str, Result<u16, rocket_apis::Error>)> {
    vec![
        (
            "listProjects",
            c.list_projects().page(1).send().await.map(|r| r.status().as_u16()),
        ),
        (
            "listUsers",
            c.list_users().page(1).send().await.map(|r| r.status().as_u16()),
        ),
    ]
}
