//! A stack set, its instances and its operations.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StackSet {
    pub id: String,
    pub name: String,
    pub template_body: String,
}
