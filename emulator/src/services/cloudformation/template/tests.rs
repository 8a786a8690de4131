use super::eval::{Made, Pseudo, Scope};
use super::params::Given;
use super::*;
use serde_json::json;

fn pseudo() -> Pseudo {
    Pseudo {
        account_id: "111111111111".into(),
        region: "eu-west-1".into(),
        stack_name: "s".into(),
        stack_id: "arn:aws:cloudformation:eu-west-1:111111111111:stack/s/id".into(),
        notification_arns: vec![],
    }
}

fn resolve_with(
    t: &Template,
    params: &BTreeMap<String, String>,
    value: Value,
) -> Result<Option<Value>> {
    let pseudo = pseudo();
    let exports = BTreeMap::from([("Shared".to_string(), "vpc-1".to_string())]);
    let conditions = eval::conditions(t, params, &pseudo, &exports)?;
    let mut made = BTreeMap::new();
    made.insert(
        "Bucket".to_string(),
        Made {
            ref_value: "my-bucket".into(),
            attributes: json!({"Arn": "arn:aws:s3:::my-bucket"})
                .as_object()
                .unwrap()
                .clone(),
        },
    );
    let scope = Scope {
        template: t,
        parameters: params,
        pseudo: &pseudo,
        conditions: &conditions,
        resources: &made,
        exports: &exports,
    };
    scope.resolve(&value)
}

const YAML: &str = r#"
AWSTemplateFormatVersion: "2010-09-09"
Description: test
Parameters:
  Env:
    Type: String
    AllowedValues: [dev, prod]
    Default: dev
  Names:
    Type: CommaDelimitedList
    Default: "a,b,c"
Mappings:
  Sizes:
    dev: {Count: 1}
    prod: {Count: 3}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${AWS::AccountId}-${Env}-logs"
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      Arn: !GetAtt Bucket.Arn
  Late:
    Type: AWS::CloudFormation::WaitConditionHandle
    DependsOn: Policy
Outputs:
  Name:
    Value: !Ref Bucket
    Export:
      Name: !Sub "${AWS::StackName}-bucket"
"#;

#[test]
fn yaml_short_forms_become_long_forms() {
    let doc = parse_body(YAML).unwrap();
    assert_eq!(
        doc["Resources"]["Policy"]["Properties"]["Arn"],
        json!({"Fn::GetAtt": ["Bucket", "Arn"]})
    );
    assert_eq!(
        doc["Conditions"]["IsProd"],
        json!({"Fn::Equals": [{"Ref": "Env"}, "prod"]})
    );
    assert_eq!(
        doc["Conditions"]["NotProd"],
        json!({"Fn::Not": [{"Condition": "IsProd"}]})
    );
    assert_eq!(doc["Mappings"]["Sizes"]["prod"]["Count"], json!(3));
}

#[test]
fn yaml_scalars_keep_leading_zeros_and_quoted_text() {
    let doc = yaml::parse("a: 000000000000\nb: '12'\nc: 12\nd: true\ne: ~\nf: 1.5\ng: !!str 7\n")
        .unwrap();
    assert_eq!(
        doc,
        json!({"a": "000000000000", "b": "12", "c": 12, "d": true, "e": null, "f": 1.5, "g": "7"})
    );
}

#[test]
fn yaml_anchors_and_every_tag() {
    let doc = yaml::parse(
        "x: &a {k: v}\ny: *a\nz: !Join ['-', [a, b]]\nw: !Base64 hi\nq: !GetAZs ''\nc: !Cidr ['10.0.0.0/16', 2, 8]\ni: !ImportValue Shared\nf: !FindInMap [M, K, V]\ns: !Select [0, !Split [',', 'a,b']]\nif: !If [C, 1, 2]\nand: !And [!Condition A, !Or [!Condition B, !Condition C]]\n",
    )
    .unwrap();
    assert_eq!(doc["y"], json!({"k": "v"}));
    assert_eq!(doc["z"], json!({"Fn::Join": ["-", ["a", "b"]]}));
    assert_eq!(doc["w"], json!({"Fn::Base64": "hi"}));
    assert_eq!(doc["q"], json!({"Fn::GetAZs": ""}));
    assert_eq!(doc["i"], json!({"Fn::ImportValue": "Shared"}));
    assert_eq!(
        doc["s"],
        json!({"Fn::Select": [0, {"Fn::Split": [",", "a,b"]}]})
    );
    assert_eq!(
        doc["and"],
        json!({"Fn::And": [{"Condition": "A"}, {"Fn::Or": [{"Condition": "B"}, {"Condition": "C"}]}]})
    );
}

#[test]
fn yaml_errors_are_template_format_errors() {
    let e = load("Resources: [unclosed\n").unwrap_err();
    assert!(
        e.0.starts_with("Template format error: YAML not well-formed."),
        "{}",
        e.0
    );
    let e = load("Resources:\n  A: !Bogus x\n").unwrap_err();
    assert!(e.0.contains("unknown tag !Bogus"), "{}", e.0);
    let e = load("{\"Resources\": ").unwrap_err();
    assert!(
        e.0.starts_with("Template format error: JSON not well-formed."),
        "{}",
        e.0
    );
    let e = load("a: 1\na: 2\n").unwrap_err();
    assert!(e.0.contains("duplicate key"), "{}", e.0);
}

#[test]
fn sections_are_checked() {
    assert_eq!(
        load("Description: x\n").unwrap_err().0,
        "Template format error: At least one Resources member must be defined."
    );
    assert_eq!(
        load("Bogus: 1\nResources: {A: {Type: T}}\n").unwrap_err().0,
        "Template format error: Invalid template property or properties [Bogus]"
    );
    assert_eq!(
        load("Resources:\n  A:\n    Properties: {}\n")
            .unwrap_err()
            .0,
        "Template format error: [/Resources/A] Every Resources object must contain a Type member."
    );
    assert_eq!(
        load("Resources:\n  A-b:\n    Type: T\n").unwrap_err().0,
        "Template format error: Resource name A-b is non alphanumeric."
    );
    assert!(load("AWSTemplateFormatVersion: '2011-01-01'\nResources: {A: {Type: T}}\n").is_err());
    assert!(
        load("Transform: AWS::Serverless-2016-10-31\nResources: {A: {Type: T}}\n")
            .unwrap_err()
            .0
            .contains("Transform AWS::Serverless-2016-10-31")
    );
}

#[test]
fn unresolved_references_are_refused() {
    assert_eq!(
        load("Resources:\n  A:\n    Type: T\n    Properties: {X: !Ref Nope}\n").unwrap_err().0,
        "Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template"
    );
    assert_eq!(
        load("Resources:\n  A:\n    Type: T\n    DependsOn: [Gone]\n").unwrap_err().0,
        "Template format error: Unresolved resource dependencies [Gone] in the Resources block of the template"
    );
    assert_eq!(
        load("Resources:\n  A:\n    Type: T\n    Properties: {X: !GetAtt Nope.Arn}\n")
            .unwrap_err()
            .0,
        "Template error: instance of Fn::GetAtt references undefined resource Nope"
    );
    assert_eq!(
        load("Resources:\n  A:\n    Type: T\nOutputs:\n  O: {Value: !Ref Nope}\n").unwrap_err().0,
        "Template format error: Unresolved resource dependencies [Nope] in the Outputs block of the template"
    );
    assert!(
        load("Conditions:\n  C: !Equals [!Ref A, x]\nResources:\n  A: {Type: T}\n")
            .unwrap_err()
            .0
            .contains("Cannot reference resources in the Conditions block")
    );
    assert!(
        load("Resources:\n  A:\n    Type: T\n    Properties: {X: !If [Missing, 1, 2]}\n")
            .unwrap_err()
            .0
            .contains("unresolved condition dependency Missing")
    );
}

#[test]
fn dependency_order_is_deterministic_and_cycles_are_refused() {
    let t = load(YAML).unwrap();
    let all = t.resources.iter().map(|r| r.logical_id.clone()).collect();
    assert_eq!(order(&t, &all).unwrap(), vec!["Bucket", "Policy", "Late"]);
    // Reverse declaration order still walks dependencies first, ties in template order.
    let t = load(
        "Resources:\n  C:\n    Type: T\n    Properties: {X: !Sub '${B.Arn}'}\n  B:\n    Type: T\n    Properties: {X: !Ref A}\n  A: {Type: T}\n  D: {Type: T}\n",
    )
    .unwrap();
    let all = t.resources.iter().map(|r| r.logical_id.clone()).collect();
    assert_eq!(order(&t, &all).unwrap(), vec!["A", "B", "C", "D"]);
    let e = load(
        "Resources:\n  A:\n    Type: T\n    DependsOn: B\n  B:\n    Type: T\n    Properties: {X: !GetAtt A.Arn}\n  C:\n    Type: T\n    DependsOn: A\n",
    )
    .unwrap_err();
    assert_eq!(e.0, "Circular dependency between resources: [A, B]");
}

#[test]
fn sub_resolves_parameters_pseudo_attributes_and_literals() {
    let t = load(YAML).unwrap();
    let params = BTreeMap::from([
        ("Env".into(), "prod".into()),
        ("Names".into(), "a,b".into()),
    ]);
    let v = resolve_with(
        &t,
        &params,
        json!({"Fn::Sub": "${AWS::AccountId}/${Env}/${Bucket}/${Bucket.Arn}/${!Literal}/${AWS::Partition}"}),
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        v,
        json!("111111111111/prod/my-bucket/arn:aws:s3:::my-bucket/${Literal}/aws")
    );
    let v = resolve_with(
        &t,
        &params,
        json!({"Fn::Sub": ["${X}-${AWS::Region}", {"X": {"Ref": "Env"}}]}),
    )
    .unwrap()
    .unwrap();
    assert_eq!(v, json!("prod-eu-west-1"));
}

#[test]
fn every_intrinsic_resolves() {
    let t = load(YAML).unwrap();
    let params = BTreeMap::from([
        ("Env".into(), "prod".into()),
        ("Names".into(), "a, b,c".into()),
    ]);
    let cases = [
        (json!({"Ref": "Names"}), json!(["a", "b", "c"])),
        (json!({"Fn::Join": ["-", {"Ref": "Names"}]}), json!("a-b-c")),
        (json!({"Fn::Select": ["1", {"Ref": "Names"}]}), json!("b")),
        (json!({"Fn::Split": ["|", "x|y"]}), json!(["x", "y"])),
        (
            json!({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Count"]}),
            json!(3),
        ),
        (json!({"Fn::Base64": "hi"}), json!("aGk=")),
        (
            json!({"Fn::GetAZs": ""}),
            json!(["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
        ),
        (
            json!({"Fn::Cidr": ["10.0.0.0/16", 3, 8]}),
            json!(["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]),
        ),
        (json!({"Fn::ImportValue": "Shared"}), json!("vpc-1")),
        (json!({"Fn::If": ["IsProd", "big", "small"]}), json!("big")),
        (
            json!({"Fn::If": ["NotProd", "x", {"Ref": "AWS::NoValue"}]}),
            json!(null),
        ),
        (
            json!({"Fn::GetAtt": "Bucket.Arn"}),
            json!("arn:aws:s3:::my-bucket"),
        ),
        (json!({"Ref": "AWS::URLSuffix"}), json!("amazonaws.com")),
        (json!({"Ref": "AWS::StackName"}), json!("s")),
        (json!({"Ref": "AWS::NotificationARNs"}), json!([])),
    ];
    for (input, want) in cases {
        let got = resolve_with(&t, &params, json!({"P": input.clone()}))
            .unwrap()
            .unwrap();
        assert_eq!(
            got.get("P").cloned().unwrap_or(Value::Null),
            want,
            "{input}"
        );
    }
    // NoValue drops list items too.
    let got = resolve_with(&t, &params, json!([1, {"Ref": "AWS::NoValue"}, 2]))
        .unwrap()
        .unwrap();
    assert_eq!(got, json!([1, 2]));
}

#[test]
fn intrinsic_errors_are_clear() {
    let t = load(YAML).unwrap();
    let params = BTreeMap::from([("Env".into(), "dev".into()), ("Names".into(), "a".into())]);
    let e = |v: Value| resolve_with(&t, &params, v).unwrap_err().0;
    assert_eq!(
        e(json!({"Fn::ImportValue": "Nope"})),
        "No export named Nope found."
    );
    assert_eq!(
        e(json!({"Fn::Select": [5, ["a"]]})),
        "Template error: Fn::Select cannot select nonexistent value at index 5"
    );
    assert_eq!(
        e(json!({"Fn::FindInMap": ["Sizes", "qa", "Count"]})),
        "Template error: Unable to get mapping for Sizes::qa::Count"
    );
    assert!(e(json!({"Fn::GetAtt": ["Bucket", "Nope"]}))
        .contains("does not support attribute type Nope"));
    assert!(e(json!({"Fn::Length": [1]})).contains("Encountered unsupported function: Fn::Length"));
    assert!(e(json!({"Fn::Cidr": ["10.0.0.0/30", 8, 8]})).contains("Fn::Cidr"));
}

#[test]
fn conditions_evaluate_and_cycles_are_refused() {
    let t = load(YAML).unwrap();
    let params = BTreeMap::from([("Env".into(), "dev".into()), ("Names".into(), "a".into())]);
    let c = eval::conditions(&t, &params, &pseudo(), &BTreeMap::new()).unwrap();
    assert_eq!(
        c,
        BTreeMap::from([("IsProd".into(), false), ("NotProd".into(), true)])
    );
    let t = load("Conditions:\n  A: !Not [!Condition B]\n  B: !Not [!Condition A]\nResources: {R: {Type: T}}\n").unwrap();
    let e = eval::conditions(&t, &BTreeMap::new(), &pseudo(), &BTreeMap::new()).unwrap_err();
    assert!(e.0.contains("circular condition dependency"), "{}", e.0);
}

fn given(pairs: &[(&str, &str)]) -> BTreeMap<String, Given> {
    pairs
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                Given {
                    value: Some(v.to_string()),
                    use_previous: false,
                },
            )
        })
        .collect()
}

#[test]
fn parameters_are_checked_against_their_constraints() {
    let t = load(
        "Parameters:\n  Name: {Type: String, MinLength: 2, MaxLength: 4, AllowedPattern: '[a-z]+'}\n  Count: {Type: Number, MinValue: 1, MaxValue: 5, Default: 2}\n  Env: {Type: String, AllowedValues: [dev, prod], ConstraintDescription: pick dev or prod, Default: dev}\n  Secret: {Type: String, NoEcho: true, Default: x}\nResources: {R: {Type: T}}\n",
    )
    .unwrap();
    let p = &t.parameters;
    let none = BTreeMap::new();
    assert_eq!(
        params::resolve(p, &given(&[]), &none).unwrap_err().0,
        "Parameters: [Name] must have values"
    );
    let e = |pairs: &[(&str, &str)]| params::resolve(p, &given(pairs), &none).unwrap_err().0;
    assert_eq!(
        e(&[("Name", "a")]),
        "Parameter 'Name' must contain at least 2 characters"
    );
    assert_eq!(
        e(&[("Name", "abcde")]),
        "Parameter 'Name' must contain at most 4 characters"
    );
    assert_eq!(
        e(&[("Name", "AB")]),
        "Parameter 'Name' must match pattern [a-z]+"
    );
    assert_eq!(
        e(&[("Name", "ab"), ("Count", "x")]),
        "Parameter 'Count' must be a number."
    );
    assert_eq!(
        e(&[("Name", "ab"), ("Count", "9")]),
        "Parameter 'Count' must be a number not greater than 5"
    );
    assert_eq!(
        e(&[("Name", "ab"), ("Count", "0")]),
        "Parameter 'Count' must be a number not less than 1"
    );
    assert_eq!(
        e(&[("Name", "ab"), ("Env", "qa")]),
        "Parameter 'Env' failed to satisfy constraint: pick dev or prod"
    );
    assert_eq!(
        e(&[("Name", "ab"), ("Other", "1")]),
        "Parameters: [Other] do not exist in the template"
    );
    let ok = params::resolve(p, &given(&[("Name", "ab")]), &none).unwrap();
    assert_eq!(ok["Count"], "2");
    assert!(t.parameter("Secret").unwrap().no_echo);
    // UsePreviousValue takes the stack's earlier value.
    let mut g = given(&[]);
    g.insert(
        "Name".into(),
        Given {
            value: None,
            use_previous: true,
        },
    );
    let prev = BTreeMap::from([("Name".to_string(), "old".to_string())]);
    assert_eq!(params::resolve(p, &g, &prev).unwrap()["Name"], "old");
}

#[test]
fn parameter_types_are_known_and_ssm_types_refused_clearly() {
    assert_eq!(
        load("Parameters: {P: {Type: Strin}}\nResources: {R: {Type: T}}\n")
            .unwrap_err()
            .0,
        "Template format error: Unrecognized parameter type: Strin"
    );
    let e = load("Parameters: {P: {Type: 'AWS::SSM::Parameter::Value<String>'}}\nResources: {R: {Type: T}}\n")
        .unwrap_err();
    assert!(
        e.0.contains("Systems Manager parameter types are not supported"),
        "{}",
        e.0
    );
    let t = load("Parameters: {V: {Type: 'AWS::EC2::VPC::Id'}, S: {Type: 'List<AWS::EC2::Subnet::Id>'}, N: {Type: 'List<Number>'}}\nResources: {R: {Type: T}}\n").unwrap();
    assert!(t.parameter("S").unwrap().kind.is_list());
    let e = params::resolve(
        &t.parameters,
        &given(&[("V", "vpc-1"), ("S", "a"), ("N", "1,x")]),
        &BTreeMap::new(),
    )
    .unwrap_err();
    assert_eq!(e.0, "Parameter 'N' must be a number.");
}

#[test]
fn json_templates_read_the_same() {
    let t = load(r#"{"Resources": {"A": {"Type": "T", "Properties": {"X": {"Fn::Sub": "${B}"}}}, "B": {"Type": "T"}}}"#).unwrap();
    let all = t.resources.iter().map(|r| r.logical_id.clone()).collect();
    assert_eq!(order(&t, &all).unwrap(), vec!["B", "A"]);
}

#[test]
fn deletion_policies_are_read() {
    let t = load("Resources:\n  A: {Type: T, DeletionPolicy: Retain, UpdateReplacePolicy: Snapshot}\n  B: {Type: T}\n").unwrap();
    assert_eq!(t.resources[0].deletion_policy, Policy::Retain);
    assert!(t.resources[0].deletion_policy.retains(false));
    assert!(!t.resources[1].deletion_policy.retains(false));
    assert!(load("Resources:\n  A: {Type: T, DeletionPolicy: Keep}\n").is_err());
}
