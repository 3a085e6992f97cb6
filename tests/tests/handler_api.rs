//! The handler API over real TCP on every transport: the middleware hands the authenticated
//! user to the socket, a derived `Serialize` struct is an ack, a `Result`'s error is an error
//! ack, and tuple arguments are checked for arity (`invalid-args`, never dropped silently).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tramline::{Builder, Rejection, Tramline};
use tramline_tests::{Client, OpenOpts, TestServer, TransportKind};

const P: &str = "/realtime";

#[derive(Clone, Debug)]
struct User {
    name: String,
}

#[derive(Serialize)]
struct Moved {
    who: String,
    x: i32,
    y: i32,
}

#[derive(Deserialize)]
struct Auth {
    token: String,
}

fn app() -> Builder {
    Tramline::builder()
        .middleware(|info| async move {
            let auth: Auth = info.auth().ok_or_else(|| Rejection::new("no auth"))?;
            Ok(User {
                name: auth.token.trim_start_matches("t-").to_owned(),
            })
        })
        .on_connection(|socket| async move {
            let user = socket.data::<User>().expect("middleware data");
            socket.join(format!("user:{}", user.name));
            socket.on("whoami", |socket, ()| async move {
                socket.data::<User>().map(|u| u.name)
            });
            socket.on("move", |socket, (x, y): (i32, i32)| async move {
                Moved {
                    who: socket.data::<User>().map(|u| u.name).unwrap_or_default(),
                    x,
                    y,
                }
            });
            socket.on("check", |_socket, n: u32| async move {
                if n > 10 {
                    Err(format!("{n} is too big"))
                } else {
                    Ok(n * 2)
                }
            });
        })
}

async fn open(ts: &TestServer<tramline_tests::TcpDialer>, t: TransportKind) -> Client {
    let opts = OpenOpts::default().auth(json!({"token": "t-ada"}));
    Client::open(&ts.dialer, P, t, opts)
        .await
        .unwrap_or_else(|e| panic!("open {t}: {e}"))
}

async fn ask(client: &Client, event: &str, args: Value) -> Result<Value, (String, String)> {
    let ack = client.request(event, args, vec![]).await.expect("ack");
    ack.result.map_err(|e| (e.code, e.message))
}

async fn the_handler_api_works_on(t: TransportKind) {
    let ts = TestServer::tcp(app()).await;
    let client = open(&ts, t).await;
    assert_eq!(
        ts.server.to("user:ada").sockets().len(),
        1,
        "{t}: on_connection read the middleware's user"
    );
    assert_eq!(
        ask(&client, "whoami", json!([])).await,
        Ok(json!(["ada"])),
        "{t}"
    );
    assert_eq!(
        ask(&client, "move", json!([3, 4])).await,
        Ok(json!([{"who": "ada", "x": 3, "y": 4}])),
        "{t}: tuple args and a derived struct as ack"
    );
    let too_many = ask(&client, "move", json!([3, 4, 5])).await.unwrap_err();
    assert_eq!(too_many.0, "invalid-args", "{t}");
    assert!(
        too_many.1.contains("expected 2 arguments, got 3"),
        "{t}: {}",
        too_many.1
    );
    let too_few = ask(&client, "move", json!([3])).await.unwrap_err();
    assert_eq!(too_few.0, "invalid-args", "{t}");
    assert!(
        too_few.1.contains("expected 2 arguments, got 1"),
        "{t}: {}",
        too_few.1
    );
    let extra = ask(&client, "check", json!([1, 2])).await.unwrap_err();
    assert_eq!(
        extra.0, "invalid-args",
        "{t}: an extra argument is not dropped"
    );
    let unit_extra = ask(&client, "whoami", json!(["x"])).await.unwrap_err();
    assert_eq!(unit_extra.0, "invalid-args", "{t}");
    assert_eq!(
        ask(&client, "check", json!([4])).await,
        Ok(json!([8])),
        "{t}"
    );
    assert_eq!(
        ask(&client, "check", json!([11])).await,
        Err(("handler-error".into(), "11 is too big".into())),
        "{t}: Err is an error ack"
    );
}

#[tokio::test]
async fn handler_api_websocket() {
    the_handler_api_works_on(TransportKind::Websocket).await;
}

#[tokio::test]
async fn handler_api_sse() {
    the_handler_api_works_on(TransportKind::Sse).await;
}

#[tokio::test]
async fn handler_api_streaming() {
    the_handler_api_works_on(TransportKind::Streaming).await;
}

#[tokio::test]
async fn handler_api_polling() {
    the_handler_api_works_on(TransportKind::Polling).await;
}
