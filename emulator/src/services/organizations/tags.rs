//! Tags on accounts, roots, OUs, policies and the resource policy: TagResource,
//! UntagResource, ListTagsForResource. Tags live in `Organization::tags` by resource id;
//! CreateAccount, CreateOrganizationalUnit, CreatePolicy, PutResourcePolicy and accepted
//! invitations write the tags given at creation there too.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::dto::Tag;
use super::errors::OrgError;
use super::model::{Organization, FULL_AWS_ACCESS};
use super::{after_bound, org_mut, policy_writer_org, readable_org, validate, Empty, Page};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::World;

/// Tags per resource (Organizations quotas: 50 for accounts, OUs, roots and policies).
pub const MAX_TAGS_PER_RESOURCE: usize = 50;

/// AWS-managed policies exist in every organization but belong to AWS.
const AWS_MANAGED_POLICIES: &[&str] = &[FULL_AWS_ACCESS, "p-RCPFullAWSAccess"];

/// Checks that `resource_id` names a taggable resource of this organization.
fn check_taggable(org: &Organization, resource_id: &str) -> Result<(), OrgError> {
    let exists = if resource_id.starts_with("r-") {
        resource_id == org.root.id
    } else if resource_id.starts_with("ou-") {
        org.ous.contains_key(resource_id)
    } else if resource_id.starts_with("rp-") {
        org.resource_policy
            .as_ref()
            .is_some_and(|p| p.id == resource_id)
    } else if resource_id.starts_with("rt-") {
        // orgsim's organizations take part in no responsibility transfer (unsupported.rs).
        false
    } else if resource_id.starts_with("p-") {
        if AWS_MANAGED_POLICIES.contains(&resource_id) {
            // AWS does not document this case; orgsim refuses to tag AWS's own policies.
            return Err(OrgError::invalid(
                "TARGET_NOT_SUPPORTED",
                "You can't tag a policy that is managed by AWS.",
            ));
        }
        org.policies.contains_key(resource_id)
    } else {
        org.members.contains_key(resource_id)
    };
    if exists {
        Ok(())
    } else {
        Err(OrgError::TargetNotFound)
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourceInput {
    pub resource_id: String,
    pub tags: Vec<Tag>,
}

/// Adds or overwrites tags; the 50-tag quota counts the tags after the merge.
pub fn tag_resource(
    world: &mut World,
    caller: &Caller,
    input: TagResourceInput,
) -> Result<Empty, OrgError> {
    validate::taggable_resource_id(&input.resource_id)?;
    let tags: Vec<(String, String)> = input.tags.into_iter().map(|t| (t.key, t.value)).collect();
    validate::tags(&tags)?;
    let org = policy_writer_org(world, caller, "organizations:TagResource")?;
    check_taggable(org, &input.resource_id)?;
    let mut merged = org
        .tags
        .get(&input.resource_id)
        .cloned()
        .unwrap_or_default();
    merged.extend(tags);
    if merged.len() > MAX_TAGS_PER_RESOURCE {
        return Err(OrgError::constraint(
            "MAX_TAG_LIMIT_EXCEEDED",
            "You have exceeded the number of tags allowed on this resource.",
        ));
    }
    let org_id = org.id.clone();
    org_mut(world, &org_id)
        .tags
        .insert(input.resource_id, merged);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagResourceInput {
    pub resource_id: String,
    pub tag_keys: Vec<String>,
}

/// Removes the given keys; keys the resource does not have are ignored.
pub fn untag_resource(
    world: &mut World,
    caller: &Caller,
    input: UntagResourceInput,
) -> Result<Empty, OrgError> {
    validate::taggable_resource_id(&input.resource_id)?;
    validate::tag_keys(&input.tag_keys)?;
    let org = policy_writer_org(world, caller, "organizations:UntagResource")?;
    check_taggable(org, &input.resource_id)?;
    let org_id = org.id.clone();
    let org = org_mut(world, &org_id);
    let emptied = match org.tags.get_mut(&input.resource_id) {
        Some(tags) => {
            for key in &input.tag_keys {
                tags.remove(key);
            }
            tags.is_empty()
        }
        None => false,
    };
    if emptied {
        org.tags.remove(&input.resource_id);
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForResourceInput {
    pub resource_id: String,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForResourceOutput {
    pub tags: Vec<Tag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// Tags by key, 20 a page (the API takes no `MaxResults`; orgsim uses the size of
/// the other listings).
pub fn list_tags_for_resource(
    world: &mut World,
    caller: &Caller,
    input: ListTagsForResourceInput,
) -> Result<ListTagsForResourceOutput, OrgError> {
    validate::taggable_resource_id(&input.resource_id)?;
    let org = readable_org(world, caller)?;
    check_taggable(org, &input.resource_id)?;
    let listing = format!("ListTagsForResource {} {}", org.id, input.resource_id);
    let page = Page {
        next_token: input.next_token,
        max_results: None,
    };
    let (max, after) = page.resolve(&listing)?;
    let empty = BTreeMap::new();
    let tags = org.tags.get(&input.resource_id).unwrap_or(&empty);
    let (page, next) = take_page(tags.range(after_bound(&after)), max, |(key, _)| {
        (*key).clone()
    });
    Ok(ListTagsForResourceOutput {
        tags: page
            .into_iter()
            .map(|(key, value)| Tag {
                key: key.clone(),
                value: value.clone(),
            })
            .collect(),
        next_token: next.map(|key| encode_token(&listing, &key)),
    })
}

#[cfg(test)]
mod tests {
    use super::super::delegation::tests::org_with_members;
    use super::super::model::Policy;
    use super::super::test_support::*;
    use serde_json::{json, Value};

    fn pair(code: &str, reason: &str) -> (String, Option<String>) {
        (code.to_string(), Some(reason.to_string()))
    }

    fn tags(n: usize, prefix: &str) -> Value {
        (0..n)
            .map(|i| json!({"Key": format!("{prefix}{i:02}"), "Value": format!("v{i}")}))
            .collect()
    }

    fn list_all(w: &mut crate::world::World, caller: &crate::auth::Caller, id: &str) -> Vec<Value> {
        let mut all = vec![];
        let mut token = Value::Null;
        loop {
            let mut input = json!({ "ResourceId": id });
            if !token.is_null() {
                input["NextToken"] = token;
            }
            let out = run(w, caller, "ListTagsForResource", input).unwrap();
            all.extend(out["Tags"].as_array().unwrap().iter().cloned());
            token = out.get("NextToken").cloned().unwrap_or(Value::Null);
            if token.is_null() {
                return all;
            }
        }
    }

    #[test]
    fn tag_every_kind_of_resource() {
        let (mut w, mgmt, m) = org_with_members(1);
        let org = w.organizations.organization_of_mut("111111111111").unwrap();
        let root = org.root.id.clone();
        org.policies.insert(
            "p-examplepolicy".into(),
            Policy::new(
                "p-examplepolicy".into(),
                "p".into(),
                String::new(),
                "SERVICE_CONTROL_POLICY".into(),
                "{}".into(),
                0,
            ),
        );
        let ou = run(
            &mut w,
            &mgmt,
            "CreateOrganizationalUnit",
            json!({"ParentId": root, "Name": "Sec", "Tags": [{"Key": "given", "Value": "at-creation"}]}),
        )
        .unwrap()["OrganizationalUnit"]["Id"]
            .as_str()
            .unwrap()
            .to_string();
        for id in [
            root.as_str(),
            ou.as_str(),
            m[0].as_str(),
            "111111111111",
            "p-examplepolicy",
        ] {
            run(
                &mut w,
                &mgmt,
                "TagResource",
                json!({"ResourceId": id, "Tags": [{"Key": "env", "Value": "prod"}, {"Key": "empty", "Value": ""}]}),
            )
            .unwrap();
            let listed = list_all(&mut w, &mgmt, id);
            assert!(
                listed.contains(&json!({"Key": "env", "Value": "prod"})),
                "{id}"
            );
            assert!(
                listed.contains(&json!({"Key": "empty", "Value": ""})),
                "{id}"
            );
        }
        assert_eq!(
            list_all(&mut w, &mgmt, &ou),
            vec![
                json!({"Key": "empty", "Value": ""}),
                json!({"Key": "env", "Value": "prod"}),
                json!({"Key": "given", "Value": "at-creation"}),
            ]
        );
        // Overwrite one value, remove two keys (one absent).
        run(
            &mut w,
            &mgmt,
            "TagResource",
            json!({"ResourceId": m[0], "Tags": [{"Key": "env", "Value": "dev"}]}),
        )
        .unwrap();
        run(
            &mut w,
            &mgmt,
            "UntagResource",
            json!({"ResourceId": m[0], "TagKeys": ["empty", "absent"]}),
        )
        .unwrap();
        assert_eq!(
            list_all(&mut w, &mgmt, &m[0]),
            vec![json!({"Key": "env", "Value": "dev"})]
        );
    }

    #[test]
    fn tag_errors_and_quota() {
        let (mut w, mgmt, m) = org_with_members(1);
        let tag = |w: &mut crate::world::World, id: &str, tags: Value| {
            run(
                w,
                &mgmt,
                "TagResource",
                json!({"ResourceId": id, "Tags": tags}),
            )
        };
        for id in [
            "999999999999",
            "r-zzzz",
            "ou-zzzz-zzzzzzzz",
            "p-zzzzzzzzzz",
            "rp-zzzzzzzz",
            "rt-zzzzzzzz",
        ] {
            assert_eq!(
                error_code(tag(&mut w, id, tags(1, "k"))).0,
                "TargetNotFoundException",
                "{id}"
            );
        }
        assert_eq!(
            error_code(tag(&mut w, "p-FullAWSAccess", tags(1, "k"))),
            pair("InvalidInputException", "TARGET_NOT_SUPPORTED")
        );
        assert_eq!(
            error_code(tag(&mut w, "not-an-id", tags(1, "k"))),
            pair("InvalidInputException", "INVALID_PATTERN")
        );
        assert_eq!(
            error_code(tag(&mut w, &m[0], json!([{"Key": "aws:x", "Value": "1"}]))),
            pair("InvalidInputException", "INVALID_SYSTEM_TAGS_PARAMETER")
        );
        assert_eq!(
            error_code(tag(&mut w, &m[0], json!([{"Key": "", "Value": "1"}]))),
            pair("InvalidInputException", "MIN_LENGTH_EXCEEDED")
        );
        assert_eq!(
            error_code(tag(&mut w, &m[0], json!([{"Key": "a<b", "Value": "1"}]))),
            pair("InvalidInputException", "INVALID_PATTERN")
        );
        assert_eq!(
            error_code(tag(&mut w, &m[0], json!([{"Key": "k"}]))),
            pair("InvalidInputException", "INPUT_REQUIRED")
        );
        assert_eq!(
            error_code(run(
                &mut w,
                &mgmt,
                "UntagResource",
                json!({"ResourceId": m[0], "TagKeys": ["aws:cloudformation"]})
            )),
            pair("InvalidInputException", "INVALID_SYSTEM_TAGS_PARAMETER")
        );
        // 50 tags fit; the 51st, counted after the merge, does not; overwriting does.
        tag(&mut w, &m[0], tags(30, "a")).unwrap();
        tag(&mut w, &m[0], tags(20, "b")).unwrap();
        assert_eq!(
            error_code(tag(&mut w, &m[0], tags(1, "c"))),
            pair("ConstraintViolationException", "MAX_TAG_LIMIT_EXCEEDED")
        );
        tag(&mut w, &m[0], tags(10, "a")).unwrap();
        assert_eq!(
            error_code(tag(&mut w, "111111111111", tags(51, "x"))),
            pair("ConstraintViolationException", "MAX_TAG_LIMIT_EXCEEDED")
        );
        // Listing pages 20 at a time, with tokens tied to the resource.
        let first = run(
            &mut w,
            &mgmt,
            "ListTagsForResource",
            json!({"ResourceId": m[0]}),
        )
        .unwrap();
        assert_eq!(first["Tags"].as_array().unwrap().len(), 20);
        assert_eq!(list_all(&mut w, &mgmt, &m[0]).len(), 50);
        assert_eq!(
            error_code(run(
                &mut w,
                &mgmt,
                "ListTagsForResource",
                json!({"ResourceId": "111111111111", "NextToken": first["NextToken"]})
            )),
            pair("InvalidInputException", "INVALID_NEXT_TOKEN")
        );
        // A member that is not a delegated administrator may neither tag nor read.
        let member = root_caller(&m[0]);
        assert_eq!(
            error_code(run(
                &mut w,
                &member,
                "ListTagsForResource",
                json!({"ResourceId": m[0]})
            ))
            .0,
            "AccessDeniedException"
        );
        assert_eq!(
            error_code(run(
                &mut w,
                &member,
                "TagResource",
                json!({"ResourceId": m[0], "Tags": tags(1, "z")})
            ))
            .0,
            "AccessDeniedException"
        );
        assert_eq!(
            error_code(run(
                &mut w,
                &member,
                "UntagResource",
                json!({"ResourceId": m[0], "TagKeys": ["a00"]})
            ))
            .0,
            "AccessDeniedException"
        );
    }

    #[test]
    fn tags_given_at_account_creation_are_kept() {
        let (mut w, mgmt, _) = org_with_members(0);
        let out = run(
            &mut w,
            &mgmt,
            "CreateAccount",
            json!({"Email": "t@example.org", "AccountName": "t", "Tags": [{"Key": "cost", "Value": "42"}]}),
        )
        .unwrap();
        let status = run(
            &mut w,
            &mgmt,
            "DescribeCreateAccountStatus",
            json!({"CreateAccountRequestId": out["CreateAccountStatus"]["Id"]}),
        )
        .unwrap();
        let account = status["CreateAccountStatus"]["AccountId"].as_str().unwrap();
        assert_eq!(
            list_all(&mut w, &mgmt, account),
            vec![json!({"Key": "cost", "Value": "42"})]
        );
    }
}
