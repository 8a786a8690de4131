//! The `event-recording` workload (issue 14): what CloudTrail's event history costs each
//! call. It runs in-process, not over HTTP: the recording is one function the server
//! calls under the world lock once a call is answered, so its cost is measured directly,
//! as the CPU time of that function, instead of as the small difference of two noisy
//! HTTP runs. Then the memory each retained event takes, with the history full.

use serde_json::{json, Value};

use crate::api::{ApiError, ServiceId};
use crate::auth::{Caller, Principal};
use crate::services::cloudtrail::log::{self, Call};
use crate::world::{Settings, World};

/// The figures of one run.
#[derive(Debug)]
pub struct RecordingReport {
    pub calls: usize,
    /// CPU time of `request_parameters` + `record` per call, in ms.
    pub cpu_ms_per_call: f64,
    /// `EventLog::bytes_per_event` with the history holding `retained` events.
    pub bytes_per_event: f64,
    pub retained: usize,
}

/// This thread's CPU time in ns (`/proc/thread-self/schedstat`, first field).
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The calls a walkthrough makes, in the proportions a test suite makes them: reads
/// without parameters, reads with some, a write with its response, and a denial, from
/// a few hundred principals.
struct Sample {
    service: ServiceId,
    operation: &'static str,
    input: Value,
    outcome: Result<Value, ApiError>,
}

fn samples() -> Vec<Sample> {
    vec![
        Sample {
            service: ServiceId::Organizations,
            operation: "DescribeOrganization",
            input: json!({}),
            outcome: Ok(json!({"Organization": {"Id": "o-abcdefghij"}})),
        },
        Sample {
            service: ServiceId::GuardDuty,
            operation: "ListDetectors",
            input: json!({"maxResults": 50}),
            outcome: Ok(json!({"detectorIds": ["12abc34d567e8fa901bc2d34e56789f0"]})),
        },
        Sample {
            service: ServiceId::Organizations,
            operation: "CreateOrganizationalUnit",
            input: json!({"ParentId": "r-ab12", "Name": "Workloads"}),
            outcome: Ok(json!({"OrganizationalUnit": {
                "Id": "ou-ab12-cdef3456",
                "Arn": "arn:aws:organizations::111111111111:ou/o-abcdefghij/ou-ab12-cdef3456",
                "Name": "Workloads"
            }})),
        },
        Sample {
            service: ServiceId::Iam,
            operation: "CreateAccessKey",
            input: json!({"UserName": "ci"}),
            outcome: Err(ApiError::new(
                "AccessDenied",
                403,
                "User: arn:aws:iam::222222222222:user/ci is not authorized to perform: \
                 iam:CreateAccessKey with an explicit deny in a service control policy",
            )),
        },
    ]
}

/// Records `calls` calls into a fresh world's history and measures them.
pub fn run(calls: usize) -> RecordingReport {
    let mut world = World::new(Settings {
        seed: Some(1),
        ..Settings::default()
    });
    let samples = samples();
    let callers: Vec<Caller> = (0..300u64)
        .map(|i| Caller {
            account_id: format!("{:012}", 100_000_000_000 + i),
            principal: Principal::Root,
            access_key_id: format!("{:012}", 100_000_000_000 + i),
            temporary: false,
            region: "us-east-1".to_string(),
        })
        .collect();
    let request_ids: Vec<String> = (0..64)
        .map(|i| uuid::Uuid::from_u128(0x5eed_0000_0000_4000_8000_0000_0000_0000 + i).to_string())
        .collect();
    let start = thread_cpu_ns();
    let wall = std::time::Instant::now();
    for i in 0..calls {
        let sample = &samples[i % samples.len()];
        world.begin_request();
        let request_parameters = log::request_parameters(&sample.input);
        log::record(
            &mut world,
            &Call {
                caller: &callers[i % callers.len()],
                service: sample.service,
                operation: sample.operation,
                request_parameters,
                outcome: sample.outcome.as_ref().map(Some),
                request_id: &request_ids[i % request_ids.len()],
                source_ip: "127.0.0.1",
                user_agent: "aws-sdk-rust/1.3.9 os/linux lang/rust/1.91.0",
            },
        );
    }
    let cpu_ns = match (start, thread_cpu_ns()) {
        (Some(a), Some(b)) => (b - a) as f64,
        _ => wall.elapsed().as_nanos() as f64,
    };
    RecordingReport {
        calls,
        cpu_ms_per_call: cpu_ns / 1e6 / calls.max(1) as f64,
        bytes_per_event: world.cloudtrail.log.bytes_per_event(),
        retained: world.cloudtrail.log.events.len(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_workload_records_every_call_it_makes() {
        let report = super::run(2_000);
        assert_eq!(report.retained, 2_000);
        assert!(report.bytes_per_event > 0.0);
        assert!(report.cpu_ms_per_call > 0.0);
    }
}
