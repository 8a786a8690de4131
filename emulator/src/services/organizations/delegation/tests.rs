//! Unit tests of trusted access and delegated administrators.

use super::super::test_support::*;
use crate::auth::Caller;
use crate::world::World;
use serde_json::{json, Value};

/// An organization of management account 111111111111 and `n` created members.
pub(crate) fn org_with_members(n: usize) -> (World, Caller, Vec<String>) {
    let mut w = world();
    let mgmt = root_caller("111111111111");
    run(&mut w, &mgmt, "CreateOrganization", json!({})).unwrap();
    let mut members = vec![];
    for i in 0..n {
        let out = run(
            &mut w,
            &mgmt,
            "CreateAccount",
            json!({"Email": format!("m{i}@example.org"), "AccountName": format!("m{i}")}),
        )
        .unwrap();
        let id = out["CreateAccountStatus"]["Id"].clone();
        let status = run(
            &mut w,
            &mgmt,
            "DescribeCreateAccountStatus",
            json!({"CreateAccountRequestId": id}),
        )
        .unwrap();
        members.push(
            status["CreateAccountStatus"]["AccountId"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    (w, mgmt, members)
}

fn code(result: Result<Value, crate::api::ApiError>) -> (String, Option<String>) {
    error_code(result)
}

fn pair(code: &str, reason: &str) -> (String, Option<String>) {
    (code.to_string(), Some(reason.to_string()))
}

#[test]
fn trusted_access_enable_list_disable() {
    let (mut w, mgmt, members) = org_with_members(1);
    w.clock.pinned_ms = Some(1_700_000_000_000);
    for principal in ["guardduty.amazonaws.com", "config.amazonaws.com"] {
        run(
            &mut w,
            &mgmt,
            "EnableAWSServiceAccess",
            json!({ "ServicePrincipal": principal }),
        )
        .unwrap();
    }
    // Enabling again keeps the first date.
    w.clock.advance(5_000);
    run(
        &mut w,
        &mgmt,
        "EnableAWSServiceAccess",
        json!({"ServicePrincipal": "config.amazonaws.com"}),
    )
    .unwrap();
    let listed = run(
        &mut w,
        &mgmt,
        "ListAWSServiceAccessForOrganization",
        json!({"MaxResults": 1}),
    )
    .unwrap();
    assert_eq!(
        listed["EnabledServicePrincipals"],
        json!([{"ServicePrincipal": "config.amazonaws.com", "DateEnabled": 1_700_000_000.0}])
    );
    let token = listed["NextToken"].clone();
    let rest = run(
        &mut w,
        &mgmt,
        "ListAWSServiceAccessForOrganization",
        json!({ "NextToken": token }),
    )
    .unwrap();
    assert_eq!(
        rest["EnabledServicePrincipals"][0]["ServicePrincipal"],
        "guardduty.amazonaws.com"
    );
    assert!(rest.get("NextToken").is_none());

    assert_eq!(
        code(run(
            &mut w,
            &mgmt,
            "EnableAWSServiceAccess",
            json!({"ServicePrincipal": "nothing.amazonaws.com"})
        )),
        pair("InvalidInputException", "UNRECOGNIZED_SERVICE_PRINCIPAL")
    );
    assert_eq!(
        code(run(
            &mut w,
            &mgmt,
            "EnableAWSServiceAccess",
            json!({"ServicePrincipal": "bad principal!"})
        )),
        pair("InvalidInputException", "INVALID_PATTERN")
    );
    let member = root_caller(&members[0]);
    assert_eq!(
        code(run(
            &mut w,
            &member,
            "EnableAWSServiceAccess",
            json!({"ServicePrincipal": "config.amazonaws.com"})
        ))
        .0,
        "AccessDeniedException"
    );
    assert_eq!(
        code(run(
            &mut w,
            &member,
            "ListAWSServiceAccessForOrganization",
            json!({})
        ))
        .0,
        "AccessDeniedException"
    );

    run(
        &mut w,
        &mgmt,
        "DisableAWSServiceAccess",
        json!({"ServicePrincipal": "config.amazonaws.com"}),
    )
    .unwrap();
    // Disabling what is already off succeeds.
    run(
        &mut w,
        &mgmt,
        "DisableAWSServiceAccess",
        json!({"ServicePrincipal": "config.amazonaws.com"}),
    )
    .unwrap();
    let listed = run(
        &mut w,
        &mgmt,
        "ListAWSServiceAccessForOrganization",
        json!({}),
    )
    .unwrap();
    assert_eq!(
        listed["EnabledServicePrincipals"].as_array().unwrap().len(),
        1
    );
}

#[test]
fn consolidated_billing_has_no_trusted_access() {
    let mut w = world();
    let mgmt = root_caller("111111111111");
    run(
        &mut w,
        &mgmt,
        "CreateOrganization",
        json!({"FeatureSet": "CONSOLIDATED_BILLING"}),
    )
    .unwrap();
    assert_eq!(
        code(run(
            &mut w,
            &mgmt,
            "EnableAWSServiceAccess",
            json!({"ServicePrincipal": "config.amazonaws.com"})
        )),
        pair(
            "ConstraintViolationException",
            "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE"
        )
    );
}

#[test]
fn disabling_is_refused_while_a_dependent_policy_type_is_enabled() {
    let (mut w, mgmt, _) = org_with_members(0);
    run(
        &mut w,
        &mgmt,
        "EnableAWSServiceAccess",
        json!({"ServicePrincipal": "securityhub.amazonaws.com"}),
    )
    .unwrap();
    let org = w.organizations.organization_of_mut("111111111111").unwrap();
    org.root.policy_types.push("SECURITYHUB_POLICY".into());
    assert_eq!(
        code(run(
            &mut w,
            &mgmt,
            "DisableAWSServiceAccess",
            json!({"ServicePrincipal": "securityhub.amazonaws.com"})
        )),
        pair(
            "ConstraintViolationException",
            "POLICY_TYPE_ENABLED_FOR_THIS_SERVICE"
        )
    );
}

fn register(
    w: &mut World,
    mgmt: &Caller,
    account: &str,
    principal: &str,
) -> Result<Value, crate::api::ApiError> {
    run(
        w,
        mgmt,
        "RegisterDelegatedAdministrator",
        json!({"AccountId": account, "ServicePrincipal": principal}),
    )
}

fn enable(w: &mut World, mgmt: &Caller, principal: &str) {
    run(
        w,
        mgmt,
        "EnableAWSServiceAccess",
        json!({ "ServicePrincipal": principal }),
    )
    .unwrap();
}

#[test]
fn register_rules() {
    let (mut w, mgmt, m) = org_with_members(5);
    let gd = "guardduty.amazonaws.com";
    assert_eq!(
        code(register(&mut w, &mgmt, &m[0], gd)),
        pair("ConstraintViolationException", "SERVICE_ACCESS_NOT_ENABLED")
    );
    enable(&mut w, &mgmt, gd);
    assert_eq!(
        code(register(&mut w, &mgmt, "111111111111", gd)),
        pair(
            "ConstraintViolationException",
            "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR"
        )
    );
    assert_eq!(
        code(register(&mut w, &mgmt, "999999999999", gd)).0,
        "AccountNotFoundException"
    );
    assert_eq!(
        code(register(&mut w, &mgmt, "12345", gd)),
        pair("InvalidInputException", "INVALID_PATTERN")
    );
    assert_eq!(
        code(register(&mut w, &mgmt, &m[0], "nothing.amazonaws.com")),
        pair("InvalidInputException", "UNRECOGNIZED_SERVICE_PRINCIPAL")
    );
    // Trusted access only: no delegated administrators.
    enable(&mut w, &mgmt, "ram.amazonaws.com");
    assert_eq!(
        code(register(&mut w, &mgmt, &m[0], "ram.amazonaws.com")),
        pair("InvalidInputException", "UNRECOGNIZED_SERVICE_PRINCIPAL")
    );
    register(&mut w, &mgmt, &m[0], gd).unwrap();
    assert_eq!(
        code(register(&mut w, &mgmt, &m[0], gd)).0,
        "AccountAlreadyRegisteredException"
    );
    assert_eq!(
        code(register(&mut w, &mgmt, &m[1], gd)),
        pair(
            "ConstraintViolationException",
            "DELEGATED_ADMINISTRATOR_EXISTS_FOR_THIS_SERVICE"
        )
    );
    // Config takes up to three.
    let config = "config.amazonaws.com";
    enable(&mut w, &mgmt, config);
    for account in &m[0..3] {
        register(&mut w, &mgmt, account, config).unwrap();
    }
    assert_eq!(
        code(register(&mut w, &mgmt, &m[3], config)),
        pair(
            "ConstraintViolationException",
            "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED"
        )
    );
    // A suspended account cannot be registered.
    let org = w.organizations.organization_of_mut("111111111111").unwrap();
    org.members.get_mut(m[4].as_str()).unwrap().state =
        super::super::model::AccountState::Suspended;
    enable(&mut w, &mgmt, "detective.amazonaws.com");
    assert_eq!(
        code(register(&mut w, &mgmt, &m[4], "detective.amazonaws.com")),
        pair(
            "ConstraintViolationException",
            "CANNOT_REGISTER_SUSPENDED_ACCOUNT_AS_DELEGATED_ADMINISTRATOR"
        )
    );
    // Only the management account registers.
    let admin = root_caller(&m[0]);
    assert_eq!(
        code(register(&mut w, &admin, &m[3], "detective.amazonaws.com")).0,
        "AccessDeniedException"
    );
}

#[test]
fn lists_deregister_and_disable_cascade() {
    let (mut w, mgmt, m) = org_with_members(2);
    w.clock.pinned_ms = Some(1_700_000_000_000);
    let (gd, config) = ("guardduty.amazonaws.com", "config.amazonaws.com");
    enable(&mut w, &mgmt, gd);
    enable(&mut w, &mgmt, config);
    register(&mut w, &mgmt, &m[0], gd).unwrap();
    w.clock.advance(1_000);
    register(&mut w, &mgmt, &m[0], config).unwrap();
    register(&mut w, &mgmt, &m[1], config).unwrap();

    let all = run(&mut w, &mgmt, "ListDelegatedAdministrators", json!({})).unwrap();
    let admins = all["DelegatedAdministrators"].as_array().unwrap();
    assert_eq!(admins.len(), 2);
    let first = admins.iter().find(|a| a["Id"] == m[0].as_str()).unwrap();
    assert_eq!(first["DelegationEnabledDate"], 1_700_000_000.0);
    assert_eq!(first["State"], "ACTIVE");
    assert_eq!(first["JoinedMethod"], "CREATED");
    assert!(first["Arn"].as_str().unwrap().ends_with(&m[0]));
    let gd_admins = run(
        &mut w,
        &mgmt,
        "ListDelegatedAdministrators",
        json!({ "ServicePrincipal": gd }),
    )
    .unwrap();
    assert_eq!(
        gd_admins["DelegatedAdministrators"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let paged = run(
        &mut w,
        &mgmt,
        "ListDelegatedAdministrators",
        json!({"ServicePrincipal": config, "MaxResults": 1}),
    )
    .unwrap();
    assert!(paged["NextToken"].is_string());
    // A token from one filter is refused by another.
    assert_eq!(
        code(run(
            &mut w,
            &mgmt,
            "ListDelegatedAdministrators",
            json!({"ServicePrincipal": gd, "NextToken": paged["NextToken"]})
        )),
        pair("InvalidInputException", "INVALID_NEXT_TOKEN")
    );

    // A delegated administrator may read, including these lists.
    let admin = root_caller(&m[1]);
    let services = run(
        &mut w,
        &admin,
        "ListDelegatedServicesForAccount",
        json!({"AccountId": m[0]}),
    )
    .unwrap();
    assert_eq!(
        services["DelegatedServices"],
        json!([
            {"ServicePrincipal": config, "DelegationEnabledDate": 1_700_000_001.0},
            {"ServicePrincipal": gd, "DelegationEnabledDate": 1_700_000_000.0},
        ])
    );
    run(&mut w, &admin, "ListAccounts", json!({})).unwrap();
    run(&mut w, &admin, "ListRoots", json!({})).unwrap();
    run(
        &mut w,
        &admin,
        "DescribeAccount",
        json!({"AccountId": "111111111111"}),
    )
    .unwrap();
    run(
        &mut w,
        &admin,
        "ListAWSServiceAccessForOrganization",
        json!({}),
    )
    .unwrap();
    let root_id = w
        .organizations
        .organization_of("111111111111")
        .unwrap()
        .root
        .id
        .clone();
    assert_eq!(
        code(run(
            &mut w,
            &admin,
            "CreateOrganizationalUnit",
            json!({"ParentId": root_id, "Name": "x"})
        ))
        .0,
        "AccessDeniedException"
    );

    assert_eq!(
        code(run(
            &mut w,
            &mgmt,
            "ListDelegatedServicesForAccount",
            json!({"AccountId": "111111111111"})
        ))
        .0,
        "AccountNotRegisteredException"
    );
    assert_eq!(
        code(run(
            &mut w,
            &mgmt,
            "ListDelegatedServicesForAccount",
            json!({"AccountId": "999999999999"})
        ))
        .0,
        "AccountNotFoundException"
    );

    // Deregister one; deregistering again is refused.
    let deregister = |w: &mut World, account: &str, principal: &str| {
        run(
            w,
            &mgmt,
            "DeregisterDelegatedAdministrator",
            json!({"AccountId": account, "ServicePrincipal": principal}),
        )
    };
    deregister(&mut w, &m[0], gd).unwrap();
    assert_eq!(
        code(deregister(&mut w, &m[0], gd)).0,
        "AccountNotRegisteredException"
    );
    assert_eq!(
        code(deregister(&mut w, "999999999999", gd)).0,
        "AccountNotFoundException"
    );

    // Disabling Config's trusted access deregisters its administrators: m[1] was
    // only Config's, so it loses read access too.
    run(
        &mut w,
        &mgmt,
        "DisableAWSServiceAccess",
        json!({ "ServicePrincipal": config }),
    )
    .unwrap();
    let all = run(&mut w, &mgmt, "ListDelegatedAdministrators", json!({})).unwrap();
    assert_eq!(all["DelegatedAdministrators"], json!([]));
    assert_eq!(
        code(run(&mut w, &admin, "ListAccounts", json!({}))).0,
        "AccessDeniedException"
    );
}
