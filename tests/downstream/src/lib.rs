//! A downstream crate's use of knot-api's generated types: embedded in its own serde and
//! schemars types, built with the builders, matched with a wildcard arm. Nothing here may
//! need changing when Knot makes an additive spec change (new optional request field, new
//! response field, new enum value or error code, new operation or optional parameter).

use knot_api::types;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What this crate records about each session it creates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SessionAudit {
    /// The request as sent.
    pub request: types::SessionCreateBody,
    /// Knot's answer.
    pub response: Option<types::SessionCreateResponse>,
    /// Knot's error body, when it refused.
    pub error: Option<types::ErrorBody>,
    /// This crate's own field.
    pub attempt: u32,
}

/// A card-switcher request, built the only way a `#[non_exhaustive]` type allows.
pub fn card_switcher(user: &str, card: &str) -> types::SessionCreateBody {
    types::SessionCreateBody::builder()
        .type_(types::SessionCreateBodyType::CardSwitcher)
        .external_user_id(user)
        .card_id(card)
        .try_into()
        .expect("type and external_user_id are set")
}

/// What to tell the user for an error code; open enum, wildcard arm.
pub fn advice(code: &types::ErrorErrorCode) -> &'static str {
    match code {
        types::ErrorErrorCode::InvalidField => "check the request",
        types::ErrorErrorCode::InvalidApiKeys => "check the credentials",
        types::ErrorErrorCode::SessionNotFound => "start a new session",
        types::ErrorErrorCode::Unknown(_) => "a code this build does not know",
        _ => "a known code without specific advice",
    }
}

/// A product label; the request enum is `#[non_exhaustive]` too.
pub fn product(kind: &types::SessionCreateBodyType) -> &'static str {
    match kind {
        types::SessionCreateBodyType::CardSwitcher => "card switcher",
        types::SessionCreateBodyType::Link => "link",
        _ => "another product",
    }
}

/// Reads a response the way a service behind this crate would.
pub fn session_of(json: &str) -> Option<String> {
    let response: types::SessionCreateResponse = serde_json::from_str(json).ok()?;
    response.session.map(knot_api::Secret::into_inner)
}

/// The JSON Schema of the audit record (generated types included).
pub fn audit_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(SessionAudit)).expect("schema serializes")
}

/// A session through the public API only: one chain, `?`, the crate's `Result`.
pub async fn start(
    knot: &knot_api::KnotClient,
    user: &str,
    card: &str,
) -> knot_api::Result<knot_api::Session> {
    knot.create_session(card_switcher(user, card)).await
}

/// Any operation the same way, with per-call options.
pub async fn raw_answer(
    knot: &knot_api::KnotClient,
    user: &str,
) -> knot_api::Result<types::SessionCreateResponse> {
    knot.session_create()
        .body(types::SessionCreateBody::builder().type_(types::SessionCreateBodyType::Link).external_user_id(user))
        .options(knot_api::RequestOptions::new().max_retries(0))
        .send()
        .await
}

/// A client call through the public API only.
pub fn client(base_url: &str) -> Result<knot_api::KnotClient, knot_api::Error> {
    knot_api::KnotClient::builder()
        .base_url(base_url)
        .credentials("id", "secret")
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_codes_round_trip_and_fall_to_the_wildcard() {
        let error: types::ErrorBody = serde_json::from_str(
            r#"{"error_type":"INVALID_REQUEST","error_code":"NEW_CODE_FROM_KNOT","error_message":"x"}"#,
        )
        .unwrap();
        let code = error.error_code.clone().unwrap();
        assert_eq!(advice(&code), "a code this build does not know");
        assert_eq!(
            serde_json::to_value(&error).unwrap()["error_code"],
            "NEW_CODE_FROM_KNOT"
        );
        let audit = SessionAudit {
            request: card_switcher("u", "c"),
            response: None,
            error: Some(error),
            attempt: 1,
        };
        let again: SessionAudit =
            serde_json::from_value(serde_json::to_value(&audit).unwrap()).unwrap();
        assert_eq!(again, audit);
        assert!(audit_schema()["definitions"]["SessionCreateBody"].is_object());
        assert_eq!(session_of(r#"{"session":"s"}"#).as_deref(), Some("s"));
        assert_eq!(
            product(&types::SessionCreateBodyType::Vault),
            "another product"
        );
    }
}
