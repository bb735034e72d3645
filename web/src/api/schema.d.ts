// Generated from the platform's OpenAPI document (GET /api/openapi.json) by
// `npm run gen:api`. Do not edit: regenerate, and `npm run check:api` checks it.

export interface paths {
    "/api/admin/auctions/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancels an auction that has not ended; bids on it are refused from then on. */
        post: operations["cancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/auctions/{id}/schedule": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sets or moves the window of a `pending` or not-yet-opened `scheduled` auction. The
         *     platform opens it at `startsAt` and closes it at `endsAt` (plus any soft-close extension).
         */
        post: operations["schedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auctions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Auctions newest first, optionally filtered; follow `nextCursor` for the next page. */
        get: operations["list"];
        put?: never;
        /**
         * Lists an item for sale; the caller is the seller. The auction starts `pending` until an
         *     admin schedules it. The bid engine learns of it from a `List` command.
         */
        post: operations["create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auctions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One auction. */
        get: operations["get_one"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auctions/{id}/analysis": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["analysis"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auctions/{id}/bids": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["history"];
        put?: never;
        post: operations["place_bid"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auctions/{id}/buy-now": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["buy_now"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auctions/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Live events of one auction.
         * @description Events (each `data:` is one JSON object, each `id:` the auction's `seq`):
         *     `snapshot` (an `AuctionSnapshot`, first on a fresh connect), then `listed`, `scheduled`,
         *     `opened`, `price`, `extended`, `closed`, `cancelled` (each an `AuctionUpdate`, with the
         *     live `watchers` count). With `Last-Event-ID: N` (or `?lastEventId=N`) the stream sends
         *     every event with `seq > N` in order instead of the snapshot, or a fresh `snapshot` when
         *     the history no longer reaches back to N. `retry:` comes first; a comment heartbeat
         *     comes when nothing was sent for a while.
         */
        get: operations["auction_events"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Signs in with email and password. Unknown emails and wrong passwords get the same
         *     answer after the same work.
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Clears the `access_token` cookie. Tokens are stateless: a bearer token stays valid
         *     until it expires.
         */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/signup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Creates an account with role `user` and signs it in. */
        post: operations["signup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/bids/{bid_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["get_bid"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in account. */
        get: operations["me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/me/bids": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["my_bids"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/me/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The signed-in user's notices.
         * @description Events (each `data:` is one JSON object: the notice's fields in camelCase plus
         *     `auctionId`, `seq` and `at`): `bid.accepted` (`bidId`, `amount`, `currentPrice`,
         *     `leading`), `bid.rejected` (`bidId`, `reason`), `outbid` (`currentPrice`), `won`
         *     (`finalPrice`), `auction.closed` (`winnerId`, `finalPrice`), all carrying `bidderId`,
         *     the user; and `auction.ending` (`endsAt`, `title`, `userId`), once per watched auction
         *     when its end comes within the notice window (sent by the auction service, which owns
         *     the watchlist). Nobody receives another user's notices. Ids grow with every notice;
         *     with `Last-Event-ID` the notices after it are sent again while this instance still
         *     holds them. The stream ends when the caller's token expires.
         */
        get: operations["my_events"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/me/watchlist": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's watched auctions, most recently watched first. */
        get: operations["list_watchlist"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/me/watchlist/{auctionId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Watches an auction (watching it again changes nothing). */
        put: operations["add"];
        post?: never;
        /** Stops watching an auction (also when it was not watched). */
        delete: operations["remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The OpenAPI 3 document of the whole platform. */
        get: operations["openapi_document"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Finds auctions by words (Korean and English) in title and description, filtered by
         *     category, status and current price, sorted, paged, with facet counts over every match.
         *     Pending listings (not yet scheduled) appear only when `status=pending` asks for them.
         */
        get: operations["search"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * Format: int64
         * @description A whole amount in the currency's smallest unit.
         */
        Amount: number;
        AuctionAnalysis: {
            auctionId: components["schemas"]["AuctionId"];
            /**
             * Format: int64
             * @description Accepted bids.
             */
            bidCount: number;
            /**
             * @description Accepted bids by the minute they were received, from the first such minute to the
             *     last, minutes without bids included as 0.
             */
            bidsPerMinute: components["schemas"]["MinuteCount"][];
            finalPrice?: null | components["schemas"]["Amount"];
            /**
             * @description Every change of the public price, in `seq` order: first the starting price when
             *     the auction opened, then each accepted bid that moved the price.
             */
            pricePoints: components["schemas"]["PricePoint"][];
            startingPrice: components["schemas"]["Amount"];
            /**
             * @description `pending | scheduled | open | closed | cancelled`, as the engine has it.
             * @example closed
             */
            status: string;
            /**
             * Format: int64
             * @description Bidders with at least one accepted bid.
             */
            uniqueBidders: number;
        };
        /**
         * Format: uuid
         * @description An auction (a listing, from creation to its final result).
         */
        AuctionId: string;
        /** @description One page of auctions, newest first; `nextCursor` is absent on the last page. */
        AuctionPage: {
            items: components["schemas"]["AuctionView"][];
            nextCursor?: string | null;
        };
        /**
         * @description Data of `snapshot`: the auction object of the API as this service knows it, with the
         *     count of watchers. Its parts are those of [`vocabulary::AuctionView`], the view every
         *     service shows: the public terms and the words come from the auction's `listed` event,
         *     and are absent on an instance that never saw one (the event had left the topic before
         *     this instance first read it, or was written before the words travelled with it).
         */
        AuctionSnapshot: (null | components["schemas"]["Terms"]) & (null | components["schemas"]["Listing"]) & components["schemas"]["PublicState"] & {
            id: components["schemas"]["AuctionId"];
            /**
             * Format: int64
             * @description The `seq` of the newest event reflected here (also the snapshot's SSE `id`).
             */
            seq: number;
            /** @description Live streams this instance serves for the auction. */
            watchers: number;
        };
        /**
         * @description Lifecycle of an auction as the public sees it.
         * @enum {string}
         */
        AuctionStatus: "pending" | "scheduled" | "open" | "closed" | "cancelled";
        /**
         * @description Data of `listed`, `scheduled`, `opened`, `price`, `extended`, `closed` and `cancelled`:
         *     the event's [`PublicState`] with its `seq`, the accepted bid on `price`, and on
         *     `listed` the listing itself (its public terms and its words).
         */
        AuctionUpdate: components["schemas"]["PublicState"] & (null | components["schemas"]["Terms"]) & (null | components["schemas"]["Listing"]) & {
            amount?: null | components["schemas"]["Amount"];
            /**
             * Format: date-time
             * @description When the engine emitted the event.
             */
            at: string;
            auctionId: components["schemas"]["AuctionId"];
            bidId?: null | components["schemas"]["BidId"];
            /**
             * Format: int64
             * @description This event's `seq` (also its SSE `id`).
             */
            seq: number;
            /** @description Live streams this instance serves for the auction, when the event was sent. */
            watchers?: number | null;
        };
        /**
         * @description An auction as the public API shows it, wherever it is shown: `GET /api/auctions/{id}`,
         *     lists, the watchlist, search hits and the live `snapshot`. It is made of the three
         *     parts the platform already keeps: the seller's [`Terms`] (the reserve price only for
         *     the seller: see [`AuctionView::for_viewer`]), the [`Listing`]'s words, and the
         *     engine's [`PublicState`] as of event `seq`.
         */
        AuctionView: components["schemas"]["Terms"] & components["schemas"]["Listing"] & components["schemas"]["PublicState"] & {
            id: components["schemas"]["AuctionId"];
            /**
             * Format: int64
             * @description Grows by one with every event that changes the public state (0 before any).
             */
            seq: number;
        };
        BidAccepted: {
            bidId: components["schemas"]["BidId"];
            /** @description Always `pending`: the outcome arrives on the private stream and `GET /api/bids/{id}`. */
            status: string;
        };
        BidHistory: {
            items: components["schemas"]["BidHistoryItem"][];
        };
        BidHistoryItem: {
            amount: components["schemas"]["Amount"];
            /** @description A pseudonym stable within one auction; never the account id. */
            bidder: string;
            bidId: components["schemas"]["BidId"];
            /** Format: date-time */
            placedAt: string;
            /** Format: int64 */
            seq: number;
        };
        /**
         * Format: uuid
         * @description A bid or buy-now request, assigned at intake.
         */
        BidId: string;
        BidView: {
            amount?: null | components["schemas"]["Amount"];
            auctionId: components["schemas"]["AuctionId"];
            bidId: components["schemas"]["BidId"];
            /** @description `bid` or `buy_now`. */
            kind: string;
            maxAmount?: null | components["schemas"]["Amount"];
            /** Format: date-time */
            placedAt: string;
            reason?: string | null;
            /** Format: int64 */
            seq?: number | null;
            /** @description `pending`, `accepted` or `rejected`. */
            status: string;
        };
        /**
         * @description A listing category; anything else is `400 invalid_category`.
         * @enum {string}
         */
        Category: "electronics" | "fashion" | "home" | "collectibles" | "art" | "sports" | "vehicles" | "books" | "other";
        /**
         * @description A new listing. Unknown fields are ignored.
         * @example {
         *       "buyNowPrice": 50000,
         *       "category": "electronics",
         *       "currency": "KRW",
         *       "description": "Works; comes with its case.",
         *       "reservePrice": 20000,
         *       "startingPrice": 10000,
         *       "title": "Film camera"
         *     }
         */
        CreateAuctionRequest: {
            buyNowPrice?: null | components["schemas"]["Price"];
            category: components["schemas"]["Category"];
            currency?: null | components["schemas"]["Currency"];
            /** @description At most 10,000 characters, no NUL. */
            description: string;
            reservePrice?: null | components["schemas"]["Price"];
            startingPrice: components["schemas"]["Price"];
            /** @description 1 to 200 characters after trimming, no control characters. */
            title: string;
        };
        /**
         * @description ISO 4217 code: three upper-case letters.
         * @example KRW
         */
        Currency: string;
        /**
         * @description Stable snake_case error code; every code and its status is in the table of `platform/vocabulary/src/errors.rs`.
         * @enum {string}
         */
        ErrorCode: "malformed_json" | "invalid_body" | "invalid_path" | "invalid_query" | "invalid_cursor" | "invalid_limit" | "invalid_status" | "validation_failed" | "invalid_title" | "invalid_description" | "invalid_category" | "invalid_currency" | "invalid_amount" | "invalid_reserve_price" | "invalid_buy_now_price" | "invalid_window" | "invalid_idempotency_key" | "invalid_last_event_id" | "unauthorized" | "invalid_token" | "token_expired" | "invalid_credentials" | "forbidden" | "seller_cannot_bid" | "not_found" | "method_not_allowed" | "conflict" | "email_taken" | "idempotency_key_reused" | "invalid_state" | "insufficient_funds" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "internal" | "bad_gateway" | "unavailable" | "upstream_timeout";
        ErrorDetail: {
            code: components["schemas"]["ErrorCode"];
            message: string;
        };
        /**
         * @description The body of every non-2xx answer: `{"error": {"code", "message"}}`. Rendered by
         *     [`ApiError`]; every service's OpenAPI document names it for its error responses, and
         *     its `code` lists every code of the table.
         */
        ErrorResponse: {
            error: components["schemas"]["ErrorDetail"];
        };
        /** @description Counts of the matching auctions per value (over every match, not only the page). */
        Facets: {
            category: {
                [key: string]: number;
            };
            status: {
                [key: string]: number;
            };
        };
        /**
         * @description The words of a listing, carried on the `List` command so that readers of the command
         *     log (the search indexer) learn them without asking the auction service. The engine
         *     ignores them.
         */
        Listing: {
            /**
             * @default
             * @example electronics
             */
            category: string;
            /** @default  */
            description: string;
            /** @default  */
            title: string;
        };
        /** @description Any email and password of at most 1024 characters; a wrong pair is `401`. */
        LoginRequest: {
            /** @example ada@example.com */
            email: string;
            password: string;
        };
        MinuteCount: {
            /** Format: int64 */
            count: number;
            /**
             * Format: date-time
             * @description The start of the minute (RFC 3339, UTC).
             */
            minute: string;
        };
        /**
         * @description One page of the caller's bids, newest received first; `nextCursor` is `null` on the
         *     last page.
         */
        MyBidsPage: {
            items: components["schemas"]["BidView"][];
            nextCursor?: string | null;
        };
        /** @description Body of `POST /api/auctions/{id}/bids`. */
        PlaceBid: {
            /** @description Amount bid now, in the currency's smallest unit. */
            amount: components["schemas"]["Price"];
            maxAmount?: null | components["schemas"]["Price"];
        };
        /**
         * Format: int64
         * @description A positive whole amount in the currency's smallest unit, at most 10^13.
         */
        Price: number;
        PricePoint: {
            /**
             * Format: date-time
             * @description When the price became this: the opening, or when the bid was received.
             */
            at: string;
            price: components["schemas"]["Amount"];
            /**
             * Format: int64
             * @description The `seq` of the event that published it (`opened` or `price`).
             */
            seq: number;
        };
        /**
         * @description The auction's public, engine-owned state after an event. Every public event carries the
         *     whole of it, so any consumer can keep a read model by "newest `seq` wins".
         */
        PublicState: {
            /** Format: int64 */
            bidCount: number;
            /** @description The starting price until the first accepted bid. */
            currentPrice: components["schemas"]["Amount"];
            /** Format: date-time */
            endsAt?: string | null;
            finalPrice?: null | components["schemas"]["Amount"];
            leadingBidderId?: null | components["schemas"]["UserId"];
            minimumBid?: null | components["schemas"]["Amount"];
            reserveMet: boolean;
            /** Format: date-time */
            startsAt?: string | null;
            status: components["schemas"]["AuctionStatus"];
            winnerId?: null | components["schemas"]["UserId"];
        };
        /**
         * @description The auction's window, RFC 3339. `endsAt` after `startsAt` and in the future, at most 30
         *     days long, starting within 365 days.
         */
        ScheduleRequest: {
            /** Format: date-time */
            endsAt: string;
            /** Format: date-time */
            startsAt: string;
        };
        SearchPage: {
            facets: components["schemas"]["Facets"];
            hits: components["schemas"]["AuctionView"][];
            /** Format: int64 */
            total: number;
        };
        /**
         * @description A signed-in session: the account, its bearer token and the token's lifetime in seconds.
         *     The same token is set as the `access_token` cookie.
         */
        Session: {
            accessToken: string;
            /** Format: int64 */
            expiresIn: number;
            user: components["schemas"]["UserView"];
        };
        SignupRequest: {
            /**
             * @description 1 to 80 characters after trimming, no control characters.
             * @example Ada
             */
            displayName: string;
            /**
             * Format: email
             * @description An address `local@domain.tld`; trimmed and lower-cased, so two spellings of one
             *     address are one account (`409 email_taken`).
             * @example ada@example.com
             */
            email: string;
            /** @description 8 to 1024 characters. */
            password: string;
        };
        /** @enum {string} */
        Sort: "relevance" | "ending_soon" | "price_asc" | "price_desc" | "newest";
        /** @description What a seller offers, fixed when the listing is created. */
        Terms: {
            buyNowPrice?: null | components["schemas"]["Amount"];
            currency: components["schemas"]["Currency"];
            reservePrice?: null | components["schemas"]["Amount"];
            sellerId: components["schemas"]["UserId"];
            /** @description In the currency's smallest unit. */
            startingPrice: components["schemas"]["Amount"];
        };
        /**
         * Format: uuid
         * @description An account.
         */
        UserId: string;
        /** @description The account as the API shows it (`user` in the contract). */
        UserView: {
            displayName: string;
            email: string;
            /** Format: uuid */
            id: string;
            /**
             * @description `user` for everyone; `admin` only for operator-configured accounts.
             * @example [
             *       "user"
             *     ]
             */
            roles: string[];
        };
        /** @description The caller's watched auctions, most recently watched first (at most 1,000). */
        WatchlistView: {
            items: components["schemas"]["AuctionView"][];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    cancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Auction id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Cancelled */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuctionView"];
                };
            };
            /** @description Malformed id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not signed in */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not an admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unknown auction */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Already closed or cancelled (`invalid_state`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    schedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Auction id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ScheduleRequest"];
            };
        };
        responses: {
            /** @description Scheduled */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuctionView"];
                };
            };
            /** @description Malformed id or invalid window */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not signed in */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not an admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unknown auction */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Already opened, closed or cancelled (`invalid_state`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payload_too_large`: the body is over the size limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    list: {
        parameters: {
            query?: {
                category?: "electronics" | "fashion" | "home" | "collectibles" | "art" | "sports" | "vehicles" | "books" | "other";
                cursor?: string;
                /** @description 1 to 100, default 20. */
                limit?: number;
                sellerId?: string;
                status?: "pending" | "scheduled" | "open" | "closed" | "cancelled";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuctionPage"];
                };
            };
            /** @description Unknown status or category, bad seller id, limit or cursor */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `invalid_token` or `token_expired`: the bearer token or cookie sent is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateAuctionRequest"];
            };
        };
        responses: {
            /** @description Listed, status `pending` */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuctionView"];
                };
            };
            /** @description Invalid listing */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not signed in */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payload_too_large`: the body is over the size limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    get_one: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Auction id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The auction */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuctionView"];
                };
            };
            /** @description Malformed id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `invalid_token` or `token_expired`: the bearer token or cookie sent is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unknown auction */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    analysis: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description auction id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description how the auction went */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuctionAnalysis"];
                };
            };
            /** @description malformed id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `invalid_token` or `token_expired`: the bearer token or cookie sent is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unknown auction */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    history: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Only bids with a larger `seq`. */
                afterSeq: number | null;
                /** @description auction id */
                id: string;
                /** @description 1 to 200, default 50. */
                limit: number | null;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description accepted bids, oldest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BidHistory"];
                };
            };
            /** @description malformed id, limit or afterSeq */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `invalid_token` or `token_expired`: the bearer token or cookie sent is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unknown auction */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    place_bid: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retry key: the same key with the same request answers the first answer again. */
                "Idempotency-Key"?: string | null;
            };
            path: {
                /** @description auction id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PlaceBid"];
            };
        };
        responses: {
            /** @description taken; the outcome follows */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BidAccepted"];
                };
            };
            /** @description malformed id, body or `Idempotency-Key`; amounts out of range */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not signed in */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `seller_cannot_bid` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unknown auction */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `idempotency_key_reused` with a different request */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payload_too_large`: the body is over the size limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `rate_limited`: too many requests; `Retry-After` says when to try again */
            429: {
                headers: {
                    /** @description seconds to wait */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description bids cannot be taken right now */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    buy_now: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retry key: the same key with the same request answers the first answer again. */
                "Idempotency-Key"?: string | null;
            };
            path: {
                /** @description auction id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description taken; the outcome follows */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BidAccepted"];
                };
            };
            /** @description malformed id or `Idempotency-Key` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not signed in */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `seller_cannot_bid` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unknown auction */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `idempotency_key_reused` with a different request */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `rate_limited`: too many requests; `Retry-After` says when to try again */
            429: {
                headers: {
                    /** @description seconds to wait */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description bids cannot be taken right now */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    auction_events: {
        parameters: {
            query?: never;
            header?: {
                /** @description id (`seq`) of the last event received: a non-negative integer, or empty for none */
                "Last-Event-ID"?: string | null;
            };
            path: {
                /** @description auction id */
                id: string;
                /**
                 * @description The id of the last event received, for clients that cannot send `Last-Event-ID`:
                 *     a non-negative integer, or empty for none.
                 */
                lastEventId: string | null;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description an event stream */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description malformed auction id or Last-Event-ID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `invalid_token` or `token_expired`: the bearer token or cookie sent is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description no such auction */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            /** @description signed in, `access_token` cookie set */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Session"];
                };
            };
            /** @description malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `invalid_credentials` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payload_too_large`: the body is over the size limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description too many attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description cookie cleared */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    signup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SignupRequest"];
            };
        };
        responses: {
            /** @description account created, `access_token` cookie set */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Session"];
                };
            };
            /** @description malformed body or invalid email, password or name */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `email_taken` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payload_too_large`: the body is over the size limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description too many attempts from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    get_bid: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description bid id */
                bid_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the bid and its outcome */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BidView"];
                };
            };
            /** @description malformed id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not signed in */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description no such bid of the caller's */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the caller's account */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserView"];
                };
            };
            /** @description no valid token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    my_bids: {
        parameters: {
            query?: {
                cursor?: string;
                /** @description 1 to 100, default 20. */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description one page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MyBidsPage"];
                };
            };
            /** @description limit out of range or a cursor this API did not return */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not signed in */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    my_events: {
        parameters: {
            query?: never;
            header?: {
                /** @description id of the last notice received: a non-negative integer, or empty for none */
                "Last-Event-ID"?: string | null;
            };
            path: {
                /**
                 * @description The id of the last event received, for clients that cannot send `Last-Event-ID`:
                 *     a non-negative integer, or empty for none.
                 */
                lastEventId: string | null;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description an event stream */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description malformed Last-Event-ID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not signed in, or the token has expired */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    list_watchlist: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Watched auctions */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WatchlistView"];
                };
            };
            /** @description Not signed in */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    add: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Auction id */
                auctionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Watched */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Malformed id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not signed in */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unknown auction */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Auction id */
                auctionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Not watched any more */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Malformed id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not signed in */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unknown auction */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    openapi_document: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description this document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description `invalid_token` or `token_expired`: the bearer token or cookie sent is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    search: {
        parameters: {
            query?: {
                /** @description A listing category (see `Category`); one no listing has matches nothing. */
                category?: string;
                /** @description Highest current price. */
                maxPrice?: components["schemas"]["Amount"];
                /** @description Lowest current price; not above `maxPrice`. */
                minPrice?: components["schemas"]["Amount"];
                /** @description 1-based, default 1; `page × size` at most 10,000. */
                page?: number;
                /**
                 * @description Words to find in title and description (Korean or English), at most 200
                 *     characters.
                 */
                q?: string;
                /** @description 1 to 100, default 20. */
                size?: number;
                /** @description Default: `relevance` when `q` is given, else `newest`. */
                sort?: components["schemas"]["Sort"];
                /** @description Without it, pending listings (not yet scheduled) are not shown. */
                status?: "pending" | "scheduled" | "open" | "closed" | "cancelled";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of matching auctions */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SearchPage"];
                };
            };
            /** @description invalid_query: unknown value or out-of-range parameter */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `invalid_token` or `token_expired`: the bearer token or cookie sent is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
}
