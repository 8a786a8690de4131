//! The event history: every call orgsim serves — denied ones too — recorded by the
//! server once the answer is known ([`record`]), as CloudTrail records management
//! events. Records are stored compactly (numbers and indexes into interned tables:
//! identities, user agents, addresses, regions, error codes; the request parameters
//! and write responses as compact JSON text) and rendered as AWS's JSON record only
//! when they are read ([`render`]): by `LookupEvents`, a Lake query or a delivery.
//!
//! Retention is bounded: 90 days of world time (AWS's event history) and at most
//! [`MAX_EVENTS`] records, the oldest going first. Unlike AWS, which takes minutes,
//! an event is visible as soon as its call has been answered.

use imbl::{OrdMap, Vector};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::api::{ApiError, ServiceId};
use crate::auth::{Caller, Principal};
use crate::world::World;

/// How long events are kept (AWS's event history keeps 90 days).
pub const RETENTION_MS: i64 = 90 * 24 * 3600 * 1000;
/// The most events kept; older ones go first (orgsim's bound on memory).
pub const MAX_EVENTS: usize = 200_000;
/// Request parameters above this size are recorded as null (AWS omits them past 100 KB).
pub const MAX_PARAMETERS_BYTES: usize = 100 * 1024;

/// What the server knows about a call once it has been answered.
pub struct Call<'a> {
    pub caller: &'a Caller,
    pub service: ServiceId,
    pub operation: &'a str,
    /// From [`request_parameters`], taken before the handler consumed the input.
    pub request_parameters: Option<Box<str>>,
    /// The output (`None`: a payload answer, recorded without response elements) or
    /// the error.
    pub outcome: Result<Option<&'a Value>, &'a ApiError>,
    pub request_id: &'a str,
    pub source_ip: &'a str,
    pub user_agent: &'a str,
}

/// One recorded call, compact. Strings that repeat live once in the log's tables; the
/// event id is drawn from the sequence number and time ([`event_id`]), not stored.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredEvent {
    pub time_ms: i64,
    pub request_id: u128,
    /// The recipient account, as a number (account ids are 12 digits).
    pub account: u64,
    /// Index into [`EventLog::identities`].
    pub identity: u32,
    /// Indexes into [`EventLog::strings`].
    pub region: u32,
    pub source_ip: u32,
    pub user_agent: u32,
    /// 0: no error; else 1 + index into [`EventLog::strings`].
    pub error_code: u32,
    /// Index into `ServiceId::ALL` and into that API's operation table.
    pub service: u8,
    pub operation: u16,
    /// The request parameters, response elements and error message, one after the
    /// other in one allocation (most events have one or two of them).
    #[serde(default)]
    texts: EventTexts,
}

/// Up to three texts in one allocation, and where the first two end. Recorded
/// parameters and response elements are never empty JSON when present, so an empty
/// range means absent; the error message is there when the event has an error code.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct EventTexts {
    joined: Option<Box<str>>,
    ends: [u32; 2],
}

impl EventTexts {
    fn new(parts: [Option<&str>; 3]) -> EventTexts {
        let mut joined = String::with_capacity(parts.iter().flatten().map(|p| p.len()).sum());
        let mut ends = [0; 2];
        for (i, part) in parts.iter().enumerate() {
            joined.push_str(part.unwrap_or_default());
            if i < 2 {
                ends[i] = joined.len() as u32;
            }
        }
        EventTexts {
            joined: (!joined.is_empty()).then(|| joined.into_boxed_str()),
            ends,
        }
    }

    fn range(&self, start: usize, end: Option<usize>) -> Option<&str> {
        let joined = self.joined.as_deref().unwrap_or_default();
        joined.get(start..end.unwrap_or(joined.len()))
    }

    fn heap_bytes(&self) -> usize {
        self.joined
            .as_ref()
            .map_or(0, |s| s.len().next_multiple_of(8))
    }
}

impl StoredEvent {
    /// The request parameters as recorded (compact JSON).
    pub fn request_parameters(&self) -> Option<&str> {
        let end = self.texts.ends[0] as usize;
        self.texts.range(0, Some(end)).filter(|s| !s.is_empty())
    }

    /// A write's response elements as recorded (compact JSON).
    pub fn response_elements(&self) -> Option<&str> {
        let [start, end] = self.texts.ends.map(|e| e as usize);
        self.texts.range(start, Some(end)).filter(|s| !s.is_empty())
    }

    pub fn error_message(&self) -> Option<&str> {
        let start = self.texts.ends[1] as usize;
        self.texts
            .range(start, None)
            .filter(|_| self.error_code > 0)
    }
}

/// The event id of the event numbered `seq`, recorded at `time_ms`: a version-4 UUID
/// drawn from both, so it is the same whenever the event is read, and recording
/// leaves the world's ID generator (everything else's IDs) as it would be without it.
pub fn event_id(seq: u64, time_ms: i64) -> u128 {
    let bits =
        ((mix(seq ^ 0x0c10_d7a1) as u128) << 64) | mix(seq.wrapping_add(time_ms as u64)) as u128;
    uuid::Builder::from_random_bytes(bits.to_be_bytes())
        .into_uuid()
        .as_u128()
}

/// A caller as the record's `userIdentity` shows it, interned by access key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// `Root`, `IAMUser`, `AssumedRole`, `FederatedUser`, `AWSService`.
    pub kind: String,
    pub principal_id: String,
    pub arn: String,
    pub account_id: String,
    pub access_key_id: String,
    /// `userName` (IAM users), or the session name (`LookupEvents`' `Username`).
    pub user_name: String,
    /// The role of an assumed-role session: (principal id, ARN, name).
    pub issuer: Option<(String, String, String)>,
    /// When orgsim first saw the session (its `creationDate`).
    pub first_seen_ms: i64,
    /// The service acting (`AWSService`) or a service-linked role's service.
    pub invoked_by: Option<String>,
}

/// The bounded history with its interned tables.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct EventLog {
    pub events: Vector<StoredEvent>,
    /// The sequence number of `events[0]`; numbers grow by one per event, forever.
    pub first_seq: u64,
    pub identities: Vector<Identity>,
    identity_index: OrdMap<String, u32>,
    pub strings: Vector<String>,
    string_index: OrdMap<String, u32>,
}

impl EventLog {
    /// The sequence number the next event gets.
    pub fn next_seq(&self) -> u64 {
        self.first_seq + self.events.len() as u64
    }

    /// The event with sequence number `seq`, if it is still kept.
    pub fn get(&self, seq: u64) -> Option<&StoredEvent> {
        let index = seq.checked_sub(self.first_seq)?;
        self.events.get(index as usize)
    }

    /// Events from `from` (inclusive) to `to` (exclusive), with their numbers.
    pub fn range(&self, from: u64, to: u64) -> impl Iterator<Item = (u64, &StoredEvent)> {
        let start = from.max(self.first_seq);
        let end = to.min(self.next_seq());
        (start..end).filter_map(move |seq| self.get(seq).map(|e| (seq, e)))
    }

    pub fn string(&self, index: u32) -> &str {
        self.strings
            .get(index as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    fn intern(&mut self, value: &str) -> u32 {
        if let Some(&index) = self.string_index.get(value) {
            return index;
        }
        let index = self.strings.len() as u32;
        self.strings.push_back(value.to_string());
        self.string_index.insert(value.to_string(), index);
        index
    }

    /// The interned identity of `caller`, if orgsim has seen its key before.
    fn known_identity(&self, caller: &Caller) -> Option<u32> {
        let index = *self.identity_index.get(identity_key(caller).as_ref())?;
        self.identities
            .get(index as usize)
            .filter(|i| i.account_id == caller.account_id)
            .map(|_| index)
    }

    fn add_identity(&mut self, caller: &Caller, identity: Identity) -> u32 {
        let index = self.identities.len() as u32;
        self.identities.push_back(identity);
        self.identity_index
            .insert(identity_key(caller).into_owned(), index);
        index
    }

    fn push(&mut self, event: StoredEvent) {
        while self.events.len() >= MAX_EVENTS
            || self
                .events
                .front()
                .is_some_and(|e| e.time_ms < event.time_ms - RETENTION_MS)
        {
            self.events.pop_front();
            self.first_seq += 1;
        }
        self.events.push_back(event);
    }

    /// Bytes a retained event takes on average: the record itself, its texts, and its
    /// share of the interned tables (`memory per retained event`, BENCHMARKS.md).
    pub fn bytes_per_event(&self) -> f64 {
        if self.events.is_empty() {
            return 0.0;
        }
        let events: usize = self
            .events
            .iter()
            .map(|e| std::mem::size_of::<StoredEvent>() + e.texts.heap_bytes())
            .sum();
        let tables: usize = self
            .strings
            .iter()
            .map(|s| 2 * (s.len() + 24) + 4)
            .sum::<usize>()
            + self
                .identities
                .iter()
                .map(|i| std::mem::size_of::<Identity>() + i.arn.len() * 3 + 80)
                .sum::<usize>();
        (events + tables) as f64 / self.events.len() as f64
    }
}

fn identity_key(caller: &Caller) -> std::borrow::Cow<'_, str> {
    if caller.access_key_id.is_empty() {
        std::borrow::Cow::Owned(format!("-{}", caller.account_id))
    } else {
        std::borrow::Cow::Borrowed(caller.access_key_id.as_str())
    }
}

/// `caller` as the record's `userIdentity` shows it.
fn identity_of(world: &World, caller: &Caller, now_ms: i64) -> Identity {
    let account = caller.account_id.clone();
    let base = |kind: &str, user_name: String| Identity {
        kind: kind.to_string(),
        principal_id: caller.user_id(),
        arn: caller.arn(),
        account_id: account.clone(),
        access_key_id: caller.access_key_id.clone(),
        user_name,
        issuer: None,
        first_seen_ms: now_ms,
        invoked_by: None,
    };
    match &caller.principal {
        Principal::Root => base("Root", "root".to_string()),
        Principal::User { user_name, .. } => base("IAMUser", user_name.clone()),
        Principal::FederatedUser { name } => base("FederatedUser", name.clone()),
        Principal::AssumedRole {
            role_name,
            role_id,
            session_name,
        } => {
            let role = world
                .iam
                .roles
                .get(&crate::services::iam::model::entity_key(
                    &account, role_name,
                ));
            let path = role.map_or("/", |r| &*r.path);
            let mut identity = base("AssumedRole", session_name.clone());
            identity.issuer = Some((
                role_id.clone(),
                format!("arn:aws:iam::{account}:role{path}{role_name}"),
                role_name.clone(),
            ));
            identity.invoked_by = role.and_then(|r| r.service_linked.clone().map(Into::into));
            identity
        }
    }
}

/// The request parameters to record: compact JSON of the decoded input, `None` for an
/// empty input (AWS records `null`) or one past [`MAX_PARAMETERS_BYTES`].
pub fn request_parameters(input: &Value) -> Option<Box<str>> {
    match input {
        Value::Null => None,
        Value::Object(map) if map.is_empty() => None,
        other => serde_json::to_string(other)
            .ok()
            .filter(|s| s.len() <= MAX_PARAMETERS_BYTES)
            .map(String::into_boxed_str),
    }
}

/// Whether an operation only reads (`readOnly`): AWS's read operations are named so.
pub fn is_read_only(operation: &str) -> bool {
    const READS: &[&str] = &[
        "Get", "List", "Describe", "Lookup", "Head", "Search", "BatchGet",
    ];
    READS.iter().any(|p| operation.starts_with(p))
}

/// S3's object-level operations: data events, not management events.
const S3_DATA_OPERATIONS: &[&str] = &[
    "AbortMultipartUpload",
    "CompleteMultipartUpload",
    "CopyObject",
    "CreateMultipartUpload",
    "DeleteObject",
    "DeleteObjectTagging",
    "DeleteObjects",
    "GetObject",
    "GetObjectAcl",
    "GetObjectAttributes",
    "GetObjectTagging",
    "HeadObject",
    "ListObjectVersions",
    "ListObjects",
    "ListObjectsV2",
    "ListParts",
    "PutObject",
    "PutObjectAcl",
    "PutObjectTagging",
    "UploadPart",
    "UploadPartCopy",
];

/// Whether a recorded call is a data event (S3 object-level operations).
pub fn is_data_event(service: ServiceId, operation: &str) -> bool {
    service == ServiceId::S3 && S3_DATA_OPERATIONS.contains(&operation)
}

/// The region a call's event is recorded in: global services record in us-east-1.
pub fn event_region(service: ServiceId, caller_region: &str) -> &str {
    if service.description().global {
        "us-east-1"
    } else {
        caller_region
    }
}

/// Records one answered call (the server's hook). Cheap: no JSON is built here
/// beyond the write's response text.
pub fn record(world: &mut World, call: &Call<'_>) {
    let Some(service_index) = ServiceId::ALL.iter().position(|s| *s == call.service) else {
        return;
    };
    let Ok(operation) = call.service.operations().binary_search(&call.operation) else {
        return;
    };
    let Ok(account) = call.caller.account_id.parse::<u64>() else {
        return;
    };
    let now = world.clock.now_ms();
    let request_id = uuid::Uuid::parse_str(call.request_id)
        .map(|u| u.as_u128())
        .unwrap_or(0);
    let (response_elements, error_code, error_message) = match call.outcome {
        Ok(Some(output)) if !is_read_only(call.operation) => (
            match output {
                Value::Object(map) if map.is_empty() => None,
                Value::Null => None,
                other => serde_json::to_string(other)
                    .ok()
                    .filter(|s| s.len() <= MAX_PARAMETERS_BYTES)
                    .map(String::into_boxed_str),
            },
            None,
            None,
        ),
        Ok(_) => (None, None, None),
        Err(error) => (
            None,
            Some(error.code.as_str()),
            Some(error.message.as_str()),
        ),
    };
    let region = event_region(call.service, &call.caller.region).to_string();
    let identity = match world.cloudtrail.log.known_identity(call.caller) {
        Some(index) => index,
        None => {
            let identity = identity_of(world, call.caller, now);
            world.cloudtrail.log.add_identity(call.caller, identity)
        }
    };
    let log = &mut world.cloudtrail.log;
    let event = StoredEvent {
        time_ms: now,
        request_id,
        account,
        identity,
        region: log.intern(&region),
        source_ip: log.intern(call.source_ip),
        user_agent: log.intern(call.user_agent),
        error_code: error_code.map_or(0, |c| log.intern(c) + 1),
        service: service_index as u8,
        operation: operation as u16,
        texts: EventTexts::new([
            call.request_parameters.as_deref(),
            response_elements.as_deref(),
            error_message,
        ]),
    };
    log.push(event);
}

/// SplitMix64's finalizer: well-spread bits from a counter.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stored event's facts, resolved against the log's tables.
pub struct EventView<'a> {
    pub seq: u64,
    pub event: &'a StoredEvent,
    pub log: &'a EventLog,
}

impl<'a> EventView<'a> {
    pub fn service(&self) -> ServiceId {
        ServiceId::ALL[self.event.service as usize]
    }

    pub fn event_name(&self) -> &'static str {
        self.service().operations()[self.event.operation as usize]
    }

    pub fn event_source(&self) -> String {
        format!("{}.amazonaws.com", self.service().signing_name())
    }

    pub fn account(&self) -> String {
        format!("{:012}", self.event.account)
    }

    pub fn region(&self) -> &'a str {
        self.log.string(self.event.region)
    }

    pub fn identity(&self) -> Option<&'a Identity> {
        self.log.identities.get(self.event.identity as usize)
    }

    pub fn error_code(&self) -> Option<&'a str> {
        (self.event.error_code > 0).then(|| self.log.string(self.event.error_code - 1))
    }

    pub fn read_only(&self) -> bool {
        is_read_only(self.event_name())
    }

    pub fn is_data(&self) -> bool {
        is_data_event(self.service(), self.event_name())
    }

    pub fn event_id(&self) -> String {
        uuid::Uuid::from_u128(event_id(self.seq, self.event.time_ms)).to_string()
    }

    /// The request parameters as AWS writes them: camelCase members, secrets hidden.
    pub fn request_parameters(&self) -> Value {
        let Some(text) = self.event.request_parameters() else {
            return Value::Null;
        };
        let value: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        let mut value = aws_case(value);
        if self.service() == ServiceId::S3 {
            if let Value::Object(map) = &mut value {
                if let Some(bucket) = map.remove("bucket") {
                    map.insert("bucketName".into(), bucket);
                }
            }
        }
        value
    }

    pub fn response_elements(&self) -> Value {
        match self.event.response_elements() {
            Some(text) => aws_case(serde_json::from_str(text).unwrap_or(Value::Null)),
            None => Value::Null,
        }
    }

    /// The resources the call named (`LookupEvents`' `Resources`), from its parameters.
    pub fn resources(&self) -> Vec<(String, String)> {
        let params = self.request_parameters();
        let Value::Object(map) = &params else {
            return Vec::new();
        };
        let service = self.service();
        let mut out = Vec::new();
        for (key, value) in map {
            let Some(name) = value.as_str() else { continue };
            let kind = match (service, key.as_str()) {
                (ServiceId::S3, "bucketName") => "AWS::S3::Bucket",
                (ServiceId::Iam, "userName") => "AWS::IAM::User",
                (ServiceId::Iam, "roleName") => "AWS::IAM::Role",
                (ServiceId::Iam, "groupName") => "AWS::IAM::Group",
                (ServiceId::Iam, "policyArn") => "AWS::IAM::Policy",
                (ServiceId::Sts, "roleArn") => "AWS::IAM::Role",
                (ServiceId::Organizations, "accountId") => "AWS::Organizations::Account",
                (ServiceId::Organizations, "policyId") => "AWS::Organizations::Policy",
                (ServiceId::Organizations, "targetId") => "AWS::Organizations::Target",
                (ServiceId::GuardDuty, "detectorId") => "AWS::GuardDuty::Detector",
                (ServiceId::CloudTrail, "name" | "trailName") => "AWS::CloudTrail::Trail",
                (ServiceId::CloudTrail, "eventDataStore") => "AWS::CloudTrail::EventDataStore",
                (ServiceId::CloudTrail, "channel") => "AWS::CloudTrail::Channel",
                (ServiceId::Config, "configRuleName") => "AWS::Config::ConfigRule",
                _ => continue,
            };
            out.push((kind.to_string(), name.to_string()));
        }
        out
    }

    /// The record as CloudTrail writes it (`CloudTrailEvent`, log files, Lake).
    pub fn render(&self) -> Value {
        let mut record = Map::new();
        record.insert("eventVersion".into(), json!("1.11"));
        record.insert("userIdentity".into(), self.user_identity());
        record.insert("eventTime".into(), json!(event_time(self.event.time_ms)));
        record.insert("eventSource".into(), json!(self.event_source()));
        record.insert("eventName".into(), json!(self.event_name()));
        record.insert("awsRegion".into(), json!(self.region()));
        record.insert(
            "sourceIPAddress".into(),
            json!(self.log.string(self.event.source_ip)),
        );
        record.insert(
            "userAgent".into(),
            json!(self.log.string(self.event.user_agent)),
        );
        if let Some(code) = self.error_code() {
            record.insert("errorCode".into(), json!(code));
            record.insert(
                "errorMessage".into(),
                json!(self.event.error_message().unwrap_or("")),
            );
        }
        record.insert("requestParameters".into(), self.request_parameters());
        record.insert("responseElements".into(), self.response_elements());
        record.insert(
            "requestID".into(),
            json!(uuid::Uuid::from_u128(self.event.request_id).to_string()),
        );
        record.insert("eventID".into(), json!(self.event_id()));
        record.insert("readOnly".into(), json!(self.read_only()));
        if self.is_data() {
            record.insert("resources".into(), self.data_resources());
        }
        record.insert("eventType".into(), json!("AwsApiCall"));
        record.insert("managementEvent".into(), json!(!self.is_data()));
        record.insert("recipientAccountId".into(), json!(self.account()));
        record.insert(
            "eventCategory".into(),
            json!(if self.is_data() { "Data" } else { "Management" }),
        );
        Value::Object(record)
    }

    fn data_resources(&self) -> Value {
        let params = self.request_parameters();
        let bucket = params["bucketName"].as_str().unwrap_or_default();
        let account = self.account();
        let mut resources = Vec::new();
        if let Some(key) = params["key"].as_str() {
            resources.push(
                json!({"type": "AWS::S3::Object", "ARN": format!("arn:aws:s3:::{bucket}/{key}")}),
            );
        }
        resources.push(json!({"accountId": account, "type": "AWS::S3::Bucket", "ARN": format!("arn:aws:s3:::{bucket}")}));
        Value::Array(resources)
    }

    fn user_identity(&self) -> Value {
        let Some(identity) = self.identity() else {
            return Value::Null;
        };
        if identity.kind == "AWSService" {
            return json!({"type": "AWSService", "invokedBy": identity.invoked_by});
        }
        let mut out = Map::new();
        out.insert("type".into(), json!(identity.kind));
        out.insert("principalId".into(), json!(identity.principal_id));
        out.insert("arn".into(), json!(identity.arn));
        out.insert("accountId".into(), json!(identity.account_id));
        if !identity.access_key_id.is_empty() {
            out.insert("accessKeyId".into(), json!(identity.access_key_id));
        }
        if identity.kind == "IAMUser" {
            out.insert("userName".into(), json!(identity.user_name));
        }
        if let Some((principal_id, arn, name)) = &identity.issuer {
            out.insert(
                "sessionContext".into(),
                json!({
                    "sessionIssuer": {
                        "type": "Role",
                        "principalId": principal_id,
                        "arn": arn,
                        "accountId": identity.account_id,
                        "userName": name,
                    },
                    "attributes": {
                        "creationDate": event_time(identity.first_seen_ms),
                        "mfaAuthenticated": "false",
                    }
                }),
            );
        }
        if let Some(service) = &identity.invoked_by {
            out.insert("invokedBy".into(), json!(service));
        }
        Value::Object(out)
    }

    /// `LookupEvents`' `Username`.
    pub fn username(&self) -> Option<&'a str> {
        self.identity().map(|i| i.user_name.as_str())
    }

    pub fn access_key_id(&self) -> Option<&'a str> {
        self.identity()
            .map(|i| i.access_key_id.as_str())
            .filter(|k| !k.is_empty())
    }
}

/// `eventTime`: ISO-8601 to the second, as CloudTrail writes it.
pub fn event_time(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    t.format(time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .unwrap_or_default()
}

/// Members secrets sit in: CloudTrail hides their values.
const HIDDEN_MEMBERS: &[&str] = &[
    "password",
    "newPassword",
    "oldPassword",
    "secretAccessKey",
    "privateKey",
    "sAMLAssertion",
    "webIdentityToken",
];

/// camelCase member names (CloudTrail's record style), secrets hidden.
fn aws_case(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let key = lower_first(&k);
                    let v = if HIDDEN_MEMBERS.contains(&key.as_str()) {
                        json!("HIDDEN_DUE_TO_SECURITY_REASONS")
                    } else {
                        aws_case(v)
                    };
                    (key, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(aws_case).collect()),
        other => other,
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_uppercase() => {
            let rest: String = chars.collect();
            // `SAMLAssertion` → `sAMLAssertion`; `DBName` → `dBName`: AWS lowers the
            // first letter only.
            format!("{}{rest}", c.to_ascii_lowercase())
        }
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod texts_tests {
    use super::*;

    fn event(parts: [Option<&str>; 3]) -> StoredEvent {
        StoredEvent {
            time_ms: 0,
            request_id: 0,
            account: 1,
            identity: 0,
            region: 0,
            source_ip: 0,
            user_agent: 0,
            error_code: u32::from(parts[2].is_some()),
            service: 0,
            operation: 0,
            texts: EventTexts::new(parts),
        }
    }

    #[test]
    fn an_event_gives_back_each_text_it_was_given() {
        let params = Some(r#"{"Email":"a@example.com"}"#);
        let response = Some(r#"{"CreateAccountStatus":{}}"#);
        for parts in [
            [None, None, None],
            [params, None, None],
            [None, response, None],
            [params, response, None],
            [params, None, Some("denied")],
            [None, None, Some("")],
        ] {
            let e = event(parts);
            assert_eq!(e.request_parameters(), parts[0], "{parts:?}");
            assert_eq!(e.response_elements(), parts[1], "{parts:?}");
            assert_eq!(e.error_message(), parts[2], "{parts:?}");
        }
        assert!(
            event([None, None, None]).texts.joined.is_none(),
            "no allocation"
        );
        assert!(std::mem::size_of::<StoredEvent>() <= 80);
    }

    #[test]
    fn an_event_id_is_the_same_whenever_it_is_read() {
        assert_eq!(event_id(7, 1_000), event_id(7, 1_000));
        assert_ne!(event_id(7, 1_000), event_id(8, 1_000));
        assert_eq!(
            uuid::Uuid::from_u128(event_id(7, 1_000)).get_version_num(),
            4
        );
    }
}
