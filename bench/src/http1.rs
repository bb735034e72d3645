//! Bare HTTP/1.1 for the load generators: [`Connection`] sends one request at a time on
//! one kept-alive TCP connection, each written in one call, the answer read by its
//! `Content-Length` (or chunks); [`pipeline`] opens one whose requests go out back to back
//! without waiting for answers (HTTP/1.1 pipelining: the server answers them in order);
//! [`open_stream`] sends a GET and hands its body over as it arrives (an event stream).
//!
//! The generators share the machine with the platform they measure, so every cycle they
//! spend is one the platform does not get. A general client (connection pool, header
//! maps, per-request timers, a task per connection that passes the body to the reader)
//! costs several times more per request and per chunk than this; the benchmarks need none
//! of that.

use memchr::memmem;
use std::io;
use std::net::{IpAddr, SocketAddr};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpSocket, TcpStream};

/// The socket address of `http://ip:port` (the platform under test listens on an IP
/// address), and its `Host` header value.
pub fn gateway_address(url: &str) -> anyhow::Result<(SocketAddr, String)> {
    use anyhow::Context as _;
    let url = reqwest::Url::parse(url).context("the gateway's URL")?;
    let host = url.host_str().context("the gateway's URL has no host")?;
    let port = url.port_or_known_default().unwrap_or(80);
    let ip: IpAddr = host
        .parse()
        .context("the gateway's URL must name an IP address")?;
    Ok((SocketAddr::new(ip, port), format!("{host}:{port}")))
}

/// Largest response head or body read; anything bigger is an error here.
const MAX_RESPONSE: usize = 1 << 20;

#[derive(Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

pub struct Connection {
    addr: SocketAddr,
    host: String,
    stream: Option<TcpStream>,
    /// What was read and not yet consumed.
    buf: Vec<u8>,
    request: Vec<u8>,
    /// Set while a request is under way: a request abandoned half way (its future dropped,
    /// on a timeout) leaves the connection in an unknown state, so the next one starts over.
    busy: bool,
}

impl Connection {
    /// A connection to `addr`, opened on first use; `host` is sent as the `Host` header.
    pub fn new(addr: SocketAddr, host: impl Into<String>) -> Self {
        Self {
            addr,
            host: host.into(),
            stream: None,
            buf: Vec::with_capacity(1024),
            request: Vec::with_capacity(1024),
            busy: false,
        }
    }

    /// Sends `POST path` with `headers` and a JSON `body`, and reads the answer. On an
    /// error the connection is closed; the next request opens a new one.
    pub async fn post_json(
        &mut self,
        path: &str,
        headers: &[(&str, &[u8])],
        body: &[u8],
    ) -> io::Result<Response> {
        if std::mem::replace(&mut self.busy, true) {
            self.stream = None;
        }
        let answer = self.exchange(path, headers, body).await;
        match &answer {
            Ok((_, keep_alive)) if *keep_alive => {}
            _ => self.stream = None,
        }
        self.busy = false;
        answer.map(|(response, _)| response)
    }

    async fn exchange(
        &mut self,
        path: &str,
        headers: &[(&str, &[u8])],
        body: &[u8],
    ) -> io::Result<(Response, bool)> {
        self.request.clear();
        write_post(&mut self.request, path, &self.host, headers, body);
        if self.stream.is_none() {
            let stream = TcpStream::connect(self.addr).await?;
            stream.set_nodelay(true)?;
            self.stream = Some(stream);
            self.buf.clear();
        }
        let stream = self.stream.as_mut().expect("connected above");
        stream.write_all(&self.request).await?;
        read_response(stream, &mut self.buf).await
    }
}

/// Opens a connection to `addr` for pipelined requests: the [`Requests`] half writes them,
/// the [`Answers`] half reads their answers, in the same order.
pub async fn pipeline(
    addr: SocketAddr,
    host: impl Into<String>,
) -> io::Result<(Requests, Answers)> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (read, write) = stream.into_split();
    Ok((
        Requests {
            write,
            host: host.into(),
            request: Vec::with_capacity(1024),
        },
        Answers {
            read,
            buf: Vec::with_capacity(16 * 1024),
            ended: false,
        },
    ))
}

/// The sending half of a [`pipeline`].
pub struct Requests {
    write: OwnedWriteHalf,
    host: String,
    request: Vec<u8>,
}

impl Requests {
    /// Writes `POST path` with `headers` and a JSON `body`, in one call, without waiting
    /// for the answer to this or any earlier request.
    pub async fn post_json(
        &mut self,
        path: &str,
        headers: &[(&str, &[u8])],
        body: &[u8],
    ) -> io::Result<()> {
        self.request.clear();
        write_post(&mut self.request, path, &self.host, headers, body);
        self.write.write_all(&self.request).await
    }
}

/// The receiving half of a [`pipeline`].
pub struct Answers {
    read: OwnedReadHalf,
    buf: Vec<u8>,
    /// The server said it closes the connection after its last answer.
    ended: bool,
}

impl Answers {
    /// The answer to the oldest request not yet answered. An answer that closes the
    /// connection ends the pipeline: what follows it is an error.
    pub async fn next(&mut self) -> io::Result<Response> {
        if self.ended {
            return Err(invalid("the server closed the connection"));
        }
        let (response, keep_alive) = read_response(&mut self.read, &mut self.buf).await?;
        self.ended = !keep_alive;
        Ok(response)
    }
}

/// Appends a `POST` of a JSON `body` with `headers`.
fn write_post(out: &mut Vec<u8>, path: &str, host: &str, headers: &[(&str, &[u8])], body: &[u8]) {
    let length = body.len().to_string();
    let fixed: [(&str, &[u8]); 2] = [
        ("Content-Type", b"application/json"),
        ("Content-Length", length.as_bytes()),
    ];
    write_head(out, "POST", path, host, headers.iter().chain(&fixed));
    out.extend_from_slice(body);
}

/// Appends a request's line, `Host` and `headers`, and the blank line that ends them.
fn write_head<'h>(
    out: &mut Vec<u8>,
    method: &str,
    path: &str,
    host: &str,
    headers: impl Iterator<Item = &'h (&'h str, &'h [u8])>,
) {
    out.extend_from_slice(method.as_bytes());
    out.push(b' ');
    out.extend_from_slice(path.as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\nHost: ");
    out.extend_from_slice(host.as_bytes());
    out.extend_from_slice(b"\r\n");
    for (name, value) in headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
}

/// A response body read as it arrives.
pub struct BodyStream {
    stream: TcpStream,
    /// Bytes read; those before `start` are decoded.
    buf: Vec<u8>,
    start: usize,
    state: Body,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Body {
    /// `Content-Length` bytes still to come.
    Fixed(usize),
    /// Before a chunk's size line.
    ChunkSize,
    /// Bytes of the current chunk still to come.
    ChunkData(usize),
    /// The CRLF after a chunk's data.
    ChunkEnd,
    Done,
}

/// Sends `GET path` to `addr` from `local` (any address when `None`) and reads the answer's
/// head. `Err` of the outer result is a failed connection or a malformed answer; `Ok(Err)`
/// an answer other than 200, with its status (its body is not read).
pub async fn open_stream(
    local: Option<IpAddr>,
    addr: SocketAddr,
    host: &str,
    path: &str,
    headers: &[(&str, &[u8])],
) -> io::Result<Result<BodyStream, u16>> {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    if let Some(ip) = local {
        socket.bind(SocketAddr::new(ip, 0))?;
    }
    let mut stream = socket.connect(addr).await?;
    stream.set_nodelay(true)?;
    let mut request = Vec::with_capacity(256);
    write_head(&mut request, "GET", path, host, headers.iter());
    stream.write_all(&request).await?;
    let mut buf = Vec::with_capacity(16 * 1024);
    let head = read_head(&mut stream, &mut buf).await?;
    if head.status != 200 {
        return Ok(Err(head.status));
    }
    Ok(Ok(BodyStream {
        stream,
        buf,
        start: 0,
        state: head.length,
    }))
}

impl BodyStream {
    /// The next bytes of the body where they lie in the read buffer, without copying them:
    /// the data of one chunk, or as much of it as has arrived; `Ok(None)` at the body's end.
    /// A chunked stream written a piece per chunk is thus read a piece at a time. The
    /// connection closing before the end is an error.
    pub async fn next_piece(&mut self) -> io::Result<Option<&[u8]>> {
        loop {
            let (framing, data) = next_data(&mut self.state, &self.buf[self.start..])?;
            self.start += framing;
            if data > 0 {
                let at = self.start;
                self.start += data;
                return Ok(Some(&self.buf[at..at + data]));
            }
            if self.state == Body::Done {
                return Ok(None);
            }
            // Only an unfinished size line or chunk end is left: keep it, read more.
            self.buf.drain(..self.start);
            self.start = 0;
            fill(&mut self.stream, &mut self.buf).await?;
        }
    }
}

/// Moves the body bytes that `bytes` completes into `out`, advancing `state`; returns how
/// many of `bytes` it used (what follows the body is left alone).
fn decode(state: &mut Body, bytes: &[u8], out: &mut Vec<u8>) -> io::Result<usize> {
    let mut at = 0;
    loop {
        let (framing, data) = next_data(state, &bytes[at..])?;
        at += framing;
        if data == 0 {
            return Ok(at);
        }
        out.extend_from_slice(&bytes[at..at + data]);
        at += data;
    }
}

/// Reads the framing at the start of `bytes` up to the next body bytes and takes as many of
/// those as lie in one chunk, advancing `state`. Returns (framing bytes, body bytes) in that
/// order; no body bytes means more must be read first, or (`Body::Done`) the body is over.
fn next_data(state: &mut Body, bytes: &[u8]) -> io::Result<(usize, usize)> {
    let mut at = 0;
    loop {
        let rest = &bytes[at..];
        match *state {
            Body::Done => return Ok((at, 0)),
            Body::Fixed(0) => *state = Body::Done,
            Body::Fixed(n) | Body::ChunkData(n) => {
                let take = n.min(rest.len());
                if take > 0 {
                    *state = match *state {
                        Body::Fixed(_) => Body::Fixed(n - take),
                        _ if n == take => Body::ChunkEnd,
                        _ => Body::ChunkData(n - take),
                    };
                }
                return Ok((at, take));
            }
            Body::ChunkEnd => {
                if rest.len() < 2 {
                    return Ok((at, 0));
                }
                if &rest[..2] != b"\r\n" {
                    return Err(invalid("chunk not followed by CRLF"));
                }
                at += 2;
                *state = Body::ChunkSize;
            }
            Body::ChunkSize => {
                let Some(lf) = memchr::memchr(b'\n', rest) else {
                    if rest.len() > 1024 {
                        return Err(invalid("chunk size line too long"));
                    }
                    return Ok((at, 0));
                };
                let line = rest[..lf]
                    .strip_suffix(b"\r")
                    .ok_or_else(|| invalid("chunk size line not ended by CRLF"))?;
                let line = std::str::from_utf8(line).map_err(|_| invalid("chunk size"))?;
                let digits = line.split(';').next().unwrap_or_default().trim();
                let size = usize::from_str_radix(digits, 16).map_err(|_| invalid("chunk size"))?;
                at += lf + 1;
                // The last chunk; trailers, if any, are not read.
                *state = if size == 0 {
                    Body::Done
                } else {
                    Body::ChunkData(size)
                };
            }
        }
    }
}

/// Reads up to the blank line that ends a response's head, parses it and takes it out of
/// `buf` (which keeps what follows).
async fn read_head(stream: &mut (impl AsyncRead + Unpin), buf: &mut Vec<u8>) -> io::Result<Head> {
    let head_len = loop {
        if let Some(at) = memmem::find(buf, b"\r\n\r\n") {
            break at + 4;
        }
        fill(stream, buf).await?;
    };
    let head = parse_head(&buf[..head_len])?;
    buf.drain(..head_len);
    Ok(head)
}

/// Reads one response from `stream` (`buf` holds what was read before and keeps what
/// follows it). Returns it and whether the connection may be used again.
async fn read_response(
    stream: &mut (impl AsyncRead + Unpin),
    buf: &mut Vec<u8>,
) -> io::Result<(Response, bool)> {
    let head = read_head(stream, buf).await?;
    let mut state = head.length;
    let mut body = Vec::new();
    loop {
        let used = decode(&mut state, buf, &mut body)?;
        buf.drain(..used);
        if body.len() > MAX_RESPONSE || matches!(state, Body::Fixed(n) if n > MAX_RESPONSE) {
            return Err(invalid("response body too large"));
        }
        if state == Body::Done {
            break;
        }
        fill(stream, buf).await?;
    }
    Ok((
        Response {
            status: head.status,
            body,
        },
        head.keep_alive,
    ))
}

/// Reads more into `buf`; the peer closing the connection is an error here.
async fn fill(stream: &mut (impl AsyncRead + Unpin), buf: &mut Vec<u8>) -> io::Result<()> {
    if buf.len() > MAX_RESPONSE {
        return Err(invalid("response too large"));
    }
    buf.reserve(16 * 1024);
    if stream.read_buf(buf).await? == 0 {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
struct Head {
    status: u16,
    /// Where reading its body starts.
    length: Body,
    keep_alive: bool,
}

fn parse_head(head: &[u8]) -> io::Result<Head> {
    let text = std::str::from_utf8(head).map_err(|_| invalid("response head is not UTF-8"))?;
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/1.") {
        return Err(invalid("not an HTTP/1 response"));
    }
    let status = parts
        .next()
        .and_then(|s| s.parse::<u16>().ok())
        .filter(|s| (100..1000).contains(s))
        .ok_or_else(|| invalid("no status code"))?;
    let mut length = None;
    let mut keep_alive = version == "HTTP/1.1";
    for line in lines.filter(|l| !l.is_empty()) {
        let Some((name, value)) = line.split_once(':') else {
            return Err(invalid("malformed header line"));
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            let n = value.parse().map_err(|_| invalid("bad Content-Length"))?;
            length = Some(Body::Fixed(n));
        } else if name.eq_ignore_ascii_case("transfer-encoding")
            && value.to_ascii_lowercase().contains("chunked")
        {
            length = Some(Body::ChunkSize);
        } else if name.eq_ignore_ascii_case("connection") {
            keep_alive = !value.eq_ignore_ascii_case("close");
        }
    }
    // Answers without a body say so by their status.
    let length = match length {
        Some(l) => l,
        None if status == 204 || status == 304 || status < 200 => Body::Fixed(0),
        None => return Err(invalid("response without a length")),
    };
    Ok(Head {
        status,
        length,
        keep_alive,
    })
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    #[test]
    fn heads_are_read_for_status_length_and_keep_alive() {
        let head = parse_head(b"HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\nContent-Length: 42\r\n\r\n").unwrap();
        assert_eq!(
            head,
            Head {
                status: 202,
                length: Body::Fixed(42),
                keep_alive: true
            }
        );
        let head = parse_head(b"HTTP/1.1 429 Too Many Requests\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n").unwrap();
        assert_eq!((head.length, head.keep_alive), (Body::ChunkSize, false));
        assert_eq!(
            parse_head(b"HTTP/1.1 204 No Content\r\n\r\n")
                .unwrap()
                .length,
            Body::Fixed(0)
        );
        for bad in [
            &b"SMTP 250 ok\r\n\r\n"[..],
            b"HTTP/1.1 abc\r\n\r\n",
            b"HTTP/1.1 200 OK\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
        ] {
            assert!(parse_head(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    /// A server answering each request with the next of `answers`, in pieces.
    async fn server(
        answers: Vec<&'static [u8]>,
    ) -> (SocketAddr, tokio::task::JoinHandle<Vec<Vec<u8>>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let mut requests = Vec::new();
            let (mut socket, _) = listener.accept().await.unwrap();
            for answer in answers {
                let mut request = Vec::new();
                let mut chunk = [0u8; 1024];
                while !request.ends_with(b"{\"amount\":1}") {
                    let n = socket.read(&mut chunk).await.unwrap();
                    assert!(n > 0, "client closed early");
                    request.extend_from_slice(&chunk[..n]);
                }
                requests.push(request);
                for piece in answer.chunks(7) {
                    socket.write_all(piece).await.unwrap();
                    socket.flush().await.unwrap();
                    tokio::task::yield_now().await;
                }
            }
            requests
        });
        (addr, task)
    }

    #[tokio::test]
    async fn requests_share_one_connection_and_answers_arrive_in_pieces() {
        let (addr, server) = server(vec![
            b"HTTP/1.1 202 Accepted\r\nContent-Length: 16\r\n\r\n{\"bidId\":\"abc\"}\n",
            b"HTTP/1.1 409 Conflict\r\ntransfer-encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n",
        ])
        .await;
        let mut conn = Connection::new(addr, "127.0.0.1");
        let auth: &[u8] = b"Bearer t0k3n";
        let first = conn
            .post_json("/api/x", &[("Authorization", auth)], b"{\"amount\":1}")
            .await
            .unwrap();
        assert_eq!(first.status, 202);
        assert_eq!(first.body, b"{\"bidId\":\"abc\"}\n");
        let second = conn
            .post_json("/api/x", &[("Authorization", auth)], b"{\"amount\":1}")
            .await
            .unwrap();
        assert_eq!((second.status, &second.body[..]), (409, &b"{\"a\":1}"[..]));
        let requests = server.await.unwrap();
        let text = String::from_utf8(requests[0].clone()).unwrap();
        assert!(
            text.starts_with("POST /api/x HTTP/1.1\r\nHost: 127.0.0.1\r\n"),
            "{text}"
        );
        assert!(text.contains("\r\nAuthorization: Bearer t0k3n\r\n"));
        assert!(text.contains("\r\nContent-Length: 12\r\n\r\n{\"amount\":1}"));
    }

    #[tokio::test]
    async fn pipelined_requests_go_out_together_and_their_answers_come_back_in_order() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            // Both requests arrive before either is answered.
            let mut requests = Vec::new();
            let mut chunk = [0u8; 1024];
            while requests
                .windows(12)
                .filter(|w| w == b"{\"amount\":1}")
                .count()
                < 2
            {
                let n = socket.read(&mut chunk).await.unwrap();
                assert!(n > 0, "client closed early");
                requests.extend_from_slice(&chunk[..n]);
            }
            socket
                .write_all(
                    b"HTTP/1.1 202 Accepted\r\nContent-Length: 3\r\n\r\none\
                      HTTP/1.1 409 Conflict\r\nContent-Length: 3\r\nConnection: close\r\n\r\ntwo",
                )
                .await
                .unwrap();
            requests
        });
        let (mut requests, mut answers) = pipeline(addr, "127.0.0.1").await.unwrap();
        requests
            .post_json("/a", &[], b"{\"amount\":1}")
            .await
            .unwrap();
        requests
            .post_json("/b", &[], b"{\"amount\":1}")
            .await
            .unwrap();
        let first = answers.next().await.unwrap();
        assert_eq!((first.status, &first.body[..]), (202, &b"one"[..]));
        let second = answers.next().await.unwrap();
        assert_eq!((second.status, &second.body[..]), (409, &b"two"[..]));
        // The second answer closed the connection.
        assert!(answers.next().await.is_err());
        let sent = String::from_utf8(server.await.unwrap()).unwrap();
        let a = sent.find("POST /a HTTP/1.1\r\n").unwrap();
        let b = sent.find("POST /b HTTP/1.1\r\n").unwrap();
        assert!(a < b, "{sent}");
    }

    /// A server that answers one GET with `head` and then `pieces`, one write each.
    async fn stream_server(
        head: &'static [u8],
        pieces: Vec<&'static [u8]>,
    ) -> (SocketAddr, tokio::task::JoinHandle<Vec<u8>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut chunk = [0u8; 1024];
            while !request.ends_with(b"\r\n\r\n") {
                let n = socket.read(&mut chunk).await.unwrap();
                assert!(n > 0, "client closed early");
                request.extend_from_slice(&chunk[..n]);
            }
            socket.write_all(head).await.unwrap();
            for piece in pieces {
                socket.write_all(piece).await.unwrap();
                socket.flush().await.unwrap();
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
            request
        });
        (addr, task)
    }

    async fn whole_body(body: &mut BodyStream) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(piece) = body.next_piece().await? {
            out.extend_from_slice(piece);
        }
        Ok(out)
    }

    #[tokio::test]
    async fn a_chunked_stream_arrives_whole_however_it_is_cut() {
        let (addr, server) = stream_server(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n",
            vec![
                b"5\r\nhel",
                b"lo\r",
                b"\n",
                b"7;x=1\r\n, world\r\n1",
                b"0\r\n0123456789abcdef\r\n0\r\n\r\n",
            ],
        )
        .await;
        let id: &[u8] = b"41";
        let mut body = open_stream(None, addr, "127.0.0.1", "/s", &[("Last-Event-ID", id)])
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            whole_body(&mut body).await.unwrap(),
            b"hello, world0123456789abcdef"
        );
        let request = String::from_utf8(server.await.unwrap()).unwrap();
        assert!(
            request.starts_with("GET /s HTTP/1.1\r\nHost: 127.0.0.1\r\n"),
            "{request}"
        );
        assert!(request.contains("\r\nLast-Event-ID: 41\r\n"));
    }

    #[tokio::test]
    async fn a_chunked_stream_is_read_a_chunk_at_a_time_where_it_lies() {
        let (addr, _server) = stream_server(
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n",
            vec![
                b"5\r\nhello\r\n7\r\n, world\r\na\r\n01234",
                b"56789\r\n0\r\n\r\n",
            ],
        )
        .await;
        let mut body = open_stream(None, addr, "h", "/", &[])
            .await
            .unwrap()
            .unwrap();
        let mut pieces = Vec::new();
        while let Some(piece) = body.next_piece().await.unwrap() {
            pieces.push(String::from_utf8(piece.to_vec()).unwrap());
        }
        // A chunk cut by the network comes in the parts that arrived.
        assert_eq!(pieces, ["hello", ", world", "01234", "56789"]);
    }

    #[tokio::test]
    async fn a_stream_cut_short_is_an_error_and_other_statuses_are_told() {
        let (addr, _server) = stream_server(
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n",
            vec![b"a\r\nonly"],
        )
        .await;
        let mut body = open_stream(None, addr, "h", "/", &[])
            .await
            .unwrap()
            .unwrap();
        let mut out = Vec::new();
        let result = loop {
            match body.next_piece().await {
                Ok(Some(piece)) => out.extend_from_slice(piece),
                other => break other.map(|_| ()),
            }
        };
        assert!(result.is_err());
        assert_eq!(out, b"only");

        let (addr, _server) = stream_server(
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
            vec![],
        )
        .await;
        assert!(matches!(
            open_stream(None, addr, "h", "/", &[]).await.unwrap(),
            Err(404)
        ));

        let (addr, _server) = stream_server(
            b"HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\n",
            vec![b"abc"],
        )
        .await;
        let mut body = open_stream(None, addr, "h", "/", &[])
            .await
            .unwrap()
            .unwrap();
        assert_eq!(whole_body(&mut body).await.unwrap(), b"abc");
    }

    #[tokio::test]
    async fn a_closed_connection_is_an_error_and_the_next_request_reconnects() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            // The first connection closes without an answer; the second answers.
            let (first, _) = listener.accept().await.unwrap();
            drop(first);
            let (mut second, _) = listener.accept().await.unwrap();
            let mut chunk = [0u8; 1024];
            let _ = second.read(&mut chunk).await.unwrap();
            second
                .write_all(b"HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}")
                .await
                .unwrap();
        });
        let mut conn = Connection::new(addr, "127.0.0.1");
        assert!(conn.post_json("/", &[], b"{}").await.is_err());
        let answer = conn.post_json("/", &[], b"{}").await.unwrap();
        assert_eq!((answer.status, &answer.body[..]), (202, &b"{}"[..]));
        server.await.unwrap();
    }
}
