//! OpenAPI 3.1 `webhooks` → one generated type per payload and an open event enum.
//!
//! Runs before [`crate::adapt::upgrade`] (which would drop the section): each webhook's JSON
//! request body schema becomes a component schema, so it is converted, adapted and
//! generated like every other type. An inline schema is moved to
//! `#/components/schemas/{Name}Webhook` (`Name` from the webhook's key, made unique); a
//! `$ref` to a component schema is used as it is. The section is then removed.
//!
//! The event name a payload is dispatched on is its `event` property's `const` (or
//! single `enum` value); without one, the webhook's key. `generate::webhooks` writes
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

use serde_json::{Map, Value};

use crate::notes::Notes;
use crate::spec::pointer::join;

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
/// returns what to type. Call on the checked document, before [`crate::adapt::upgrade`].
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
                Some(name) if !name.contains('/') => crate::spec::pointer::unescape(name),
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
