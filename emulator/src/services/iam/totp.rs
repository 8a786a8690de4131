//! Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP, HMAC-SHA1, 30-second
//! steps, six digits): what a virtual MFA app computes from the `Base32StringSeed`.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 Base32 without padding.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            out.push(ALPHABET[((buffer >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for c in text.trim_end_matches('=').bytes() {
        let v = ALPHABET.iter().position(|&a| a == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            out.push(((buffer >> (bits - 8)) & 0xFF) as u8);
            bits -= 8;
        }
    }
    Some(out)
}

/// HOTP value of `counter` for `key`, six digits.
pub fn hotp(key: &[u8], counter: u64) -> String {
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(key).expect("HMAC takes any key size");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[digest.len() - 1] & 0x0F) as usize;
    let code = (u32::from(digest[offset] & 0x7F) << 24)
        | (u32::from(digest[offset + 1]) << 16)
        | (u32::from(digest[offset + 2]) << 8)
        | u32::from(digest[offset + 3]);
    format!("{:06}", code % 1_000_000)
}

/// The 30-second step of an instant.
pub fn step(ms: i64) -> i64 {
    ms.div_euclid(30_000)
}

/// The TOTP code of `seed_base32` at time step `step`.
pub fn code_at(seed_base32: &str, step: i64) -> Option<String> {
    let key = base32_decode(seed_base32)?;
    Some(hotp(&key, step as u64))
}

/// The step within `window` steps of `now_step` whose code is `code`, if any.
pub fn matching_step(seed_base32: &str, code: &str, now_step: i64, window: i64) -> Option<i64> {
    (now_step - window..=now_step + window)
        .find(|s| code_at(seed_base32, *s).as_deref() == Some(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 key "12345678901234567890", truncated to six digits.
    #[test]
    fn rfc6238_vectors() {
        let key = b"12345678901234567890";
        for (time, expected) in [
            (59_i64, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(hotp(key, (time / 30) as u64), expected, "T={time}");
        }
        let seed = base32_encode(key);
        assert_eq!(seed, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(base32_decode(&seed).unwrap(), key);
        assert_eq!(code_at(&seed, 1).as_deref(), Some("287082"));
    }
}
