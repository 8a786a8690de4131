//! Opaque, tamper-evident pagination tokens (DESIGN §4).
//!
//! A token names the listing it belongs to and the last key returned; a page resumes
//! with a range query after that key, so a page costs O(page) whatever the size of
//! the collection. A token from another listing, or one that was edited, is refused.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// Mixed into every token's checksum so hand-made tokens do not validate.
const TOKEN_KEY: &[u8] = b"orgsim pagination v1";

/// Makes the token that resumes `listing` after `last_key`.
pub fn encode_token(listing: &str, last_key: &str) -> String {
    let payload = format!("{listing}\n{last_key}");
    let mut token = checksum(&payload).to_vec();
    token.extend_from_slice(payload.as_bytes());
    URL_SAFE_NO_PAD.encode(token)
}

/// The last key a token carries, if the token is intact and belongs to `listing`.
pub fn decode_token(listing: &str, token: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(token.trim()).ok()?;
    if bytes.len() < 8 {
        return None;
    }
    let (sum, payload) = bytes.split_at(8);
    let payload = std::str::from_utf8(payload).ok()?;
    if checksum(payload) != sum {
        return None;
    }
    let (token_listing, last_key) = payload.split_once('\n')?;
    (token_listing == listing).then(|| last_key.to_string())
}

fn checksum(payload: &str) -> [u8; 8] {
    let mut hasher = Sha256::new();
    hasher.update(TOKEN_KEY);
    hasher.update(payload.as_bytes());
    let digest = hasher.finalize();
    let mut out = [0u8; 8];
    out.copy_from_slice(&digest[..8]);
    out
}

/// Takes one page from `items`, which must already start after the resume key.
/// Returns the page and, if more remain, the key to resume after.
pub fn take_page<T, K: ToString>(
    mut items: impl Iterator<Item = T>,
    max: usize,
    key_of: impl Fn(&T) -> K,
) -> (Vec<T>, Option<String>) {
    let page: Vec<T> = items.by_ref().take(max).collect();
    let more = items.next().is_some();
    let next = if more {
        page.last().map(|last| key_of(last).to_string())
    } else {
        None
    };
    (page, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let t = encode_token("ListAccounts o-1", "111111111111");
        assert_eq!(
            decode_token("ListAccounts o-1", &t).as_deref(),
            Some("111111111111")
        );
        assert_eq!(decode_token("ListAccounts o-2", &t), None, "other listing");
        assert_eq!(decode_token("ListAccounts o-1", "garbage"), None);
        let mut forged = URL_SAFE_NO_PAD.decode(&t).unwrap();
        let last = forged.len() - 1;
        forged[last] ^= 1;
        assert_eq!(
            decode_token("ListAccounts o-1", &URL_SAFE_NO_PAD.encode(forged)),
            None
        );
    }

    #[test]
    fn pages() {
        let (page, next) = take_page(1..=5, 2, |n| *n);
        assert_eq!((page, next.as_deref()), (vec![1, 2], Some("2")));
        let (page, next) = take_page(1..=2, 2, |n| *n);
        assert_eq!((page, next), (vec![1, 2], None));
    }
}
