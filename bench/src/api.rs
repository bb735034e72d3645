//! The public HTTP API as a script uses it: accounts, listings, scheduling. Only what the
//! benchmark's setup needs; bids themselves go through [`crate::load`].

use anyhow::Context as _;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
}

#[derive(Clone, Debug)]
pub struct User {
    pub id: String,
    pub token: String,
}

/// A client for `connections` requests in flight at once, each on its own kept-alive
/// HTTP/1.1 connection.
pub fn http_client(connections: usize) -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .pool_idle_timeout(Duration::from_secs(90))
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(30))
        .build()
        .context("building the HTTP client")
}

impl Api {
    pub fn new(base: String, http: reqwest::Client) -> Self {
        Self { base, http }
    }

    /// Sends a request and returns the JSON body of a response with status `expected`.
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Value,
        expected: u16,
    ) -> anyhow::Result<Value> {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if !body.is_null() {
            req = req.json(&body);
        }
        let res = req
            .send()
            .await
            .with_context(|| format!("{method} {path}"))?;
        let status = res.status().as_u16();
        let text = res.text().await.unwrap_or_default();
        anyhow::ensure!(
            status == expected,
            "{method} {path} answered {status} (expected {expected}): {text}"
        );
        serde_json::from_str(&text).with_context(|| format!("{method} {path}: body is not JSON"))
    }

    fn user(body: &Value) -> anyhow::Result<User> {
        let id = body["user"]["id"]
            .as_str()
            .context("no user id in the answer")?;
        let token = body["accessToken"]
            .as_str()
            .context("no access token in the answer")?;
        Ok(User {
            id: id.to_owned(),
            token: token.to_owned(),
        })
    }

    pub async fn signup(&self, name: &str) -> anyhow::Result<User> {
        let email = format!("{name}-{}@example.com", uuid::Uuid::new_v4().simple());
        let body = json!({"email": email, "password": "bench password 1", "displayName": name});
        let answer = self
            .call(reqwest::Method::POST, "/api/auth/signup", None, body, 201)
            .await?;
        Self::user(&answer)
    }

    pub async fn login(&self, email: &str, password: &str) -> anyhow::Result<User> {
        let body = json!({"email": email, "password": password});
        let answer = self
            .call(reqwest::Method::POST, "/api/auth/login", None, body, 200)
            .await?;
        Self::user(&answer)
    }

    /// Lists an item; returns the auction id.
    pub async fn list_item(
        &self,
        seller: &User,
        title: &str,
        starting_price: i64,
    ) -> anyhow::Result<String> {
        let body = json!({
            "title": title,
            "description": "A lot listed by a benchmark.",
            "category": "collectibles",
            "startingPrice": starting_price,
        });
        let answer = self
            .call(
                reqwest::Method::POST,
                "/api/auctions",
                Some(&seller.token),
                body,
                201,
            )
            .await?;
        Ok(answer["id"]
            .as_str()
            .context("no auction id in the answer")?
            .to_owned())
    }

    /// Schedules an auction to open now and end after `lasting`.
    pub async fn open_now(&self, admin: &User, id: &str, lasting: Duration) -> anyhow::Result<()> {
        let starts = chrono::Utc::now();
        let ends = starts + chrono::Duration::from_std(lasting)?;
        let body = json!({"startsAt": starts.to_rfc3339(), "endsAt": ends.to_rfc3339()});
        self.call(
            reqwest::Method::POST,
            &format!("/api/admin/auctions/{id}/schedule"),
            Some(&admin.token),
            body,
            200,
        )
        .await?;
        Ok(())
    }

    /// The auction as `GET /api/auctions/{id}` shows it.
    pub async fn auction(&self, id: &str) -> anyhow::Result<Value> {
        self.call(
            reqwest::Method::GET,
            &format!("/api/auctions/{id}"),
            None,
            Value::Null,
            200,
        )
        .await
    }

    /// Waits until the auction is `open` in the read model (so the engine knows it).
    pub async fn wait_open(&self, id: &str, timeout: Duration) -> anyhow::Result<()> {
        let started = Instant::now();
        loop {
            let auction = self.auction(id).await?;
            if auction["status"] == "open" {
                return Ok(());
            }
            anyhow::ensure!(
                started.elapsed() < timeout,
                "auction {id} not open after {timeout:?}: {auction}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// The auctions and bidders a load run needs.
pub struct Lots {
    /// Each auction's title is this and its number.
    pub title: &'static str,
    pub starting_price: i64,
    pub auctions: u64,
    pub bidders: u64,
    /// How long the auctions stay open.
    pub lasting: Duration,
}

/// The admin, a seller, `lots.auctions` auctions opened now and `lots.bidders` bidders, all
/// through the public API. Returns the auctions' ids and the bidders.
pub async fn set_up_lots(api: &Api, lots: &Lots) -> anyhow::Result<(Vec<String>, Vec<User>)> {
    use futures::{StreamExt as _, TryStreamExt as _};
    let admin = api
        .login(crate::cluster::ADMIN_EMAIL, crate::cluster::ADMIN_PASSWORD)
        .await?;
    let seller = api.signup("seller").await?;
    eprintln!("setup: {} bidders", lots.bidders);
    let bidders: Vec<User> = futures::stream::iter(0..lots.bidders)
        .map(|i| {
            let api = api.clone();
            async move { api.signup(&format!("bidder{i}")).await }
        })
        .buffered(4)
        .try_collect()
        .await?;
    eprintln!("setup: {} auctions", lots.auctions);
    let ids: Vec<String> = futures::stream::iter(0..lots.auctions)
        .map(|i| {
            let (api, seller, admin) = (api.clone(), seller.clone(), admin.clone());
            async move {
                let id = api
                    .list_item(&seller, &format!("{} {i}", lots.title), lots.starting_price)
                    .await?;
                api.open_now(&admin, &id, lots.lasting).await?;
                anyhow::Ok(id)
            }
        })
        .buffered(16)
        .try_collect()
        .await?;
    futures::stream::iter(ids.iter())
        .map(|id| api.wait_open(id, Duration::from_secs(60)))
        .buffer_unordered(32)
        .try_collect::<Vec<()>>()
        .await?;
    Ok((ids, bidders))
}
