//! Issue 3's workshop flow in one go, as a class would run it: invite an existing account,
//! accept it from that account, enable all features on a consolidated-billing
//! organization, then attach a tag policy to an OU and read the account's effective policy.

use aws_sdk_organizations::types::{
    ActionType, EffectivePolicyType, Handshake, HandshakeFilter, HandshakeParty,
    HandshakePartyType, HandshakeState, OrganizationFeatureSet, PolicyType,
};
use aws_sdk_organizations::Client;
use orgsim::Emulator;
use serde_json::{json, Value};

use crate::common::{create_ou, orgs, root_id, MANAGEMENT};

const GUEST: &str = "222233334444";

async fn pending(client: &Client, action: ActionType) -> Handshake {
    let listed = client
        .list_handshakes_for_account()
        .filter(
            HandshakeFilter::builder()
                .action_type(action.clone())
                .build(),
        )
        .send()
        .await
        .expect("ListHandshakesForAccount");
    listed
        .handshakes()
        .iter()
        .find(|h| h.state() == Some(&HandshakeState::Open))
        .cloned()
        .unwrap_or_else(|| panic!("no open {action:?} handshake"))
}

#[tokio::test]
async fn invite_accept_enable_all_features_then_a_tag_policy() {
    let emulator = Emulator::start();
    let mgmt = orgs(&emulator, MANAGEMENT);
    let guest = orgs(&emulator, GUEST);
    mgmt.create_organization()
        .feature_set(OrganizationFeatureSet::ConsolidatedBilling)
        .send()
        .await
        .unwrap();

    // Invite an existing account by id; it accepts with its own credentials.
    mgmt.invite_account_to_organization()
        .target(
            HandshakeParty::builder()
                .id(GUEST)
                .r#type(HandshakePartyType::Account)
                .build()
                .unwrap(),
        )
        .notes("Welcome to the workshop")
        .send()
        .await
        .expect("InviteAccountToOrganization");
    let invitation = pending(&guest, ActionType::InviteAccountToOrganization).await;
    guest
        .accept_handshake()
        .handshake_id(invitation.id().unwrap())
        .send()
        .await
        .expect("AcceptHandshake");
    let joined = mgmt
        .describe_account()
        .account_id(GUEST)
        .send()
        .await
        .unwrap()
        .account
        .unwrap();
    assert_eq!(joined.joined_method().map(|m| m.as_str()), Some("INVITED"));

    // Enable all features: the invited member agrees, then the management account approves.
    mgmt.enable_all_features()
        .send()
        .await
        .expect("EnableAllFeatures");
    let asked = pending(&guest, ActionType::EnableAllFeatures).await;
    guest
        .accept_handshake()
        .handshake_id(asked.id().unwrap())
        .send()
        .await
        .expect("member accepts");
    let approval = pending(&mgmt, ActionType::ApproveAllFeatures).await;
    mgmt.accept_handshake()
        .handshake_id(approval.id().unwrap())
        .send()
        .await
        .expect("management approves");
    let org = mgmt
        .describe_organization()
        .send()
        .await
        .unwrap()
        .organization
        .unwrap();
    assert_eq!(org.feature_set(), Some(&OrganizationFeatureSet::All));

    // A tag policy on an OU shapes the effective policy of the account in it.
    let root = root_id(&mgmt).await;
    let ou = create_ou(&mgmt, &root, "Workloads").await;
    mgmt.move_account()
        .account_id(GUEST)
        .source_parent_id(&root)
        .destination_parent_id(&ou)
        .send()
        .await
        .unwrap();
    mgmt.enable_policy_type()
        .root_id(&root)
        .policy_type(PolicyType::TagPolicy)
        .send()
        .await
        .expect("EnablePolicyType");
    let content = json!({"tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"}, "tag_value": {"@@assign": ["100", "200"]}}}});
    let policy = mgmt
        .create_policy()
        .name("cost-center")
        .description("Cost center tags")
        .r#type(PolicyType::TagPolicy)
        .content(content.to_string())
        .send()
        .await
        .expect("CreatePolicy")
        .policy
        .unwrap();
    let policy_id = policy
        .policy_summary()
        .and_then(|s| s.id())
        .unwrap()
        .to_string();
    mgmt.attach_policy()
        .policy_id(&policy_id)
        .target_id(&ou)
        .send()
        .await
        .expect("AttachPolicy");

    // The member reads its own effective tag policy.
    let effective = guest
        .describe_effective_policy()
        .policy_type(EffectivePolicyType::TagPolicy)
        .send()
        .await
        .expect("DescribeEffectivePolicy")
        .effective_policy
        .unwrap();
    let merged: Value = serde_json::from_str(effective.policy_content().unwrap()).unwrap();
    assert_eq!(merged["tags"]["costcenter"]["tag_key"], "CostCenter");
    assert_eq!(
        merged["tags"]["costcenter"]["tag_value"],
        json!(["100", "200"])
    );
}
