use serde_json::json;

use super::workflow::*;

#[test]
fn instruction_and_options_are_edited_as_the_sdk_edits_them() {
    let compare = json!({"_t": "SimpleWorkflow", "rapid": {"_t": "Compare",
        "criteria": {"literal": "Which?"}, "asset": {"segment": "asset"}}});
    assert_eq!(instruction_of(&compare).as_deref(), Some("Which?"));
    let edited = with_instruction(compare, "Better?").unwrap();
    assert_eq!(edited["rapid"]["criteria"], json!({"literal": "Better?"}));
    assert!(with_answer_options(edited, &["a".into(), "b".into()]).is_none());

    let classify = json!({"_t": "SimpleWorkflow", "rapid": {"_t": "Classify",
        "title": {"segment": "title"}, "categories": {"segment": "answer_options"}}});
    assert_eq!(instruction_of(&classify), None);
    assert_eq!(answer_options_of(&classify), None);
    let edited = with_answer_options(classify, &["Cat".into(), "Dog".into()]).unwrap();
    assert_eq!(
        edited["rapid"]["categories"],
        json!({"literal": [{"label": "Cat", "value": "Cat"}, {"label": "Dog", "value": "Dog"}]})
    );
    assert_eq!(
        answer_options_of(&edited),
        Some(vec!["Cat".into(), "Dog".into()])
    );
    let ranking = json!({"_t": "GroupedRankingWorkflow", "criteria": "Rank"});
    assert_eq!(
        with_instruction(ranking, "Order")
            .unwrap()
            .get("criteria")
            .unwrap(),
        "Order"
    );
    assert!(with_instruction(json!({"_t": "EvaluationWorkflow"}), "x").is_none());
}

#[test]
fn responses_live_in_the_referees_own_member() {
    let naive = json!({"_t": "NaiveReferee", "totalVotes": 3});
    assert_eq!(responses_of(&naive), Some(3));
    assert_eq!(with_responses(naive, 9).unwrap()["totalVotes"], 9);
    let early = json!({"_t": "EarlyStoppingReferee", "maxVotes": 10, "threshold": 0.99});
    assert_eq!(with_responses(early, 4).unwrap()["maxVotes"], 4);
    assert!(with_responses(json!({"_t": "Other"}), 4).is_none());
}
