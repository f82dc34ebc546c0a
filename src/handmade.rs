//! Values changed by hand in a hooked shell (issue 17): `export PREFECT_API_URL=...` lasted
//! until the next change of the profiles file, which reset it without a word. At every apply the
//! hook records, per name, a keyed digest of the value it set (`__PREFECTX_SUMS`, never the
//! value: a plain hash of an API key in the environment could be guessed offline, so the key is
//! a secret of the user's in a 0600 file); the next automatic re-apply compares and names what
//! the user changed, added or removed.

use std::fmt::Write as _;
use std::io::{Read, Write};

use sha2::{Digest, Sha256};

use crate::paths::{self, PrivateDir};
use crate::plan::Plan;

/// The user's digest key: 32 random bytes in `~/.cache/prefectx/hook-key`, made on first use.
fn key() -> Option<Vec<u8>> {
    use std::os::unix::fs::OpenOptionsExt;
    let cache = paths::cache_dir().ok()?;
    // Its parents are made only the first time (PrivateDir makes the folder itself).
    let dir = PrivateDir::open(&cache).or_else(|| {
        paths::create_private_dir(&cache).ok()?;
        PrivateDir::open(&cache)
    })?;
    let path = dir.path.join("hook-key");
    if let Ok(mut f) = std::fs::File::open(&path) {
        let mut k = Vec::new();
        f.read_to_end(&mut k).ok()?;
        return (k.len() == 32).then_some(k);
    }
    let mut k = vec![0u8; 32];
    // SAFETY: the buffer is 32 writable bytes.
    let n = unsafe { libc::getrandom(k.as_mut_ptr().cast(), k.len(), 0) };
    if n != 32 {
        return None;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&path)
        .ok()?;
    f.write_all(&k).ok()?;
    Some(k)
}

/// HMAC-SHA256 (RFC 2104) under one key, with the two key blocks hashed once: each digest
/// then costs one compression for the message and one for the outer hash, not four.
#[derive(Clone)]
struct Hmac {
    inner: Sha256,
    outer: Sha256,
}

impl Hmac {
    /// `key` at most 64 bytes, as ours is.
    fn new(key: &[u8]) -> Hmac {
        let mut block = [0u8; 64];
        let n = key.len().min(64);
        block[..n].copy_from_slice(&key[..n]);
        let pad = |b: u8| block.map(|k| k ^ b);
        Hmac {
            inner: Sha256::new().chain_update(pad(0x36)),
            outer: Sha256::new().chain_update(pad(0x5c)),
        }
    }

    fn mac(&self, msg: &[u8]) -> Vec<u8> {
        let inner = self.inner.clone().chain_update(msg).finalize();
        self.outer.clone().chain_update(inner).finalize().to_vec()
    }

    /// The digest of `name=value`: 16 hex digits of its HMAC.
    fn digest(&self, name: &str, value: &str) -> String {
        self.mac(format!("{name}={value}").as_bytes())[..8]
            .iter()
            .fold(String::new(), |mut s, b| {
                let _ = write!(s, "{b:02x}");
                s
            })
    }
}

/// The digests of one apply, under the user's key, read once.
pub struct Digests {
    hmac: Hmac,
}

impl Digests {
    /// None when the key cannot be read or made; the hook then keeps no digests.
    pub fn load() -> Option<Digests> {
        key().map(|key| Digests {
            hmac: Hmac::new(&key),
        })
    }

    /// `NAME:digest ...` for what `plan` sets, to export as __PREFECTX_SUMS.
    pub fn sums(&self, plan: &Plan) -> String {
        let parts: Vec<String> = plan
            .set
            .iter()
            .map(|(n, v)| format!("{n}:{}", self.hmac.digest(n, v)))
            .collect();
        parts.join(" ")
    }

    /// The names whose value in this environment is not what the last apply set (`recorded`,
    /// the inherited __PREFECTX_SUMS), plus those the plan would unset that the last apply did
    /// not leave: set, changed or removed by hand.
    pub fn changed_by_hand(&self, recorded: &str, plan: &Plan) -> Vec<String> {
        let mut names = Vec::new();
        let mut ours = Vec::new();
        for part in recorded.split_whitespace() {
            let Some((name, sum)) = part.split_once(':') else {
                continue;
            };
            ours.push(name);
            let now = std::env::var(name).ok();
            if now.is_none_or(|v| self.hmac.digest(name, &v) != sum) {
                names.push(name.to_string());
            }
        }
        for name in &plan.unset {
            if !ours.contains(&name.as_str()) {
                names.push(name.clone());
            }
        }
        names.retain(|n| n != "PREFECT_PROFILE");
        names.sort();
        names.dedup();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let h = Hmac::new(b"Jefe").mac(b"what do ya want for nothing?");
        assert_eq!(h[..8], [0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e]);
        assert_eq!(Hmac::new(b"k").digest("A", "b").len(), 16);
        assert_ne!(
            Hmac::new(b"k").digest("A", "b"),
            Hmac::new(b"k2").digest("A", "b")
        );
    }
}
