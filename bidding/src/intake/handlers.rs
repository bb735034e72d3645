use super::recorder::{self, RecordError, Recorded};
use super::IntakeState;
use crate::store::bids::{self, BidKind, PendingBid, StoredBid};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use platform_core::ErrorCode;
use platform_core::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorResponse, Identity};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};
use vocabulary::{money::is_valid_amount, Amount, AuctionId, BidId};

/// Body of `POST /api/auctions/{id}/bids`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlaceBid {
    /// Amount bid now, in the currency's smallest unit.
    #[schema(value_type = vocabulary::money::Price)]
    pub amount: Amount,
    /// Highest amount the platform may bid on the bidder's behalf (proxy bidding); at
    /// least `amount`.
    #[schema(value_type = Option<vocabulary::money::Price>)]
    pub max_amount: Option<Amount>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BidAccepted {
    pub bid_id: BidId,
    /// Always `pending`: the outcome arrives on the private stream and `GET /api/bids/{id}`.
    pub status: &'static str,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BidView {
    pub bid_id: BidId,
    pub auction_id: AuctionId,
    /// `bid` or `buy_now`.
    pub kind: String,
    pub amount: Option<Amount>,
    pub max_amount: Option<Amount>,
    /// `pending`, `accepted` or `rejected`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq: Option<i64>,
    pub placed_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BidHistoryItem {
    pub seq: i64,
    pub bid_id: BidId,
    pub amount: Amount,
    /// A pseudonym stable within one auction; never the account id.
    pub bidder: String,
    pub placed_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct BidHistory {
    pub items: Vec<BidHistoryItem>,
}

#[derive(Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct HistoryQuery {
    /// 1 to 200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Only bids with a larger `seq`.
    #[param(minimum = 0)]
    pub after_seq: Option<i64>,
}

#[utoipa::path(
    post, path = "/api/auctions/{id}/bids", tag = "bids",
    params(("id" = uuid::Uuid, Path, description = "auction id"), IdempotencyKey),
    request_body = PlaceBid,
    responses(
        (status = 202, description = "taken; the outcome follows", body = BidAccepted),
        (status = 400, description = "malformed id, body or `Idempotency-Key`; amounts out of range", body = ErrorResponse),
        (status = 401, description = "not signed in", body = ErrorResponse),
        (status = 403, description = "`seller_cannot_bid`", body = ErrorResponse),
        (status = 404, description = "unknown auction", body = ErrorResponse),
        (status = 409, description = "`idempotency_key_reused` with a different request", body = ErrorResponse),
        (status = 415, description = "the body is not `application/json`", body = ErrorResponse),
        (status = 503, description = "bids cannot be taken right now", body = ErrorResponse),
    )
)]
pub async fn place_bid(
    State(state): State<IntakeState>,
    identity: Identity,
    ApiPath(auction_id): ApiPath<AuctionId>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PlaceBid>,
) -> Result<(StatusCode, ApiJson<BidAccepted>), ApiError> {
    if !is_valid_amount(body.amount) {
        return Err(ApiError::validation(
            "amount must be a positive whole number of minor units, at most 10^13",
        ));
    }
    if let Some(max) = body.max_amount {
        if !is_valid_amount(max) || max < body.amount {
            return Err(ApiError::validation(
                "maxAmount must be at least amount and at most 10^13",
            ));
        }
    }
    let request = Request {
        auction_id,
        kind: BidKind::Bid,
        amount: Some(body.amount),
        max_amount: body.max_amount,
    };
    submit(&state, &identity, &headers, request).await
}

#[utoipa::path(
    post, path = "/api/auctions/{id}/buy-now", tag = "bids",
    params(("id" = uuid::Uuid, Path, description = "auction id"), IdempotencyKey),
    responses(
        (status = 202, description = "taken; the outcome follows", body = BidAccepted),
        (status = 400, description = "malformed id or `Idempotency-Key`", body = ErrorResponse),
        (status = 401, description = "not signed in", body = ErrorResponse),
        (status = 403, description = "`seller_cannot_bid`", body = ErrorResponse),
        (status = 404, description = "unknown auction", body = ErrorResponse),
        (status = 409, description = "`idempotency_key_reused` with a different request", body = ErrorResponse),
        (status = 503, description = "bids cannot be taken right now", body = ErrorResponse),
    )
)]
pub async fn buy_now(
    State(state): State<IntakeState>,
    identity: Identity,
    ApiPath(auction_id): ApiPath<AuctionId>,
    headers: HeaderMap,
) -> Result<(StatusCode, ApiJson<BidAccepted>), ApiError> {
    let request = Request {
        auction_id,
        kind: BidKind::BuyNow,
        amount: None,
        max_amount: None,
    };
    submit(&state, &identity, &headers, request).await
}

struct Request {
    auction_id: AuctionId,
    kind: BidKind,
    amount: Option<Amount>,
    max_amount: Option<Amount>,
}

impl Request {
    fn hash(&self) -> String {
        let text = format!(
            "{}|{}|{:?}|{:?}",
            self.kind.as_str(),
            self.auction_id,
            self.amount,
            self.max_amount
        );
        hex::encode(Sha256::digest(text.as_bytes()))
    }
}

async fn submit(
    state: &IntakeState,
    identity: &Identity,
    headers: &HeaderMap,
    request: Request,
) -> Result<(StatusCode, ApiJson<BidAccepted>), ApiError> {
    let key = idempotency_key(headers)?;
    let seller = seller_of(state, request.auction_id).await?;
    if seller == identity.user_id {
        return Err(ApiError::new(
            ErrorCode::SellerCannotBid,
            "sellers cannot bid on their own auction",
        ));
    }
    let hash = request.hash();
    let pending = PendingBid {
        bid_id: BidId::new(),
        auction_id: request.auction_id,
        bidder_id: identity.user_id,
        kind: request.kind,
        amount: request.amount,
        max_amount: request.max_amount,
        request_hash: key.as_ref().map(|_| hash.clone()),
        idempotency_key: key,
        received_at: Utc::now(),
    };
    match state.recorder.record(pending.clone()).await {
        Ok(Recorded::Published) => {
            metrics::counter!("bids_received_total", "kind" => pending.kind.as_str()).increment(1);
            Ok(accepted(pending.bid_id))
        }
        Ok(Recorded::Earlier(earlier)) => replay(state, *earlier, &pending, &hash).await,
        Err(RecordError::Store(e)) => Err(e.into()),
        Err(RecordError::Publish(e)) => {
            tracing::error!(error = %format!("{e:#}"), "bid command not published");
            Err(ApiError::unavailable(
                "bids cannot be taken right now, try again",
            ))
        }
    }
}

/// The answer to a retried `Idempotency-Key`: the first answer again, never a second bid.
async fn replay(
    state: &IntakeState,
    earlier: StoredBid,
    retry: &PendingBid,
    hash: &str,
) -> Result<(StatusCode, ApiJson<BidAccepted>), ApiError> {
    if earlier.request_hash.as_deref() != Some(hash) {
        return Err(ApiError::new(
            ErrorCode::IdempotencyKeyReused,
            "this Idempotency-Key was used for a different request",
        ));
    }
    if earlier.status == "pending" {
        // The first attempt may have died between recording and publishing: publish the
        // same command again (same bid id and stamp); the engine applies a bid id once.
        let again = PendingBid {
            bid_id: earlier.bid_id,
            received_at: earlier.received_at,
            ..retry.clone()
        };
        publish(state, &again)
            .await
            .map_err(|_| ApiError::unavailable("bids cannot be taken right now, try again"))?;
    }
    Ok(accepted(earlier.bid_id))
}

fn accepted(bid_id: BidId) -> (StatusCode, ApiJson<BidAccepted>) {
    (
        StatusCode::ACCEPTED,
        ApiJson(BidAccepted {
            bid_id,
            status: "pending",
        }),
    )
}

pub(super) async fn publish(state: &IntakeState, bid: &PendingBid) -> anyhow::Result<()> {
    recorder::publish_in_order(state.bus.as_ref(), &[bid])
        .await
        .pop()
        .unwrap_or(Ok(()))
}

/// The `Idempotency-Key` header as the document states it.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
struct IdempotencyKey {
    /// Retry key: the same key with the same request answers the first answer again.
    #[param(
        rename = "Idempotency-Key",
        min_length = 1,
        max_length = 128,
        pattern = "^[!-~]+$"
    )]
    key: Option<String>,
}

/// `Idempotency-Key`: absent, or 1 to 128 visible ASCII characters (`!` to `~`).
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= 128 && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidIdempotencyKey,
                "Idempotency-Key must be 1–128 visible ASCII characters",
            )
        })?;
    Ok(Some(key.to_owned()))
}

async fn seller_of(
    state: &IntakeState,
    auction_id: AuctionId,
) -> Result<vocabulary::UserId, ApiError> {
    if let Some(seller) = state.sellers.get(&auction_id) {
        return Ok(*seller);
    }
    match bids::seller_of(&state.pool, auction_id).await? {
        Some(Some(seller)) => {
            state.sellers.insert(auction_id, seller);
            Ok(seller)
        }
        _ => Err(ApiError::not_found("auction")),
    }
}

#[utoipa::path(
    get, path = "/api/bids/{bid_id}", tag = "bids",
    params(("bid_id" = uuid::Uuid, Path, description = "bid id")),
    responses(
        (status = 200, description = "the bid and its outcome", body = BidView),
        (status = 400, description = "malformed id", body = ErrorResponse),
        (status = 401, description = "not signed in", body = ErrorResponse),
        (status = 404, description = "no such bid of the caller's", body = ErrorResponse),
    )
)]
pub async fn get_bid(
    State(state): State<IntakeState>,
    identity: Identity,
    ApiPath(bid_id): ApiPath<BidId>,
) -> Result<ApiJson<BidView>, ApiError> {
    // Another user's bid is reported as missing: its existence is nobody else's business.
    let bid = bids::find(&state.pool, bid_id)
        .await?
        .filter(|b| b.bidder_id == identity.user_id)
        .ok_or_else(|| ApiError::not_found("bid"))?;
    Ok(ApiJson(BidView::from(bid)))
}

impl From<StoredBid> for BidView {
    fn from(bid: StoredBid) -> Self {
        BidView {
            bid_id: bid.bid_id,
            auction_id: bid.auction_id,
            kind: bid.kind,
            amount: bid.amount,
            max_amount: bid.max_amount,
            status: bid.status,
            reason: bid.reason,
            seq: bid.seq,
            placed_at: bid.received_at,
        }
    }
}

#[utoipa::path(
    get, path = "/api/auctions/{id}/bids", tag = "bids",
    params(("id" = uuid::Uuid, Path, description = "auction id"), HistoryQuery),
    responses(
        (status = 200, description = "accepted bids, oldest first", body = BidHistory),
        (status = 400, description = "malformed id, limit or afterSeq", body = ErrorResponse),
        (status = 404, description = "unknown auction", body = ErrorResponse),
    )
)]
pub async fn history(
    State(state): State<IntakeState>,
    ApiPath(auction_id): ApiPath<AuctionId>,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> Result<ApiJson<BidHistory>, ApiError> {
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::new(
            ErrorCode::InvalidQuery,
            "limit must be between 1 and 200",
        ));
    }
    let after_seq = query.after_seq.unwrap_or(0);
    if after_seq < 0 {
        return Err(ApiError::new(
            ErrorCode::InvalidQuery,
            "afterSeq must not be negative",
        ));
    }
    seller_of(&state, auction_id).await?;
    let rows = bids::history(&state.pool, auction_id, after_seq, limit).await?;
    let items = rows
        .into_iter()
        .map(|r| BidHistoryItem {
            seq: r.seq,
            bid_id: r.bid_id,
            amount: r.amount,
            bidder: pseudonym(auction_id, r.bidder_id),
            placed_at: r.received_at,
        })
        .collect();
    Ok(ApiJson(BidHistory { items }))
}

/// "Bidder 3f9a": the same bidder gets the same name within one auction and unrelated
/// names across auctions.
fn pseudonym(auction_id: AuctionId, bidder_id: vocabulary::UserId) -> String {
    let digest = Sha256::digest(format!("{auction_id}:{bidder_id}").as_bytes());
    format!("Bidder {}", hex::encode(&digest[..2]))
}
