//! AWS Config (awsJson1.1). Routed and recognised on every operation; none built yet, so each
//! answers 501 `NotImplemented` naming the operation.

pub mod operations;
