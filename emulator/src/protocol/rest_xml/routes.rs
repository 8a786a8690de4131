//! The rest-xml routing tables (generated per API from botocore) and how a request
//! finds its operation: method, path shape, then the query sub-resources and headers
//! an operation requires (`?policy`, `?uploads`, `uploadId`, `x-amz-copy-source`).

/// One operation's HTTP binding (generated from the API model).
#[derive(Debug)]
pub struct XmlRoute {
    pub operation: &'static str,
    pub method: &'static str,
    /// `/`, `/{Bucket}` or `/{Bucket}/{Key+}` (or a literal path).
    pub path: &'static str,
    /// Query keys the request must carry, with the value when the model fixes one
    /// (`list-type=2`): the request URI's sub-resources and required query members.
    pub query: &'static [(&'static str, Option<&'static str>)],
    /// Headers the request must carry (`x-amz-copy-source` tells CopyObject from PutObject).
    pub headers: &'static [&'static str],
    /// Success status.
    pub status: u16,
    /// Superseded operations (GetBucketLifecycle) lose ties to their successors.
    pub deprecated: bool,
    /// Input members bound to the URI, query string and headers.
    pub input: &'static [Binding],
    pub input_payload: Option<Payload>,
    /// Output members bound to headers.
    pub output: &'static [Binding],
    pub output_payload: Option<Payload>,
}

/// A member bound outside the XML body.
#[derive(Debug)]
pub struct Binding {
    /// The member's name in the model (the JSON key handlers see).
    pub member: &'static str,
    pub location: Location,
    /// The header, query key or label (a header prefix for [`Location::HeaderPrefix`]).
    pub wire: &'static str,
    pub kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Header,
    /// Every header that starts with the prefix (`x-amz-meta-`): a map.
    HeaderPrefix,
    Query,
    Uri,
    StatusCode,
}

/// How a bound value is written on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Boolean,
    /// Headers: RFC 7231 dates; query: ISO 8601.
    Timestamp,
    /// A comma-separated header list.
    StringList,
    Map,
}

/// The member that is the whole HTTP body.
#[derive(Debug)]
pub struct Payload {
    pub member: &'static str,
    pub kind: PayloadKind,
    /// The XML element of a structure payload.
    pub xml_name: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadKind {
    /// Raw bytes (object data).
    Blob,
    /// Text (a bucket policy's JSON).
    Text,
    /// One XML document.
    Structure,
}

/// Which of the path shapes a request has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathShape<'a> {
    /// `/`: ListBuckets.
    Service,
    Bucket,
    Object,
    /// A path that is no bucket (`/WriteGetObjectResponse`).
    Literal(&'a str),
}

impl XmlRoute {
    fn shape_matches(&self, shape: PathShape<'_>) -> bool {
        match shape {
            PathShape::Service => self.path == "/",
            PathShape::Bucket => self.path == "/{Bucket}",
            PathShape::Object => self.path == "/{Bucket}/{Key+}",
            PathShape::Literal(path) => self.path == path,
        }
    }
}

/// The most specific route for a request: every required query key and header present,
/// the most requirements met, a current operation over a deprecated one, and else the
/// first in the table (ListBuckets over ListDirectoryBuckets, which S3 serves on
/// directory-bucket endpoints only).
pub fn find_route<'r>(
    routes: &'r [XmlRoute],
    method: &str,
    shape: PathShape<'_>,
    query: &[(String, String)],
    has_header: impl Fn(&str) -> bool,
) -> Option<&'r XmlRoute> {
    let has_query = |key: &str, value: Option<&str>| {
        query
            .iter()
            .any(|(k, v)| k == key && value.is_none_or(|value| v == value))
    };
    routes
        .iter()
        .rev()
        .filter(|r| r.method.eq_ignore_ascii_case(method) && r.shape_matches(shape))
        .filter(|r| r.query.iter().all(|(k, v)| has_query(k, *v)))
        .filter(|r| r.headers.iter().all(|h| has_header(h)))
        .max_by_key(|r| (r.query.len() + r.headers.len(), !r.deprecated))
}
