//! One HTTP request to the login callback (callback.rs answers it): read within one deadline
//! for the whole request and a size limit, with whether the peer's socket is this user's.

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// What one request asked for, read within a deadline and a size limit.
pub struct Request {
    pub method: String,
    pub path: String,
    pub origin: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    /// The peer's socket belongs to this user (always true where that cannot be told).
    pub ours: bool,
}

/// How long one connection may take to send its request, in all: a client that trickles a
/// byte at a time is cut off then, and holds only its own thread meanwhile.
const REQUEST_TIME: Duration = Duration::from_secs(5);

/// Reads from the socket until one deadline for the whole request.
struct Deadline<'a> {
    s: &'a TcpStream,
    until: Instant,
}

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::ErrorKind::TimedOut.into());
        }
        self.s.set_read_timeout(Some(left))?;
        (&mut &*self.s).read(buf)
    }
}

pub fn read_request(s: &TcpStream) -> Option<Request> {
    let until = Instant::now() + REQUEST_TIME;
    let mut r = BufReader::new(Deadline { s, until }.take(64 * 1024));
    let mut line = String::new();
    r.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let path = target.split(['?', '#']).next().unwrap_or("").to_string();
    let (mut len, mut origin, mut content_type) = (0usize, None, None);
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).ok()? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            let v = v.trim().to_string();
            if k.eq_ignore_ascii_case("content-length") {
                len = v.parse().ok()?;
            } else if k.eq_ignore_ascii_case("origin") {
                origin = Some(v);
            } else if k.eq_ignore_ascii_case("content-type") {
                content_type = Some(v);
            }
        }
    }
    let mut body = vec![0; len.min(16 * 1024)];
    r.read_exact(&mut body).ok()?;
    let ours = match (s.local_addr(), s.peer_addr()) {
        (Ok(local), Ok(peer)) => peer_is_ours(local, peer),
        _ => false,
    };
    Some(Request {
        method,
        path,
        origin,
        content_type,
        body,
        ours,
    })
}

/// True when the socket at `peer` (connected to our `local`) belongs to this user: its owner
/// is in /proc/net/tcp (`sl local rem st queues tr retrnsmt uid ...`, addresses as the kernel's
/// hex of the raw IPv4 word and the port). A socket not found there is not trusted.
#[cfg(target_os = "linux")]
fn peer_is_ours(local: SocketAddr, peer: SocketAddr) -> bool {
    let hex = |a: SocketAddr| match a {
        SocketAddr::V4(v4) => Some(format!(
            "{:08X}:{:04X}",
            u32::from_ne_bytes(v4.ip().octets()),
            v4.port()
        )),
        SocketAddr::V6(_) => None,
    };
    let (Some(l), Some(p)) = (hex(local), hex(peer)) else {
        return false;
    };
    let Ok(table) = std::fs::read_to_string("/proc/net/tcp") else {
        return false;
    };
    // SAFETY: geteuid cannot fail.
    let me = unsafe { libc::geteuid() }.to_string();
    table.lines().skip(1).any(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        f.len() > 7 && f[1] == p && f[2] == l && f[7] == me
    })
}

#[cfg(not(target_os = "linux"))]
fn peer_is_ours(_: SocketAddr, _: SocketAddr) -> bool {
    true
}
