#!/usr/bin/env bash
# Runs AWS's multi-account Security Hub enable script (awslabs/aws-securityhub-multiaccount-scripts,
# multiaccount-enable/enablesecurityhub.py, fetched by hand into $SCRIPTS) unchanged against
# orgsim: an organization with two created accounts, the first as the Security Hub master.
# Usage: SCRIPTS=/path/to/multiaccount-enable tools/run_securityhub_script.sh [orgsim binary]
set -euo pipefail
bin=${1:-target/release/orgsim}
port=${PORT:-4599}
: "${SCRIPTS:?set SCRIPTS to the multiaccount-enable folder}"
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
csv=$(mktemp)
echo "${ids[1]},m2@example.com" >"$csv"
cd "$SCRIPTS"
{ yes yes || true; } | python3 enablesecurityhub.py --master_account "${ids[0]}" --assume_role OrganizationAccountAccessRole \
  --enabled_regions us-east-1 --enable_standards "${STANDARDS:-ruleset/cis-aws-foundations-benchmark/v/1.2.0}" "$csv"
echo "== master ${ids[0]}: members"
AWS_ACCESS_KEY_ID=${ids[0]} aws securityhub list-members --no-only-associated
echo "== member ${ids[1]}: Config recorder status and delivery channel"
AWS_ACCESS_KEY_ID=${ids[1]} aws configservice describe-configuration-recorder-status
AWS_ACCESS_KEY_ID=${ids[1]} aws configservice describe-delivery-channels
