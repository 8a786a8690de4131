#!/usr/bin/env bash
# Runs org-formation (npm aws-organization-formation, installed by hand into $OF) unchanged
# against orgsim: `init` writes the organization's template and creates its state bucket,
# then `update` applies an OU with an SCP attached and a new account moved into it.
# Usage: OF=/path/with/node_modules tools/run_org_formation.sh [orgsim binary]
# (npm i aws-organization-formation in $OF first).
set -euo pipefail
bin=$(realpath "${1:-target/release/orgsim}")
port=${PORT:-4601}
: "${OF:?set OF to the folder where aws-organization-formation is installed}"
"$bin" serve --port "$port" --log-level warn &
server=$!
trap 'kill $server' EXIT
sleep 0.5
export AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ACCESS_KEY_ID=111111111111 AWS_SECRET_ACCESS_KEY=x
aws organizations create-organization >/dev/null
work=$(mktemp -d)
cd "$work"
"$OF/node_modules/.bin/org-formation" init organization.yml --region us-east-1
cat >>organization.yml <<'YAML'

  WorkloadsOU:
    Type: OC::ORG::OrganizationalUnit
    Properties:
      OrganizationalUnitName: Workloads
      ServiceControlPolicies: !Ref DenyLeaveSCP
      Accounts: !Ref DevAccount

  DenyLeaveSCP:
    Type: OC::ORG::ServiceControlPolicy
    Properties:
      PolicyName: DenyLeave
      Description: members may not leave
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Deny
            Action: organizations:LeaveOrganization
            Resource: '*'

  DevAccount:
    Type: OC::ORG::Account
    Properties:
      AccountName: Dev
      RootEmail: dev@example.com
YAML
"$OF/node_modules/.bin/org-formation" update organization.yml
root=$(aws organizations list-roots --query 'Roots[0].Id' --output text)
echo "== OUs under the root, accounts, SCPs, buckets"
aws organizations list-organizational-units-for-parent --parent-id "$root" --query 'OrganizationalUnits[].Name' --output text
aws organizations list-accounts --query 'Accounts[].Name' --output text
aws organizations list-policies --filter SERVICE_CONTROL_POLICY --query 'Policies[].Name' --output text
aws s3 ls
