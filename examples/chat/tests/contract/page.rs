//! The page and the HTTP routes beside the endpoint.

use example_chat::{Options, INDEX_HTML};
use serde_json::Value;

use crate::client::{http_get, start};

#[tokio::test]
async fn the_page_is_served_at_the_root_and_anything_else_is_a_json_404() {
    let addr = start(Options::default()).await;
    let (status, headers, body) = http_get(addr, "/").await;
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(
        headers.contains("content-type: text/html; charset=utf-8"),
        "{headers}"
    );
    assert_eq!(body, INDEX_HTML);

    let (status, headers, body) = http_get(addr, "/nope").await;
    assert_eq!(status, "HTTP/1.1 404 Not Found");
    assert!(
        headers.contains("content-type: application/json"),
        "{headers}"
    );
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["error"], "not-found");
}
