#!/usr/bin/env bash
# Runs AWS's multi-account GuardDuty scripts (aws-samples/amazon-guardduty-multiaccount-scripts:
# enableguardduty.py, updatefeatures.py, disableguardduty.py, fetched by hand into $SCRIPTS)
# unchanged against orgsim, in two Regions: an organization with three created accounts, the
# first as the GuardDuty master. After each script it checks the state the script is for and
# exits non-zero when it is not there.
# Usage: SCRIPTS=/path/to/amazon-guardduty-multiaccount-scripts tools/run_guardduty_scripts.sh [orgsim binary]
set -euo pipefail
bin=${1:-target/release/orgsim}
port=${PORT:-4598}
regions=${REGIONS:-us-east-1,us-west-2}
: "${SCRIPTS:?set SCRIPTS to the amazon-guardduty-multiaccount-scripts folder}"
"$bin" serve --port "$port" --log-level warn &
server=$!
trap 'kill $server' EXIT
sleep 0.5
export AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_DEFAULT_REGION=us-east-1
export AWS_ACCESS_KEY_ID=111111111111 AWS_SECRET_ACCESS_KEY=x
aws organizations create-organization >/dev/null
ids=()
for n in 1 2 3; do
  req=$(aws organizations create-account --email "m$n@example.com" --account-name "M$n" \
    --query CreateAccountStatus.Id --output text)
  ids+=("$(aws organizations describe-create-account-status --create-account-request-id "$req" \
    --query CreateAccountStatus.AccountId --output text)")
done
master=${ids[0]}
members=("${ids[@]:1}")
csv=$(mktemp)
for n in "${!members[@]}"; do echo "${members[$n]},m$((n + 2))@example.com"; done >"$csv"

fail() { echo "FAILED: $*" >&2; exit 1; }
# gd ACCOUNT REGION ARGS…: a GuardDuty call as ACCOUNT's root, text output.
gd() { local account=$1 region=$2; shift 2; AWS_ACCESS_KEY_ID=$account aws guardduty --region "$region" "$@" --output text; }
detector_of() { gd "$1" "$2" list-detectors --query 'DetectorIds[0]'; }

cd "$SCRIPTS"
echo "== enableguardduty.py"
python3 enableguardduty.py --master_account "$master" --assume_role OrganizationAccountAccessRole \
  --enabled_regions "$regions" "$csv"
for region in ${regions//,/ }; do
  master_detector=$(detector_of "$master" "$region")
  [[ $master_detector != None ]] || fail "no master detector in $region"
  for account in "${members[@]}"; do
    [[ $(detector_of "$account" "$region") != None ]] || fail "no detector for $account in $region"
    status=$(gd "$master" "$region" get-members --detector-id "$master_detector" --account-ids "$account" \
      --query 'Members[0].RelationshipStatus')
    [[ $status == Enabled ]] || fail "$account is $status under the master in $region"
    administrator=$(gd "$account" "$region" get-administrator-account --detector-id "$(detector_of "$account" "$region")" \
      --query 'Administrator.AccountId')
    [[ $administrator == "$master" ]] || fail "$account's administrator in $region is $administrator"
  done
done
echo "ok: detectors everywhere, every member Enabled under $master in $regions"

# features STATUS FLAGS…: runs updatefeatures.py with FLAGS, then checks that malware
# protection and S3 protection are STATUS for every member, from the master and from the
# member's own detector.
features() {
  local want=$1; shift
  echo "== updatefeatures.py $*"
  python3 updatefeatures.py "$csv" --master_account "$master" --assume_role OrganizationAccountAccessRole \
    --enabled_regions "$regions" "$@" | tee /tmp/orgsim-updatefeatures.log
  ! grep -q "Failed Accounts" /tmp/orgsim-updatefeatures.log || fail "updatefeatures.py reported failed accounts"
  for region in ${regions//,/ }; do
    master_detector=$(detector_of "$master" "$region")
    for account in "${members[@]}"; do
      ebs=$(gd "$master" "$region" get-member-detectors --detector-id "$master_detector" --account-ids "$account" \
        --query 'MemberDataSourceConfigurations[0].DataSources.MalwareProtection.ScanEc2InstanceWithFindings.EbsVolumes.Status')
      [[ $ebs == "$want" ]] || fail "malware protection is $ebs for $account in $region"
      s3=$(gd "$master" "$region" get-member-detectors --detector-id "$master_detector" --account-ids "$account" \
        --query 'MemberDataSourceConfigurations[0].DataSources.S3Logs.Status')
      [[ $s3 == "$want" ]] || fail "S3 protection is $s3 for $account in $region"
      feature=$(gd "$account" "$region" get-detector --detector-id "$(detector_of "$account" "$region")" \
        --query "Features[?Name=='EBS_MALWARE_PROTECTION'].Status | [0]")
      [[ $feature == "$want" ]] || fail "$account's own detector shows EBS_MALWARE_PROTECTION $feature in $region"
    done
  done
  echo "ok: malware protection and S3 protection $want for every member in $regions"
}
features DISABLED --disable_malware --disable_s3
features ENABLED --enable_malware --enable_s3
for account in "$master" "${members[@]}"; do
  AWS_ACCESS_KEY_ID=$account aws iam get-role --role-name AWSServiceRoleForAmazonGuardDutyMalwareProtection \
    --query Role.Arn --output text >/dev/null || fail "no malware protection service-linked role in $account"
done
echo "ok: the malware protection service-linked role exists in every account"

echo "== disableguardduty.py (the members)"
python3 disableguardduty.py --master_account "$master" --assume_role OrganizationAccountAccessRole \
  --enabled_regions "$regions" "$csv"
for region in ${regions//,/ }; do
  master_detector=$(detector_of "$master" "$region")
  [[ $master_detector != None ]] || fail "the master lost its detector in $region"
  [[ $(gd "$master" "$region" list-members --detector-id "$master_detector" --only-associated false \
    --query 'length(Members)') == 0 ]] || fail "the master still has members in $region"
  for account in "${members[@]}"; do
    [[ $(detector_of "$account" "$region") == None ]] || fail "$account still has a detector in $region"
  done
done
echo "ok: the master keeps its detectors and has no members; the members' detectors are deleted"

echo "== disableguardduty.py --delete_master (no accounts left to unlink)"
python3 disableguardduty.py --master_account "$master" --assume_role OrganizationAccountAccessRole \
  --enabled_regions "$regions" --delete_master /dev/null
for region in ${regions//,/ }; do
  [[ $(detector_of "$master" "$region") == None ]] || fail "$master still has a detector in $region"
done
echo "ok: no detector left in any account or Region"
