//! OpenAPI 3.1 `webhooks` → one generated type per payload and an open event enum.
//!
//! Runs before [`crate::upgrade`] (which would drop the section): each webhook's JSON
//! request body schema becomes a component schema, so it is converted, adapted and
//! generated like every other type. An inline schema is moved to
//! `#/components/schemas/{Name}Webhook` (`Name` from the webhook's key, made unique); a
//! `$ref` to a component schema is used as it is. The section is then removed.
//!
//! The event name a payload is dispatched on is its `event` property's `const` (or
//! single `enum` value); without one, the webhook's key. [`to_rust`] writes
//! `WebhookEvent { Variant(Box<types::X>), ..., Unknown(serde_json::Value) }` with a
//! `from_payload` that picks the variant by the body's `event`, so an event the spec
//! does not know stays raw JSON. Without a `webhooks` section the enum has only
//! `Unknown`. A webhook this cannot type (no JSON body, a schema that is not a component
//! reference or a mapping, an event named twice, a type the generator did not emit) is
//! left out with a note: it still arrives as `Unknown`.
//!
//! Payloads are data Knot sends us, so they get the response treatment of
//! [`crate::adapt`] (open enums, unknown fields tolerated): each is also listed under
//! `#/components/responses/Webhook{Schema}`, which adapt counts as a response.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::notes::Notes;
use crate::pointer::join;

/// One typed webhook: its event name and the component schema holding its payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookType {
    /// The `event` value, e.g. `AUTHENTICATED`.
    pub event: String,
    /// The component schema name (`#/components/schemas/{schema}`).
    pub schema: String,
    /// Where the webhook is declared (JSON pointer), for notes.
    pub at: String,
}

/// Moves webhook payload schemas into components, removes the `webhooks` section and
/// returns what to type. Call on the checked document, before [`crate::upgrade`].
pub fn extract(doc: &mut Value, notes: &mut Notes) -> Vec<WebhookType> {
    let Some(Value::Object(webhooks)) = doc.as_object_mut().and_then(|r| r.remove("webhooks"))
    else {
        return Vec::new();
    };
    let mut out: Vec<WebhookType> = Vec::new();
    for (key, item) in &webhooks {
        let at = join("#/webhooks", key);
        let Some((schema, schema_at)) = payload_schema(item, &at) else {
            notes.add(
                format!("webhook `{key}` has no JSON request body schema; it stays untyped"),
                &at,
            );
            continue;
        };
        let name = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => match reference.strip_prefix("#/components/schemas/") {
                Some(name) if !name.contains('/') => name.replace("~1", "/").replace("~0", "~"),
                _ => {
                    notes.add(
                        format!("webhook `{key}` refers to a schema outside components; it stays untyped"),
                        &schema_at,
                    );
                    continue;
                }
            },
            None if schema.is_object() => {
                let name = unique_name(doc, &format!("{}Webhook", pascal(key)));
                let schemas = doc
                    .as_object_mut()
                    .expect("checked above")
                    .entry("components")
                    .or_insert_with(|| Value::Object(Map::new()))
                    .as_object_mut()
                    .and_then(|c| {
                        c.entry("schemas")
                            .or_insert_with(|| Value::Object(Map::new()))
                            .as_object_mut()
                    });
                let Some(schemas) = schemas else {
                    continue;
                };
                schemas.insert(name.clone(), schema.clone());
                name
            }
            None => {
                notes.add(
                    format!("webhook `{key}` has a schema that is not a mapping; it stays untyped"),
                    &schema_at,
                );
                continue;
            }
        };
        let event = doc
            .pointer(&format!("/components/schemas/{}", escape(&name)))
            .and_then(event_const)
            .unwrap_or_else(|| key.clone());
        if out.iter().any(|w| w.event == event) {
            notes.add(
                format!("webhook `{key}` names event `{event}` a second time; it stays untyped"),
                &at,
            );
            continue;
        }
        out.push(WebhookType {
            event,
            schema: name,
            at,
        });
    }
    mark_as_received(doc, &out);
    out
}

/// Webhook payloads are data Knot sends, like responses: listing each under
/// `components/responses` lets [`crate::adapt`] give them the response treatment (open
/// enums, unknown fields tolerated). progenitor generates nothing for an unused response.
fn mark_as_received(doc: &mut Value, webhooks: &[WebhookType]) {
    let Some(components) = doc
        .as_object_mut()
        .and_then(|r| r.get_mut("components"))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let Some(responses) = components
        .entry("responses")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
    else {
        return;
    };
    for webhook in webhooks {
        let base = format!("Webhook{}", webhook.schema);
        let name = (1..)
            .map(|n| {
                if n == 1 {
                    base.clone()
                } else {
                    format!("{base}{n}")
                }
            })
            .find(|name| !responses.contains_key(name))
            .expect("some suffix is free");
        responses.insert(
            name,
            serde_json::json!({
                "description": format!("The `{}` webhook's payload.", webhook.event),
                "content": { "application/json": { "schema": {
                    "$ref": format!("#/components/schemas/{}", escape(&webhook.schema))
                } } }
            }),
        );
    }
}

/// The webhook's request body schema (first operation with one, JSON media type).
fn payload_schema<'v>(item: &'v Value, at: &str) -> Option<(&'v Value, String)> {
    let Value::Object(operations) = item else {
        return None;
    };
    operations.iter().find_map(|(method, operation)| {
        let content = operation.pointer("/requestBody/content")?.as_object()?;
        let (media, body) = content
            .iter()
            .find(|(media, _)| media.starts_with("application/json"))
            .or_else(|| content.iter().find(|(media, _)| media.contains("json")))?;
        let schema = body.get("schema")?;
        let schema_at = join(
            &join(&join(&join(at, method), "requestBody/content"), media),
            "schema",
        );
        Some((schema, schema_at))
    })
}

/// `properties.event.const`, or its single `enum` value.
fn event_const(schema: &Value) -> Option<String> {
    let event = schema.pointer("/properties/event")?;
    if let Some(Value::String(value)) = event.get("const") {
        return Some(value.clone());
    }
    match event.get("enum") {
        Some(Value::Array(values)) if values.len() == 1 => values[0].as_str().map(str::to_owned),
        _ => None,
    }
}

fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

fn unique_name(doc: &Value, base: &str) -> String {
    let taken = |name: &str| {
        doc.pointer(&format!("/components/schemas/{}", escape(name)))
            .is_some()
    };
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|name| !taken(name))
        .expect("some suffix is free")
}

/// `MERCHANT_STATUS_UPDATE` / `merchant-status.update` → `MerchantStatusUpdate`; a
/// leading digit gets an `Event` prefix; nothing usable gives `Event`.
pub fn pascal(text: &str) -> String {
    let mut out = String::new();
    for word in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            let rest: String = chars.collect();
            // ALL_CAPS words are lowered; camelCase words keep their humps.
            if word.chars().all(|c| !c.is_ascii_lowercase()) {
                out.push_str(&rest.to_ascii_lowercase());
            } else {
                out.push_str(&rest);
            }
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "Event");
    }
    out
}

/// Rust source of the event enum for the webhooks whose type the generated `client`
/// defines (a `pub struct` or `pub enum` of that name); the others get a note.
pub fn to_rust(webhooks: &[WebhookType], client: &str, notes: &mut Notes) -> String {
    let mut variants: Vec<(String, String, &WebhookType)> = Vec::new();
    let mut used = BTreeSet::from(["Unknown".to_owned()]);
    for webhook in webhooks {
        // The Rust type typify gave the payload schema (`Error` is `ErrorBody`, ...).
        let rust = crate::generate::type_name(&webhook.schema);
        let defined = ["pub struct {} ", "pub struct {}(", "pub enum {} "]
            .iter()
            .any(|form| client.contains(&form.replace("{}", &rust)));
        if !defined {
            notes.add(
                format!(
                    "webhook payload `{}` was not generated as a type of that name; event `{}` stays untyped",
                    webhook.schema, webhook.event
                ),
                &webhook.at,
            );
            continue;
        }
        let mut variant = pascal(&webhook.event);
        if used.contains(&variant) {
            variant.push_str("Event");
        }
        if !used.insert(variant.clone()) {
            notes.add(
                format!(
                    "webhook event `{}` has no free variant name; it stays untyped",
                    webhook.event
                ),
                &webhook.at,
            );
            continue;
        }
        variants.push((variant, rust, webhook));
    }

    let mut out = String::from(
        "// @generated by knot-codegen from the spec's `webhooks` section. Do not edit.\n\n",
    );
    out.push_str("/// A webhook's payload: typed for the events the spec declares, raw JSON for any other.\n");
    out.push_str("///\n/// `Debug` shows only the event (payloads carry session ids).\n");
    out.push_str("#[derive(Clone, PartialEq)]\n#[non_exhaustive]\npub enum WebhookEvent {\n");
    for (variant, rust, webhook) in &variants {
        out.push_str(&format!(
            "    /// `{event}` (schema `{schema}`).\n    {variant}(::std::boxed::Box<crate::types::{rust}>),\n",
            event = rust_doc(&webhook.event),
            schema = webhook.schema,
        ));
    }
    out.push_str("    /// An event this spec does not declare, kept as sent.\n    Unknown(::serde_json::Value),\n}\n\n");

    out.push_str("impl WebhookEvent {\n");
    out.push_str("    /// The events typed by this build, as they appear in `event`.\n");
    out.push_str("    pub const KNOWN: &'static [&'static str] = &[");
    for (i, (_, _, webhook)) in variants.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&format!("{:?}", webhook.event));
    }
    out.push_str("];\n\n");
    out.push_str(
        "    /// Picks the variant by the payload's `event`; an undeclared event is `Unknown`.\n",
    );
    out.push_str("    /// A declared event whose payload does not fit its type is an error.\n");
    out.push_str("    pub fn from_payload(payload: ::serde_json::Value) -> ::std::result::Result<Self, ::serde_json::Error> {\n");
    if variants.is_empty() {
        out.push_str("        ::std::result::Result::Ok(Self::Unknown(payload))\n");
    } else {
        out.push_str("        let event = payload.get(\"event\").and_then(::serde_json::Value::as_str).unwrap_or_default();\n");
        out.push_str("        match event {\n");
        for (variant, _, webhook) in &variants {
            out.push_str(&format!(
                "            {event:?} => ::serde_json::from_value(payload).map(|p| Self::{variant}(::std::boxed::Box::new(p))),\n",
                event = webhook.event,
            ));
        }
        out.push_str(
            "            _ => ::std::result::Result::Ok(Self::Unknown(payload)),\n        }\n",
        );
    }
    out.push_str("    }\n\n");
    out.push_str("    /// The event name of a typed variant (`None` for `Unknown`).\n");
    out.push_str("    pub fn known_event(&self) -> ::std::option::Option<&'static str> {\n        match self {\n");
    for (variant, _, webhook) in &variants {
        out.push_str(&format!(
            "            Self::{variant}(_) => ::std::option::Option::Some({:?}),\n",
            webhook.event
        ));
    }
    out.push_str(
        "            Self::Unknown(_) => ::std::option::Option::None,\n        }\n    }\n\n",
    );
    out.push_str("    /// The payload as JSON: a typed one re-serialized (only the fields its type lists),\n");
    out.push_str("    /// an `Unknown` one as sent.\n");
    out.push_str("    pub fn to_value(&self) -> ::serde_json::Value {\n        match self {\n");
    for (variant, _, _) in &variants {
        out.push_str(&format!(
            "            Self::{variant}(payload) => ::serde_json::to_value(payload).unwrap_or_default(),\n"
        ));
    }
    out.push_str("            Self::Unknown(payload) => payload.clone(),\n        }\n    }\n}\n\n");

    out.push_str("impl ::std::fmt::Debug for WebhookEvent {\n    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {\n        match self {\n");
    for (variant, _, _) in &variants {
        out.push_str(&format!(
            "            Self::{variant}(_) => f.write_str(\"WebhookEvent::{variant}(..)\"),\n"
        ));
    }
    out.push_str("            Self::Unknown(_) => f.write_str(\"WebhookEvent::Unknown(..)\"),\n        }\n    }\n}\n");
    out
}

/// Text safe inside a `///` line and backticks.
fn rust_doc(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() || c == '`' { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The event enum names the payload by the Rust type typify gave it, so a payload
    /// schema named `Error` (generated as `ErrorBody`) is still typed.
    #[test]
    fn payloads_are_found_under_their_rust_type_name() {
        let webhooks = [WebhookType {
            event: "FAILED".into(),
            schema: "Error".into(),
            at: "#/webhooks/failed".into(),
        }];
        let mut notes = Notes::default();
        let rust = to_rust(&webhooks, "pub struct ErrorBody {", &mut notes);
        assert!(notes.is_empty(), "{notes:?}");
        assert!(
            rust.contains("Failed(::std::boxed::Box<crate::types::ErrorBody>)"),
            "{rust}"
        );
    }
}
