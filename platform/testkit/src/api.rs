//! A small HTTP client for the public API, as a browser or a script uses it: through the
//! gateway, with a bearer token.

use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// The admin the test platforms bootstrap (`ADMIN_EMAIL` / `ADMIN_PASSWORD`).
pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "admin-password-1";

#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
}

pub struct Response {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Response {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

#[derive(Clone, Debug)]
pub struct User {
    pub id: String,
    pub token: String,
}

impl Api {
    pub fn new(base: String) -> Self {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        Self { base, http }
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        self.send_with(method, path, token, body, &[]).await
    }

    pub async fn send_with(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Response {
        let mut req = self
            .http
            .request(method.parse().unwrap(), format!("{}{}", self.base, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request reaches the platform");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let bytes = res.bytes().await.unwrap();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        assert_ne!(status, 500, "{method} {path} answered 500: {body}");
        Response {
            status,
            body,
            headers,
        }
    }

    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Response {
        let mut req = self
            .http
            .request(method.parse().unwrap(), format!("{}{}", self.base, path))
            .header("content-type", content_type)
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = serde_json::from_slice(&res.bytes().await.unwrap()).unwrap_or(Value::Null);
        Response {
            status,
            body,
            headers,
        }
    }

    pub async fn signup(&self, name: &str) -> User {
        let email = format!("{name}-{}@example.com", uuid::Uuid::new_v4().simple());
        let res = self
            .send(
                "POST",
                "/api/auth/signup",
                None,
                Some(json!({"email": email, "password": "correct horse battery", "displayName": name})),
            )
            .await;
        assert_eq!(res.status, 201, "signup: {}", res.body);
        User {
            id: res.body["user"]["id"].as_str().unwrap().to_owned(),
            token: res.body["accessToken"].as_str().unwrap().to_owned(),
        }
    }

    /// The bootstrap admin, logged in.
    pub async fn admin(&self) -> User {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    pub async fn login(&self, email: &str, password: &str) -> User {
        let res = self
            .send(
                "POST",
                "/api/auth/login",
                None,
                Some(json!({"email": email, "password": password})),
            )
            .await;
        assert_eq!(res.status, 200, "login: {}", res.body);
        User {
            id: res.body["user"]["id"].as_str().unwrap().to_owned(),
            token: res.body["accessToken"].as_str().unwrap().to_owned(),
        }
    }

    pub async fn list_item(&self, seller: &User, body: Value) -> String {
        let res = self
            .send("POST", "/api/auctions", Some(&seller.token), Some(body))
            .await;
        assert_eq!(res.status, 201, "create auction: {}", res.body);
        assert_eq!(res.body["status"], "pending");
        res.body["id"].as_str().unwrap().to_owned()
    }

    pub async fn schedule(
        &self,
        admin: &User,
        id: &str,
        starts_in: Duration,
        lasts: Duration,
    ) -> Response {
        let starts = chrono::Utc::now() + chrono::Duration::from_std(starts_in).unwrap();
        let ends = starts + chrono::Duration::from_std(lasts).unwrap();
        self.send(
            "POST",
            &format!("/api/admin/auctions/{id}/schedule"),
            Some(&admin.token),
            Some(json!({"startsAt": starts.to_rfc3339(), "endsAt": ends.to_rfc3339()})),
        )
        .await
    }

    /// Lists an item (art, starting at 1,000), has the admin schedule it from now for
    /// `lasts`, and waits until it is open; returns its id.
    pub async fn open_auction(
        &self,
        admin: &User,
        seller: &User,
        title: &str,
        lasts: Duration,
    ) -> String {
        let listing =
            json!({"title": title, "description": "", "category": "art", "startingPrice": 1_000});
        let id = self.list_item(seller, listing).await;
        let res = self.schedule(admin, &id, Duration::ZERO, lasts).await;
        assert_eq!(res.status, 200, "schedule: {}", res.body);
        self.wait_auction(&id, Duration::from_secs(20), "open", |a| {
            a["status"] == "open"
        })
        .await;
        id
    }

    pub async fn auction(&self, id: &str) -> Value {
        let res = self
            .send("GET", &format!("/api/auctions/{id}"), None, None)
            .await;
        assert_eq!(res.status, 200, "get auction: {}", res.body);
        res.body
    }

    /// Polls the auction until `pred` holds (or panics after `timeout`).
    pub async fn wait_auction(
        &self,
        id: &str,
        timeout: Duration,
        what: &str,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        let start = Instant::now();
        loop {
            let a = self.auction(id).await;
            if pred(&a) {
                return a;
            }
            assert!(
                start.elapsed() < timeout,
                "timed out waiting for {what}; auction is {a}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn bid(&self, bidder: &User, id: &str, amount: i64, max: Option<i64>) -> String {
        let mut body = json!({"amount": amount});
        if let Some(m) = max {
            body["maxAmount"] = json!(m);
        }
        let res = self
            .send(
                "POST",
                &format!("/api/auctions/{id}/bids"),
                Some(&bidder.token),
                Some(body),
            )
            .await;
        assert_eq!(res.status, 202, "bid: {}", res.body);
        res.body["bidId"].as_str().unwrap().to_owned()
    }

    /// Places a bid while the platform may be going down or coming back: the bid id for a
    /// `202`; `None` when no promise was made (the connection died with a process, or a
    /// `502`/`503`/`504` while one is away). Any other answer fails the test.
    pub async fn bid_through_failures(
        &self,
        bidder: &User,
        id: &str,
        body: &Value,
    ) -> Option<String> {
        let req = self
            .http
            .post(format!("{}/api/auctions/{id}/bids", self.base))
            .bearer_auth(&bidder.token)
            .json(body)
            .timeout(Duration::from_secs(5));
        let res = req.send().await.ok()?;
        match res.status().as_u16() {
            202 => {
                let v: Value = res.json().await.ok()?;
                Some(v["bidId"].as_str().expect("a 202 names its bid").to_owned())
            }
            502..=504 => None,
            other => panic!("bid: unexpected {other}"),
        }
    }

    /// Polls `GET /api/bids/{id}` until the bid is decided; returns the bid.
    pub async fn outcome(&self, bidder: &User, bid_id: &str) -> Value {
        let start = Instant::now();
        loop {
            let res = self
                .send(
                    "GET",
                    &format!("/api/bids/{bid_id}"),
                    Some(&bidder.token),
                    None,
                )
                .await;
            assert_eq!(res.status, 200, "get bid: {}", res.body);
            if res.body["status"] != "pending" {
                return res.body;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "bid {bid_id} still pending"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// A barrier for "nothing else happened": a bid of `amount` from a new bidder (so it
    /// moves the price whoever leads), decided and then shown by the read model. The
    /// engine decides one auction's commands in log order and the read model follows the
    /// events in order, so whatever was sent before the barrier shows by the time it
    /// does. Returns the auction as the read model shows it then.
    pub async fn barrier_bid(&self, id: &str, amount: i64) -> Value {
        let bidder = self.signup("barrier").await;
        let bid = self.bid(&bidder, id, amount, None).await;
        let decided = self.outcome(&bidder, &bid).await;
        assert_eq!(decided["status"], "accepted", "the barrier bid: {decided}");
        let seq = decided["seq"].as_i64().expect("an accepted bid has a seq");
        self.wait_auction(id, Duration::from_secs(20), "the barrier bid", |a| {
            a["seq"].as_i64() >= Some(seq)
        })
        .await
    }
}
