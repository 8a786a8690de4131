//! Policy documents as IAM stores them: the text as written (returned URL-encoded, as
//! AWS does) and its parsed form, built once when written and again when a snapshot
//! loads, so that authorization never parses JSON.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use crate::policy::{self, Dialect, PolicyDocument};

macro_rules! document_type {
    ($name:ident, $dialect:expr, $doc:literal) => {
        #[doc = $doc]
        #[derive(Clone, Debug)]
        pub struct $name {
            /// Shared between the roles orgsim writes with the same text (every
            /// account's service-linked and access roles), so 100,000 accounts do not
            /// hold 100,000 copies.
            pub text: Arc<str>,
            /// `None` only for text that no longer parses (a hand-edited snapshot).
            pub parsed: Option<Arc<PolicyDocument>>,
        }

        impl $name {
            /// Parses `text`, or says why it is not a valid policy.
            pub fn parse(text: &str) -> Result<Self, policy::PolicyError> {
                let parsed = policy::parse(text, $dialect)?;
                Ok($name {
                    text: Arc::from(text),
                    parsed: Some(Arc::new(parsed)),
                })
            }

            /// A document orgsim writes itself and knows to be valid.
            pub fn trusted(text: &str) -> Self {
                let (text, parsed) = interned(text, $dialect);
                $name { text, parsed }
            }

            /// The text URL-encoded, as IAM's answers carry documents.
            pub fn encoded(&self) -> String {
                url_encode(&self.text)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.text)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                Ok($name::trusted(&text))
            }
        }
    };
}

document_type!(
    IdentityDocument,
    Dialect::Identity,
    "An identity policy (inline, managed version, boundary, session policy)."
);
document_type!(
    TrustDocument,
    Dialect::TrustPolicy,
    "A role's trust policy."
);

/// Documents orgsim writes (and loads from snapshots), shared by text. A pure cache
/// outside the world: the same text always gives the same document. Bounded, so
/// customer documents loaded from a large snapshot cannot grow it without end.
type Interned = (Arc<str>, Option<Arc<PolicyDocument>>);
static INTERNED: LazyLock<Mutex<HashMap<(String, u8), Interned>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));
const INTERNED_MAX: usize = 4096;

fn interned(text: &str, dialect: Dialect) -> Interned {
    let key = (text.to_string(), dialect as u8);
    let mut cache = INTERNED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(hit) = cache.get(&key) {
        return hit.clone();
    }
    let value = (
        Arc::<str>::from(text),
        policy::parse(text, dialect).ok().map(Arc::new),
    );
    if cache.len() < INTERNED_MAX {
        cache.insert(key, value.clone());
    }
    value
}

/// Percent-encodes everything but `A-Z a-z 0-9 - _ . ~`, as IAM encodes documents.
pub fn url_encode(text: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    const SET: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    utf8_percent_encode(text, SET).to_string()
}

/// The document's size as IAM counts it against quotas: characters without whitespace.
pub fn policy_size(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_round_trip_through_snapshots_parsed() {
        let doc = IdentityDocument::parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
        )
        .unwrap();
        let json = serde_json::to_string(&doc).unwrap();
        let back: IdentityDocument = serde_json::from_str(&json).unwrap();
        assert_eq!(back.text, doc.text);
        assert!(back.parsed.is_some());
        assert_eq!(
            url_encode(r#"{"a": 1}"#),
            "%7B%22a%22%3A%201%7D",
            "as IAM encodes"
        );
        assert!(TrustDocument::parse(
            r#"{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Principal":{"AWS":"1"}}}"#
        )
        .is_err());
    }
}
