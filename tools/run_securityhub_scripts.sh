#!/usr/bin/env bash
# Runs AWS's Security Hub scripts (awslabs/aws-securityhub-multiaccount-scripts, fetched by hand
# into $SCRIPTS) unchanged against orgsim, in two Regions: an organization with two created
# accounts, the first as the Security Hub master. In order: multiaccount-enable/enablesecurityhub.py
# (CIS 1.2), cis14-enable/enablecis14.py (CIS 1.4, mapping a disabled CIS 1.2 control, dropping
# CIS 1.2), automation_rules/automation-rules-create.py and list-automation-rules.py as the master,
# then multiaccount-enable/disablesecurityhub.py for the member and again with
# --delete_master for the master. After each script it checks the
# state the script is for and exits non-zero when it is not there.
# Usage: SCRIPTS=/path/to/aws-securityhub-multiaccount-scripts tools/run_securityhub_scripts.sh [orgsim binary]
set -euo pipefail
bin=${1:-target/release/orgsim}
port=${PORT:-4599}
regions=${REGIONS:-us-east-1,us-west-2}
: "${SCRIPTS:?set SCRIPTS to the aws-securityhub-multiaccount-scripts folder}"
"$bin" serve --port "$port" --log-level warn &
server=$!
trap 'kill $server' EXIT
sleep 0.5
export AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_DEFAULT_REGION=us-east-1
export AWS_ACCESS_KEY_ID=111111111111 AWS_SECRET_ACCESS_KEY=x
aws organizations create-organization >/dev/null
ids=()
for n in 1 2; do
  req=$(aws organizations create-account --email "m$n@example.com" --account-name "M$n" \
    --query CreateAccountStatus.Id --output text)
  ids+=("$(aws organizations describe-create-account-status --create-account-request-id "$req" \
    --query CreateAccountStatus.AccountId --output text)")
done
master=${ids[0]} member=${ids[1]}
csv=$(mktemp) accounts=$(mktemp) log=$(mktemp)
echo "$member,m2@example.com" >"$csv"
printf '%s\n' "$master" "$member" >"$accounts"

fail() { echo "FAILED: $*" >&2; exit 1; }
# shub ACCOUNT REGION ARGS…: a Security Hub call as ACCOUNT's root, text output.
shub() { local account=$1 region=$2; shift 2; AWS_ACCESS_KEY_ID=$account aws securityhub --region "$region" "$@" --output text; }
standard_status() { # ACCOUNT REGION STANDARD-ARN-SUFFIX
  shub "$1" "$2" get-enabled-standards \
    --query "StandardsSubscriptions[?ends_with(StandardsArn, '$3')].StandardsStatus | [0]"
}
no_failures() { ! grep -q "Failed Accounts\|Failed Regions" "$log" || fail "$1 reported failures"; }

echo "== multiaccount-enable/enablesecurityhub.py (CIS 1.2)"
(cd "$SCRIPTS/multiaccount-enable" && { yes yes || true; } | python3 enablesecurityhub.py --master_account "$master" \
  --assume_role OrganizationAccountAccessRole --enabled_regions "$regions" \
  --enable_standards ruleset/cis-aws-foundations-benchmark/v/1.2.0 "$csv") | tee "$log"
no_failures enablesecurityhub.py
for region in ${regions//,/ }; do
  status=$(shub "$master" "$region" get-members --account-ids "$member" --query 'Members[0].MemberStatus')
  [[ $status == Enabled || $status == Associated ]] || fail "$member is $status under the master in $region"
  [[ $(shub "$member" "$region" get-administrator-account --query Administrator.AccountId) == "$master" ]] ||
    fail "$member's administrator in $region is not $master"
  for account in "$master" "$member"; do
    [[ $(standard_status "$account" "$region" cis-aws-foundations-benchmark/v/1.2.0) == READY ]] ||
      fail "CIS 1.2 is not READY for $account in $region"
  done
  [[ $(AWS_ACCESS_KEY_ID=$member aws configservice --region "$region" describe-configuration-recorder-status \
    --query 'ConfigurationRecordersStatus[0].recording' --output text) == True ]] || fail "$member records nothing in $region"
done
echo "ok: $member Enabled under $master, CIS 1.2 READY, Config recording, in $regions"

# A CIS 1.2 control the account turned off (1.1, root use) maps to CIS 1.4's 1.7.
for region in ${regions//,/ }; do
  shub "$member" "$region" update-standards-control --control-status DISABLED --disabled-reason "root is monitored elsewhere" \
    --standards-control-arn "arn:aws:securityhub:$region:$member:control/cis-aws-foundations-benchmark/v/1.2.0/1.1"
done
echo "== cis14-enable/enablecis14.py (map disabled controls, disable CIS 1.2)"
(cd "$SCRIPTS/cis14-enable" && python3 enablecis14.py --assume_role OrganizationAccountAccessRole \
  --enabled_regions "$regions" --map_cis12_disabled_controls Yes --disable_cis12 Yes --input_file "$accounts") | tee "$log"
no_failures enablecis14.py
for region in ${regions//,/ }; do
  for account in "$master" "$member"; do
    [[ $(standard_status "$account" "$region" cis-aws-foundations-benchmark/v/1.4.0) == READY ]] ||
      fail "CIS 1.4 is not READY for $account in $region"
    [[ $(standard_status "$account" "$region" cis-aws-foundations-benchmark/v/1.2.0) == None ]] ||
      fail "CIS 1.2 is still enabled for $account in $region"
  done
  for account_control in "$member:DISABLED" "$master:ENABLED"; do
    account=${account_control%%:*}
    status=$(shub "$account" "$region" describe-standards-controls \
      --standards-subscription-arn "arn:aws:securityhub:$region:$account:subscription/cis-aws-foundations-benchmark/v/1.4.0" \
      --query "Controls[?ends_with(StandardsControlArn, '/v/1.4.0/1.7')].ControlStatus | [0]")
    [[ $status == "${account_control#*:}" ]] || fail "CIS 1.4 control 1.7 is $status for $account in $region"
  done
done
echo "ok: CIS 1.4 READY and CIS 1.2 gone in both accounts; CIS 1.4 1.7 DISABLED only where CIS 1.2 1.1 was"

echo "== automation_rules/automation-rules-create.py and list-automation-rules.py as the master"
(cd "$SCRIPTS/automation_rules" && AWS_ACCESS_KEY_ID=$master python3 automation-rules-create.py \
  --enabled_regions "$regions" --input_file automation-rule-definition-mult-rules.json) | tee "$log"
no_failures automation-rules-create.py
(cd "$SCRIPTS/automation_rules" && AWS_ACCESS_KEY_ID=$master python3 list-automation-rules.py \
  --deployed_regions "$regions") | tee "$log"
for region in ${regions//,/ }; do
  [[ $(grep -c "Rule Name:  sample-rule-critical-" "$log") == $((2 * $(echo "${regions//,/ }" | wc -w))) ]] ||
    fail "list-automation-rules.py did not list both rules in every Region"
  rules=$(shub "$master" "$region" list-automation-rules --query 'AutomationRulesMetadata[].[RuleName,RuleOrder,RuleStatus]')
  [[ $rules == *"sample-rule-critical-A	1	ENABLED"* && $rules == *"sample-rule-critical-B	2	ENABLED"* ]] ||
    fail "the master's rules in $region are: $rules"
done
echo "ok: both rules ENABLED in RuleOrder 1 and 2 in $regions"

echo "== multiaccount-enable/disablesecurityhub.py (the members)"
(cd "$SCRIPTS/multiaccount-enable" && python3 disablesecurityhub.py --master_account "$master" \
  --assume_role OrganizationAccountAccessRole --enabled_regions "$regions" "$csv") | tee "$log"
no_failures disablesecurityhub.py
hub_off() { # ACCOUNT REGION
  local error
  if error=$(shub "$1" "$2" describe-hub 2>&1); then fail "$1's hub is still on in $2"; fi
  [[ $error == *InvalidAccessException* ]] || fail "describe-hub for $1 in $2: $error"
}
for region in ${regions//,/ }; do
  [[ $(shub "$master" "$region" list-members --no-only-associated --query 'length(Members)') == 0 ]] ||
    fail "the master still has members in $region"
  hub_off "$member" "$region"
  shub "$master" "$region" describe-hub >/dev/null
done
echo "ok: the master keeps its hub and has no members; $member's hub is off in $regions"

echo "== multiaccount-enable/disablesecurityhub.py --delete_master (no accounts left to unlink)"
(cd "$SCRIPTS/multiaccount-enable" && python3 disablesecurityhub.py --master_account "$master" \
  --assume_role OrganizationAccountAccessRole --enabled_regions "$regions" --delete_master /dev/null) | tee "$log"
no_failures "disablesecurityhub.py --delete_master"
for region in ${regions//,/ }; do hub_off "$master" "$region"; done
echo "ok: no hub left in either account or Region"
