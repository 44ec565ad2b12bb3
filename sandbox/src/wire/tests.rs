//! Strict parsing of request bodies into the generated models.

use serde::de::DeserializeOwned;

use crate::api_types::{
    AddExampleToAudienceEndpointInput, CreateAudienceEndpointInput, CreateDatapointEndpointInput,
    CreateJobDefinitionEndpointInput, ExistingAssetInput, IAssetInput, UpdateAudienceEndpointInput,
};
use crate::strict::Strict;

use super::*;

fn err<T: DeserializeOwned + Strict + std::fmt::Debug>(json: &str) -> FieldError {
    parse::<T>(json.as_bytes()).unwrap_err()
}

#[test]
fn unions_round_trip_with_tag_first() {
    let json = r#"{"_t":"MultiAssetInput","assets":[{"_t":"ExistingAssetInput","name":"a.jpg"},{"_t":"TextAssetInput","text":"hi"}]}"#;
    let asset: IAssetInput = parse(json.as_bytes()).unwrap();
    let IAssetInput::MultiAssetInput(multi) = &asset else {
        panic!()
    };
    assert_eq!(multi.assets.len(), 2);
    assert_eq!(serde_json::to_string(&asset).unwrap(), json);
}

#[test]
fn errors_name_the_nested_field() {
    let e = err::<CreateDatapointEndpointInput>(
        r#"{"segments":[{"key":"asset","kind":"Asset","asset":{"_t":"MultiAssetInput","assets":[{"_t":"ExistingAssetInput"}]}}]}"#,
    );
    assert_eq!(e.path, "segments[0].asset.assets[0].name");
    assert_eq!(e.message, "The name field is required.");

    let e = err::<CreateDatapointEndpointInput>(
        r#"{"segments":[{"key":"asset","kind":"Asset","asset":{"_t":"MultiAssetInput","assets":[{"_t":"Nope","name":"x"}]}}]}"#,
    );
    assert_eq!(e.path, "segments[0].asset.assets[0]._t");
    assert!(e.message.contains("Nope"), "{}", e.message);

    let e = err::<CreateDatapointEndpointInput>(r#"{"segments":[],"sortIndex":"one"}"#);
    assert_eq!(e.path, "sortIndex");

    let e = err::<CreateAudienceEndpointInput>(
        r#"{"name":"x","filters":[{"_t":"NotFilter","filter":{"_t":"CountryFilter","countries":[1]}}]}"#,
    );
    assert_eq!(e.path, "filters[0].filter.countries[0]");

    let e = err::<CreateAudienceEndpointInput>(r#"{"filters":[]}"#);
    assert_eq!(e.path, "name");

    let e = err::<CreateAudienceEndpointInput>(r#"{"name": "#);
    assert_eq!(e.path, "$");

    let e = err::<CreateJobDefinitionEndpointInput>(
        r#"{"definitionName":"d","datasetId":"x","referee":{"_t":"NaiveReferee","totalVotes":3},"workflow":{"_t":"SimpleWorkflow","rapid":{"_t":"Compare","asset":{"segment":"asset"}}}}"#,
    );
    assert_eq!(e.path, "workflow.rapid.criteria");

    let e = err::<CreateJobDefinitionEndpointInput>(
        r#"{"definitionName":"d","datasetId":"x","referee":{"totalVotes":3},"workflow":{"_t":"SimpleWorkflow"}}"#,
    );
    assert_eq!(e.path, "referee._t");

    let e = err::<CreateJobDefinitionEndpointInput>(
        r#"{"definitionName":"d","datasetId":"x","referee":null,"workflow":{"_t":"SimpleWorkflow"}}"#,
    );
    assert_eq!(e.path, "referee");
}

#[test]
fn unknown_enum_values_are_errors() {
    let e = err::<CreateAudienceEndpointInput>(
        r#"{"name":"x","filters":[{"_t":"OrFilter","filters":[{"_t":"DeviceFilter","deviceTypes":["Phone","Laptop"]}]}]}"#,
    );
    assert_eq!(e.path, "filters[0].filters[0].deviceTypes[1]");
    assert!(e.message.contains("\"Laptop\""), "{}", e.message);
    assert!(e.message.contains("Tablet"), "{}", e.message);

    let e = err::<UpdateAudienceEndpointInput>(r#"{"distillingRetrievalMode":"Backwards"}"#);
    assert_eq!(e.path, "distillingRetrievalMode");

    let e = err::<AddExampleToAudienceEndpointInput>(
        r#"{"asset":{"_t":"TextAssetInput","text":"x"},"payload":{"_t":"CompareExamplePayload","criteria":"c"},"randomCorrectProbability":0.5,"visibility":"Secret"}"#,
    );
    assert_eq!(e.path, "visibility");
}

#[test]
fn patch_fields_have_three_states() {
    let u: UpdateAudienceEndpointInput = parse(br#"{"description":null}"#).unwrap();
    assert_eq!(u.description, Some(None));
    assert_eq!(u.drop_score, None);
    let u: UpdateAudienceEndpointInput = parse(br#"{"dropScore":0.5}"#).unwrap();
    assert_eq!(u.drop_score, Some(Some(0.5)));
}

#[test]
fn required_nullable_must_be_present() {
    let e = err::<ExistingAssetInput>(
        r#"{"name":"a","metadata":{"k":{"_t":"TextMetadataInput","visibilities":[]}}}"#,
    );
    assert_eq!(e.path, "metadata.k.text");
}
