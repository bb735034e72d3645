//! The front end: files of the built single-page app for every path outside `/api`, with
//! index.html for paths the app routes itself. Without a build, a short page says so.

use axum::body::Body;
use axum::extract::Request;
use axum::response::{Html, IntoResponse, Response};
use std::path::Path;
use tower::ServiceExt as _;
use tower_http::services::{ServeDir, ServeFile};

pub enum WebFiles {
    Built(ServeDir<ServeFile>),
    NotBuilt,
}

const NOT_BUILT: &str =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>Auctions</title></head>\
<body><h1>The front end is not built</h1><p>The API is up under <code>/api</code>; \
its description is at <a href=\"/api/openapi.json\">/api/openapi.json</a>.</p></body></html>";

impl WebFiles {
    pub fn new(dir: &Path) -> WebFiles {
        if dir.is_dir() {
            let index = ServeFile::new(dir.join("index.html"));
            WebFiles::Built(ServeDir::new(dir).fallback(index))
        } else {
            tracing::warn!(dir = %dir.display(), "front end directory not found, serving a placeholder");
            WebFiles::NotBuilt
        }
    }

    pub async fn serve(&self, req: Request) -> Response {
        match self {
            WebFiles::Built(files) => match files.clone().oneshot(req).await {
                Ok(res) => res.map(Body::new),
                Err(never) => match never {},
            },
            WebFiles::NotBuilt => Html(NOT_BUILT).into_response(),
        }
    }
}
