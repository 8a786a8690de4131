//! The worked examples of AWS's "Inheritance examples" page (tag policies, root → OU1
//! → account), and the rules around them.

use super::*;
use serde_json::json;

fn doc(value: Value) -> Map<String, Value> {
    parse_management_policy(&value.to_string()).expect("valid management policy")
}

fn level(policies: &[(&str, Value)]) -> Vec<(String, Map<String, Value>)> {
    policies
        .iter()
        .map(|(id, v)| (id.to_string(), doc(v.clone())))
        .collect()
}

/// Policy A of the guide, attached to the root.
fn policy_a() -> Value {
    json!({"tags": {"costcenter": {
        "tag_key": {"@@assign": "CostCenter"},
        "tag_value": {"@@assign": ["Development", "Support"]}
    }}})
}

#[test]
fn example_1_child_assign_overrides_values() {
    let b = json!({"tags": {"costcenter": {
        "tag_key": {"@@assign": "CostCenter"},
        "tag_value": {"@@assign": ["Sandbox"]},
        "enforced_for": {"@@assign": ["redshift:*", "dynamodb:table"]}
    }}});
    let effective = merge(&[level(&[("p-a", policy_a())]), level(&[("p-b", b)]), vec![]]);
    assert_eq!(
        effective.document,
        json!({"tags": {"costcenter": {
            "tag_key": "CostCenter",
            "tag_value": ["Sandbox"],
            "enforced_for": ["redshift:*", "dynamodb:table"]
        }}})
    );
    assert!(effective.errors.is_empty());
}

#[test]
fn example_2_append_adds_to_inherited_values() {
    let c = json!({"tags": {"costcenter": {
        "tag_key": {"@@assign": "CostCenter"},
        "tag_value": {"@@append": ["Sandbox"]}
    }}});
    let effective = merge(&[level(&[("p-a", policy_a())]), level(&[("p-c", c)])]);
    assert_eq!(
        effective.document["tags"]["costcenter"]["tag_value"],
        json!(["Development", "Support", "Sandbox"])
    );
}

#[test]
fn example_3_remove_takes_inherited_values_out() {
    let d = json!({"tags": {"costcenter": {
        "tag_value": {"@@remove": ["Development"]},
        "enforced_for": {"@@assign": ["redshift:*", "dynamodb:table"]}
    }}});
    let effective = merge(&[level(&[("p-a", policy_a())]), level(&[("p-d", d)])]);
    assert_eq!(
        effective.document,
        json!({"tags": {"costcenter": {
            "tag_key": "CostCenter",
            "tag_value": ["Support"],
            "enforced_for": ["redshift:*", "dynamodb:table"]
        }}})
    );
}

#[test]
fn example_4_child_control_operators_restrict_children() {
    let e = json!({"tags": {"costcenter": {
        "tag_key": {"@@operators_allowed_for_child_policies": ["@@none"], "@@assign": "CostCenter"},
        "tag_value": {"@@operators_allowed_for_child_policies": ["@@append"], "@@assign": ["Development", "Sandbox"]}
    }}});
    let f = json!({"tags": {"costcenter": {
        "tag_key": {"@@assign": "COSTCENTER"},
        "tag_value": {"@@append": ["Support"]}
    }}});
    let effective = merge(&[level(&[("p-e", e)]), vec![], level(&[("p-f", f)])]);
    assert_eq!(
        effective.document,
        json!({"tags": {"costcenter": {
            "tag_key": "CostCenter",
            "tag_value": ["Development", "Sandbox", "Support"]
        }}}),
        "the locked key keeps its case; the allowed append is applied"
    );
    assert_eq!(
        effective.errors,
        vec![MergeError {
            code: "OPERATOR_NOT_ALLOWED",
            message: effective.errors[0].message.clone(),
            path: "tags.costcenter.tag_key".into(),
            contributing_policies: vec!["p-e".into(), "p-f".into()],
        }]
    );
}

#[test]
fn example_5_same_level_child_controls_intersect() {
    let g = json!({"tags": {"costcenter": {
        "tag_value": {"@@operators_allowed_for_child_policies": ["@@append", "@@remove"], "@@assign": ["Development"]}
    }}});
    let h = json!({"tags": {"costcenter": {
        "tag_value": {"@@operators_allowed_for_child_policies": ["@@assign", "@@append"]}
    }}});
    let remove = json!({"tags": {"costcenter": {"tag_value": {"@@remove": ["Development"]}}}});
    let append = json!({"tags": {"costcenter": {"tag_value": {"@@append": ["Support"]}}}});
    let effective = merge(&[
        level(&[("p-g", g), ("p-h", h)]),
        level(&[("p-remove", remove), ("p-append", append)]),
    ]);
    assert_eq!(
        effective.document["tags"]["costcenter"]["tag_value"],
        json!(["Development", "Support"])
    );
    assert_eq!(effective.errors.len(), 1);
    assert_eq!(
        effective.errors[0].contributing_policies,
        vec!["p-g", "p-h", "p-remove"]
    );
}

#[test]
fn limits_bind_descendants_and_only_lower_levels() {
    // @@none on a container locks everything under it, from the next level on; a
    // policy on the same level may still change it.
    let lock = json!({"tags": {"@@operators_allowed_for_child_policies": ["@@none"],
        "project": {"tag_key": {"@@assign": "Project"}}}});
    let same_level = json!({"tags": {"project": {"tag_key": {"@@assign": "PROJECT"}}}});
    let below = json!({"tags": {"project": {"tag_key": "project"}, "owner": {"tag_key": "Owner"}}});
    let effective = merge(&[
        level(&[("p-1", lock), ("p-2", same_level)]),
        level(&[("p-3", below)]),
    ]);
    assert_eq!(
        effective.document,
        json!({"tags": {"project": {"tag_key": "PROJECT"}}})
    );
    assert_eq!(effective.errors.len(), 2);
}

#[test]
fn same_level_assigns_apply_in_id_order_and_appends_union() {
    let one = json!({"x": {"@@assign": "first"}, "list": {"@@append": ["a"]}});
    let two = json!({"x": {"@@assign": "second"}, "list": {"@@append": ["b", "a"]}});
    let effective = merge(&[level(&[("p-2", two), ("p-1", one)])]);
    assert_eq!(
        effective.document,
        json!({"x": "second", "list": ["a", "b"]})
    );
}

#[test]
fn append_to_a_single_value_is_reported() {
    let parent = json!({"opt_out_policy": {"@@assign": "optOut"}});
    let child = json!({"opt_out_policy": {"@@append": ["optIn"]}});
    let effective = merge(&[level(&[("p-p", parent)]), level(&[("p-c", child)])]);
    assert_eq!(effective.document, json!({"opt_out_policy": "optOut"}));
    assert_eq!(effective.errors[0].code, "OPERATOR_NOT_APPLICABLE");
}

#[test]
fn grammar() {
    for (text, expected) in [
        ("[]", "JSON object"),
        ("{", "not valid JSON"),
        (r#"{"a":{"@@bogus":1}}"#, "not an inheritance operator"),
        (r#"{"a":{"@@append":"x"}}"#, "multi-valued"),
        (r#"{"a":{"@@assign":{"b":1}}}"#, "not an object"),
        (
            r#"{"a":{"@@assign":"x","b":{}}}"#,
            "can't contain other elements",
        ),
        (
            r#"{"a":{"@@operators_allowed_for_child_policies":[]}}"#,
            "non-empty array",
        ),
        (
            r#"{"a":{"@@operators_allowed_for_child_policies":["@@x"]}}"#,
            "not an operator",
        ),
    ] {
        let e = parse_management_policy(text).expect_err(text);
        assert!(e.message.contains(expected), "{text}: {e}");
    }
    parse_management_policy(
        r#"{"a":{"@@operators_allowed_for_child_policies":["@@all"],"b":"c"}}"#,
    )
    .unwrap();
}
