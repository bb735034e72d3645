-- `GET /api/me/bids`: one bidder's bids, newest received first, by keyset.
CREATE INDEX bids_by_bidder ON bids (bidder_id, received_at DESC, bid_id DESC);
