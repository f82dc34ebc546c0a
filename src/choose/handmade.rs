//! Values set outside prefectx in a hooked shell: typed by hand (`export PREFECT_API_URL=...`),
//! or exported by direnv, mise or a sourced script. At every apply the hook records, per name,
//! a keyed digest of the value it set (`__PREFECTX_SUMS`, never the value: a plain hash of an
//! API key in the environment could be guessed offline, so the key is a secret of the user's in
//! a 0600 file). A value that differs at the next apply was set outside prefectx and wins while
//! it stands, as an environment variable wins over the profile for Prefect: the hook neither
//! overwrites nor unsets it (`__PREFECTX_OUTSIDE` keeps the digest of the value under it). Once it is unset, or put back to the value prefectx had set (direnv and mise
//! restore what they saw on entering a folder), the profile's value applies again
//! (docs/shells.md, "Values set outside prefectx").

use std::fmt::Write as _;
use std::io::{Read, Write};

use sha2::Sha256;

use crate::choose::plan::Plan;
use crate::sys::paths::{self, PrivateDir};

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
    crate::sys::random::fill(&mut k).ok()?;
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

/// HMAC-SHA256 (RFC 2104, the `hmac` crate) under one key, its key blocks hashed once and
/// cloned for each digest.
#[derive(Clone)]
struct Hmac(hmac::Hmac<Sha256>);

impl Hmac {
    /// HMAC takes a key of any length: None is not expected.
    fn new(key: &[u8]) -> Option<Hmac> {
        use hmac::KeyInit;
        <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key)
            .ok()
            .map(Hmac)
    }

    fn mac(&self, msg: &[u8]) -> Vec<u8> {
        use hmac::Mac;
        let mut m = self.0.clone();
        m.update(msg);
        m.finalize().into_bytes().to_vec()
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
        let hmac = Hmac::new(&key()?)?;
        Some(Digests { hmac })
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
}

/// A value set outside prefectx: its name and the digest of the value under it (what prefectx
/// had set there; `-` for none).
#[derive(Debug, Clone, PartialEq)]
pub struct Outside {
    pub name: String,
    under: String,
}

impl Digests {
    /// The names whose value was set outside prefectx and still stands. `sums` and `recorded`
    /// are the inherited __PREFECTX_SUMS and __PREFECTX_OUTSIDE; `ours` tells a name the hook
    /// manages. Without `sums` (a shell the hook has not applied in yet) nothing is outside:
    /// the first apply makes the environment the profile's.
    pub fn outside(
        &self,
        sums: Option<&str>,
        recorded: Option<&str>,
        ours: impl Fn(&str) -> bool,
    ) -> Vec<Outside> {
        let Some(sums) = sums else {
            return Vec::new();
        };
        let now = |name: &str| std::env::var(name).ok().map(|v| self.hmac.digest(name, &v));
        let (standing, applied) = (pairs(recorded.unwrap_or_default()), pairs(sums));
        let mut found: Vec<Outside> = Vec::new();
        // Outside values that still stand (unset, or put back to what was under them: taken
        // back), then values changed since the last apply, each with the digest under it.
        let candidates = standing.iter().map(|p| (p, true));
        for (&(name, under), was_outside) in candidates.chain(applied.iter().map(|p| (p, false))) {
            let skip = name == "PREFECT_PROFILE"
                || found.iter().any(|o| o.name == name)
                || (was_outside && !ours(name));
            if !skip && now(name).is_some_and(|d| d != under) {
                found.push(Outside {
                    name: name.to_string(),
                    under: under.to_string(),
                });
            }
        }
        // Names the last apply left unset (it unsets every name it manages and did not set).
        let recorded_names: Vec<&str> = standing.iter().chain(&applied).map(|(n, _)| *n).collect();
        for (name, _) in std::env::vars_os() {
            let Ok(name) = name.into_string() else {
                continue;
            };
            if name != "PREFECT_PROFILE" && ours(&name) && !recorded_names.contains(&name.as_str())
            {
                found.push(Outside {
                    name,
                    under: "-".to_string(),
                });
            }
        }
        found.sort_by(|a, b| a.name.cmp(&b.name));
        found
    }
}

/// What one apply does about values set outside prefectx.
pub struct Settled {
    /// The names left as they are: the plan neither sets nor unsets them.
    pub outside: Vec<Outside>,
    /// __PREFECTX_SUMS and __PREFECTX_OUTSIDE after this apply; None without a digest key.
    pub sums: Option<String>,
    pub state: Option<String>,
    /// The names the prompt check watches (`__prefectx_watch`): a secret one, as `?NAME`, for
    /// being set at all, since its value must not be kept in a shell variable.
    pub watch: String,
}

impl Settled {
    /// `settings` with the values set outside prefectx in place of the profile's.
    pub fn in_effect(&self, settings: &mut Vec<(String, String)>) {
        settings.retain(|(k, _)| !self.outside.iter().any(|o| &o.name == k));
        for o in &self.outside {
            if let Ok(v) = std::env::var(&o.name) {
                settings.push((o.name.clone(), v));
            }
        }
    }
}

/// Takes the values set outside prefectx out of `plan` (they stand) and says what to record.
pub fn settle(plan: &mut Plan) -> Settled {
    let keep = crate::choose::plan::kept();
    let digests = Digests::load();
    let outside = digests.as_ref().map_or_else(Vec::new, |d| {
        d.outside(
            crate::choose::effective::var(crate::choose::effective::SUMS).as_deref(),
            crate::choose::effective::var(crate::choose::effective::OUTSIDE).as_deref(),
            |n| crate::choose::plan::ours(n, &keep),
        )
    });
    plan.set
        .retain(|(k, _)| !outside.iter().any(|o| &o.name == k));
    plan.unset.retain(|k| !outside.iter().any(|o| &o.name == k));
    let watch: Vec<String> = plan
        .set
        .iter()
        .map(|(k, _)| k.as_str())
        .chain(outside.iter().map(|o| o.name.as_str()))
        .filter(|k| *k != "PREFECT_PROFILE")
        .map(|k| match crate::prefect::settings::is_secret(k) {
            true => format!("?{k}"),
            false => k.to_string(),
        })
        .collect();
    Settled {
        sums: digests.as_ref().map(|d| d.sums(plan)),
        state: digests.map(|_| outside_state(&outside)),
        outside,
        watch: watch.join(" "),
    }
}

/// The `NAME:digest` pairs of a recorded list.
fn pairs(text: &str) -> Vec<(&str, &str)> {
    text.split_whitespace()
        .filter_map(|p| p.split_once(':'))
        .collect()
}

/// `NAME:under ...`, to export as __PREFECTX_OUTSIDE.
pub fn outside_state(list: &[Outside]) -> String {
    let parts: Vec<String> = list
        .iter()
        .map(|o| format!("{}:{}", o.name, o.under))
        .collect();
    parts.join(" ")
}

/// The names in an inherited __PREFECTX_OUTSIDE (for `current` and `doctor`).
pub fn outside_names(recorded: &str) -> Vec<&str> {
    pairs(recorded).into_iter().map(|(n, _)| n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let h = Hmac::new(b"Jefe")
            .unwrap()
            .mac(b"what do ya want for nothing?");
        assert_eq!(h[..8], [0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e]);
        assert_eq!(Hmac::new(b"k").unwrap().digest("A", "b").len(), 16);
        assert_ne!(
            Hmac::new(b"k").unwrap().digest("A", "b"),
            Hmac::new(b"k2").unwrap().digest("A", "b")
        );
    }
}
