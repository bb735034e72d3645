//! The route table: which part of the platform answers a path. The gateway's own routes
//! win; every other `/api/...` path belongs to exactly one service or to nobody (`404`).
//! The class is also the `route` label of the request metrics, so its set of values is
//! fixed and small whatever paths clients send.

use http::Method;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Service {
    Auction,
    Bidding,
    Notification,
    Search,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RouteClass {
    // The gateway's own.
    Signup,
    Login,
    Logout,
    Me,
    OpenApi,
    // Bidding.
    Bids,
    BuyNow,
    BidStatus,
    MyBids,
    Analysis,
    // Notification.
    AuctionEvents,
    MyEvents,
    // Search.
    Search,
    // Auction.
    Auctions,
    Admin,
    Watchlist,
    /// An `/api/...` path nobody serves.
    UnknownApi,
    /// Anything outside `/api`: the front end.
    Web,
}

impl RouteClass {
    pub fn of(path: &str) -> RouteClass {
        let Some(rest) = path.strip_prefix("/api") else {
            return RouteClass::Web;
        };
        if !(rest.is_empty() || rest.starts_with('/')) {
            return RouteClass::Web;
        }
        let segments: Vec<&str> = rest.split('/').skip(1).collect();
        match segments.as_slice() {
            ["auth", "signup"] => RouteClass::Signup,
            ["auth", "login"] => RouteClass::Login,
            ["auth", "logout"] => RouteClass::Logout,
            ["me"] => RouteClass::Me,
            ["openapi.json"] => RouteClass::OpenApi,
            ["auctions", _, "bids"] => RouteClass::Bids,
            ["auctions", _, "buy-now"] => RouteClass::BuyNow,
            ["bids", _] => RouteClass::BidStatus,
            ["me", "bids"] => RouteClass::MyBids,
            ["auctions", _, "analysis"] => RouteClass::Analysis,
            ["auctions", _, "events"] => RouteClass::AuctionEvents,
            ["me", "events"] => RouteClass::MyEvents,
            ["search"] => RouteClass::Search,
            ["auctions", ..] => RouteClass::Auctions,
            ["admin", _, ..] => RouteClass::Admin,
            ["me", "watchlist", ..] => RouteClass::Watchlist,
            _ => RouteClass::UnknownApi,
        }
    }

    /// The service that answers this class, `None` for the gateway's own and unknown paths.
    pub fn service(self) -> Option<Service> {
        use RouteClass::*;
        match self {
            Bids | BuyNow | BidStatus | MyBids | Analysis => Some(Service::Bidding),
            AuctionEvents | MyEvents => Some(Service::Notification),
            Search => Some(Service::Search),
            Auctions | Admin | Watchlist => Some(Service::Auction),
            Signup | Login | Logout | Me | OpenApi | UnknownApi | Web => None,
        }
    }

    /// Signup, login and logout ignore whatever token the caller still carries: an
    /// expired cookie must not stand between a person and signing in again.
    pub fn is_credentials_endpoint(self) -> bool {
        matches!(
            self,
            RouteClass::Signup | RouteClass::Login | RouteClass::Logout
        )
    }

    /// Requests that spend a bid: limited per user.
    pub fn is_bid(self, method: &Method) -> bool {
        matches!(self, RouteClass::Bids | RouteClass::BuyNow) && method == Method::POST
    }

    /// Requests that guess or create credentials: limited per client address.
    pub fn is_sign_in(self) -> bool {
        matches!(self, RouteClass::Signup | RouteClass::Login)
    }

    pub fn as_str(self) -> &'static str {
        use RouteClass::*;
        match self {
            Signup => "signup",
            Login => "login",
            Logout => "logout",
            Me => "me",
            OpenApi => "openapi",
            Bids => "bids",
            BuyNow => "buy_now",
            BidStatus => "bid_status",
            MyBids => "my_bids",
            Analysis => "analysis",
            AuctionEvents => "auction_events",
            MyEvents => "my_events",
            Search => "search",
            Auctions => "auctions",
            Admin => "admin",
            Watchlist => "watchlist",
            UnknownApi => "unknown_api",
            Web => "web",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_go_to_the_service_the_contract_names() {
        let cases = [
            ("/api/auctions/7/bids", Some(Service::Bidding)),
            ("/api/auctions/7/buy-now", Some(Service::Bidding)),
            ("/api/bids/9", Some(Service::Bidding)),
            ("/api/auctions/7/events", Some(Service::Notification)),
            ("/api/me/events", Some(Service::Notification)),
            ("/api/search", Some(Service::Search)),
            ("/api/auctions", Some(Service::Auction)),
            ("/api/auctions/7", Some(Service::Auction)),
            ("/api/auctions/7/analysis", Some(Service::Bidding)),
            ("/api/me/bids", Some(Service::Bidding)),
            ("/api/admin/auctions/7/schedule", Some(Service::Auction)),
            ("/api/me/watchlist", Some(Service::Auction)),
            ("/api/me/watchlist/7", Some(Service::Auction)),
            ("/api/me", None),
            ("/api/auth/login", None),
            ("/api/openapi.json", None),
            ("/api/nothing", None),
            ("/api", None),
            ("/api/admin", None),
            ("/apiary", None),
            ("/", None),
        ];
        for (path, service) in cases {
            assert_eq!(RouteClass::of(path).service(), service, "{path}");
        }
    }

    #[test]
    fn unknown_and_web_paths_are_told_apart() {
        assert_eq!(RouteClass::of("/api/nothing/here"), RouteClass::UnknownApi);
        assert_eq!(RouteClass::of("/api"), RouteClass::UnknownApi);
        assert_eq!(RouteClass::of("/apiary"), RouteClass::Web);
        assert_eq!(RouteClass::of("/auctions/7"), RouteClass::Web);
    }

    #[test]
    fn only_posted_bids_are_bids() {
        assert!(RouteClass::Bids.is_bid(&Method::POST));
        assert!(!RouteClass::Bids.is_bid(&Method::GET));
        assert!(RouteClass::BuyNow.is_bid(&Method::POST));
        assert!(!RouteClass::BidStatus.is_bid(&Method::POST));
    }
}
