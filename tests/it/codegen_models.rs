//! Generated models: `_t` unions round-trip with the exact tags of the wire protocol, and
//! responses from a newer API (unknown tags, unknown enum values) still decode.
//! The documents are raw JSON on purpose: they are the wire form the models are checked
//! against.

use rapidata::api::types::{
    AudienceJobState, GetJobByIdEndpointOutput, IAssetInput, IAssetInputExistingAssetInput,
    IAssetInputMultiAssetInput, IAssetInputTextAssetInput, IAudienceFilter,
    IAudienceFilterAndAudienceFilter, IExamplePayload, IExampleTruth,
    IExampleTruthCompareExampleTruth, IGraduationRule, IGraduationRuleTaskAccuracyRule,
    IOrderWorkflowInput, IOrderWorkflowInputSimpleWorkflowInput, IRapidSpec, IReferee,
    IRefereeNaiveReferee, IRefereeQuorumReferee,
};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::{json, Value};

/// JSON text → value → JSON: same document, `_t` written first.
fn round_trip<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(text: &str) -> T {
    let value: T = serde_json::from_str(text).expect("decodes");
    let back = serde_json::to_string(&value).unwrap();
    let original: Value = serde_json::from_str(text).unwrap();
    let again: Value = serde_json::from_str(&back).unwrap();
    assert_eq!(again, original, "JSON → value → JSON changed the document");
    if original.get("_t").is_some() {
        assert!(back.starts_with("{\"_t\":"), "`_t` must come first: {back}");
    }
    let value2: T = serde_json::from_str(&back).unwrap();
    assert_eq!(value2, value, "value → JSON → value changed the value");
    value
}

#[test]
fn asset_inputs_nest() {
    let v: IAssetInput = round_trip(
        r#"{"_t":"MultiAssetInput","assets":[
            {"_t":"ExistingAssetInput","name":"a1b2.jpg"},
            {"_t":"ExistingAssetInput","name":"c3d4.jpg"},
            {"_t":"TextAssetInput","text":"hello"}]}"#,
    );
    match v {
        IAssetInput::MultiAssetInput(IAssetInputMultiAssetInput { assets, .. }) => {
            assert!(
                matches!(&assets[0], IAssetInput::ExistingAssetInput(IAssetInputExistingAssetInput { name, .. }) if name == "a1b2.jpg")
            );
            assert!(
                matches!(&assets[2], IAssetInput::TextAssetInput(IAssetInputTextAssetInput { text, .. }) if text == "hello")
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    let built = IAssetInput::from(IAssetInputExistingAssetInput::new("x.png".into()));
    assert_eq!(
        serde_json::to_string(&built).unwrap(),
        r#"{"_t":"ExistingAssetInput","name":"x.png"}"#
    );
}

#[test]
fn example_payloads_and_truths() {
    round_trip::<IExamplePayload>(
        r#"{"_t":"CompareExamplePayload","criteria":"Which image follows the prompt more accurately?"}"#,
    );
    round_trip::<IExamplePayload>(
        r#"{"_t":"ClassifyExamplePayload","categories":[{"label":"True","value":"True"},{"label":"False","value":"False"}],"title":"Is the statement true?"}"#,
    );
    let t: IExampleTruth = round_trip(r#"{"_t":"CompareExampleTruth","winnerId":"a1b2.jpg"}"#);
    assert!(
        matches!(t, IExampleTruth::CompareExampleTruth(IExampleTruthCompareExampleTruth { winner_id, .. }) if winner_id == "a1b2.jpg")
    );
    round_trip::<IExampleTruth>(r#"{"_t":"ClassifyExampleTruth","correctCategories":["False"]}"#);
}

#[test]
fn audience_filters_compose() {
    let f: IAudienceFilter = round_trip(
        r#"{"_t":"AndFilter","filters":[
            {"_t":"CountryFilter","countries":["US","CA"]},
            {"_t":"OrFilter","filters":[
                {"_t":"LanguageFilter","languages":["en"]},
                {"_t":"NotFilter","filter":{"_t":"DemographicFilter","identifier":"age","values":["18-29"]}}]},
            {"_t":"DeviceFilter","deviceTypes":["Phone"]}]}"#,
    );
    assert!(
        matches!(f, IAudienceFilter::AndFilter(IAudienceFilterAndAudienceFilter { ref filters, .. }) if filters.len() == 3)
    );
}

#[test]
fn graduation_rule_sends_an_explicit_null() {
    let r: IGraduationRule =
        round_trip(r#"{"_t":"TaskAccuracy","targetAccuracy":0.8,"minTasks":10,"maxTasks":null}"#);
    match &r {
        IGraduationRule::TaskAccuracy(IGraduationRuleTaskAccuracyRule {
            max_tasks,
            min_tasks,
            target_accuracy,
            ..
        }) => {
            assert_eq!(*max_tasks, Some(None));
            assert_eq!(*min_tasks, 10);
            assert_eq!(*target_accuracy, 0.8);
        }
        other => panic!("unexpected {other:?}"),
    }
    let absent: IGraduationRule =
        serde_json::from_str(r#"{"_t":"TaskAccuracy","targetAccuracy":0.8,"minTasks":10}"#)
            .unwrap();
    assert_eq!(
        serde_json::to_value(&absent).unwrap(),
        json!({"_t":"TaskAccuracy","targetAccuracy":0.8,"minTasks":10})
    );
    round_trip::<IGraduationRule>(
        r#"{"_t":"ScoreThreshold","graduationScore":0.9,"demotionScore":null}"#,
    );
}

#[test]
fn workflows_rapid_specs_and_referees() {
    let w: IOrderWorkflowInput = round_trip(
        r#"{"_t":"SimpleWorkflow","rapid":{"_t":"Compare","asset":{"segment":"asset"},"criteria":{"literal":"Which image matches the description better?"},"indexIdentifiers":null}}"#,
    );
    assert!(matches!(
        w,
        IOrderWorkflowInput::SimpleWorkflow(IOrderWorkflowInputSimpleWorkflowInput {
            rapid: Some(Some(IRapidSpec::Compare(_))),
            ..
        })
    ));
    round_trip::<IOrderWorkflowInput>(
        r#"{"_t":"SimpleWorkflow","rapid":{"_t":"Classify","asset":{"segment":"asset"},"title":{"literal":"What animal?"},"categories":{"segment":"answer_options"}}}"#,
    );
    round_trip::<IRapidSpec>(
        r#"{"_t":"Compare","asset":{"segment":"asset"},"criteria":{"literal":"c","language":"English"},"indexIdentifiers":["Model A","Model B"]}"#,
    );
    round_trip::<IRapidSpec>(
        r#"{"_t":"Locate","asset":{"segment":"asset"},"target":{"literal":"Find the defect"}}"#,
    );
    round_trip::<IRapidSpec>(
        r#"{"_t":"FreeText","asset":{"segment":"asset"},"question":{"literal":"Describe it"}}"#,
    );
    let n: IReferee = round_trip(r#"{"_t":"NaiveReferee","totalVotes":10}"#);
    assert_eq!(n, IRefereeNaiveReferee::new(10).into());
    round_trip::<IReferee>(r#"{"_t":"EarlyStoppingReferee","maxVotes":10,"threshold":0.99}"#);
    let q: IReferee = round_trip(r#"{"_t":"QuorumReferee","maxVotes":10,"threshold":7}"#);
    assert_eq!(q, IRefereeQuorumReferee::new(10, 7).into());
}

#[test]
fn unknown_tags_decode_into_a_catch_all() {
    let text = r#"{"_t":"PlanetFilter","planets":["Mars"]}"#;
    let f: IAudienceFilter = serde_json::from_str(text).unwrap();
    match &f {
        IAudienceFilter::Unknown(raw) => assert_eq!(raw["planets"][0], "Mars"),
        other => panic!("expected Unknown, got {other:?}"),
    }
    // …and is written back unchanged.
    assert_eq!(
        serde_json::to_value(&f).unwrap(),
        serde_json::from_str::<Value>(text).unwrap()
    );
    // Inside a list, one unknown element does not spoil the others.
    let list: Vec<IAudienceFilter> =
        serde_json::from_str(r#"[{"_t":"CountryFilter","countries":["US"]},{"_t":"NewKind"}]"#)
            .unwrap();
    assert!(matches!(list[0], IAudienceFilter::CountryFilter(_)));
    assert!(matches!(list[1], IAudienceFilter::Unknown(_)));
}

#[test]
fn unknown_enum_values_decode_into_other() {
    let s: AudienceJobState = serde_json::from_str("\"Hibernating\"").unwrap();
    assert_eq!(s, AudienceJobState::Other("Hibernating".into()));
    assert_eq!(s.to_string(), "Hibernating");
    assert_eq!(serde_json::to_string(&s).unwrap(), "\"Hibernating\"");
    // A state of API 2026.10.25.
    let blocked: AudienceJobState = serde_json::from_str("\"Blocked\"").unwrap();
    assert_eq!(blocked, AudienceJobState::Blocked);
    let known: AudienceJobState = serde_json::from_str("\"Completed\"").unwrap();
    assert_eq!(known, AudienceJobState::Completed);

    let job = json!({
        "jobId": "job_1", "name": "n", "definitionId": "d", "audienceId": "a",
        "revisionNumber": 1, "pipelineId": "p", "state": "Blocked", "isPublic": false,
        "audienceDeleted": false, "createdAt": "2026-07-13T11:07:53.577348+00:00",
        "ownerId": "4a0c1b9e-0000-4000-8000-000000000000", "ownerMail": "a@b.c",
        "organizationId": "o"
    });
    let decoded: GetJobByIdEndpointOutput = serde_json::from_value(job).unwrap();
    assert_eq!(decoded.state, AudienceJobState::Blocked);
}
