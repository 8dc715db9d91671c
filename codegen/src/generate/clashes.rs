//! Two types with one Rust name. typify names a component schema after its key and an
//! inline schema after where it sits, and does not check the two apart: `Address` and
//! `address`, or a component `financial_connections.account_ownership` and the inline
//! `ownership` of `financial_connections.account`, both become one name, defined twice,
//! and the crate does not compile. The names progenitor's first run gave are read back;
//! a component whose name is taken twice gets another key (and every reference to it
//! follows), with a note, until every name is one type's.

use std::collections::BTreeMap;

use serde_json::Value;

use super::names::typify_type;
use super::progenitor::{Failure, probe};
use crate::notes::Notes;

/// Renames the component schemas whose Rust name another type also has, and returns the
/// names of the document that then generates. Two inline types with one name are left
/// (the build says so).
pub fn separate(
    doc: &mut Value,
    mut names: Vec<String>,
    notes: &mut Notes,
) -> Result<Vec<String>, Failure> {
    // Each round renames at least one component to a name no type has: it ends.
    loop {
        // Open enums are replaced types, which typify does not list: counted by key.
        let open: Vec<String> = crate::generate::open_enums::components(doc)
            .into_iter()
            .map(|(key, _)| typify_type(key))
            .collect();
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        for name in names.iter().chain(&open) {
            *count.entry(name).or_default() += 1;
        }
        let keys: Vec<String> = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| schemas.keys().cloned().collect())
            .unwrap_or_default();
        let mut renames = Vec::new();
        for (name, _) in count.iter().filter(|(_, n)| **n > 1) {
            let holders: Vec<&String> = keys.iter().filter(|k| typify_type(k) == *name).collect();
            // Two components: the first keeps the name. One: an inline type has it too.
            let skip = usize::from(holders.len() > 1);
            renames.extend(holders.into_iter().skip(skip).cloned());
        }
        if renames.is_empty() {
            return Ok(names);
        }
        for key in renames {
            let new_key = free_key(doc, &key, &names);
            rename(doc, &key, &new_key);
            notes.add(
                "component schema given a numbered Rust name (`X2`): its name is also another type's",
                crate::spec::pointer::join("#/components/schemas", &key),
            );
            names.push(typify_type(&new_key));
        }
        names = probe(doc)?;
    }
}

/// `key` with a number that gives a key and a Rust name nobody has.
fn free_key(doc: &Value, key: &str, names: &[String]) -> String {
    (2..)
        .map(|n| format!("{key}_{n}"))
        .find(|candidate| {
            doc.pointer("/components/schemas")
                .and_then(|s| s.get(candidate))
                .is_none()
                && !names.contains(&typify_type(candidate))
        })
        .expect("an unbounded sequence has a free key")
}

/// Moves component schema `from` to `to` and points every reference (and discriminator
/// mapping) at it.
fn rename(doc: &mut Value, from: &str, to: &str) {
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return;
    };
    let Some(schema) = schemas.remove(from) else {
        return;
    };
    schemas.insert(to.to_owned(), schema);
    let old = format!(
        "#/components/schemas/{}",
        crate::spec::pointer::escape(from)
    );
    let new = format!("#/components/schemas/{}", crate::spec::pointer::escape(to));
    crate::spec::walk::repoint(doc, &BTreeMap::from([(old, new)]));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_renamed_component_takes_its_references_along() {
        let mut doc = json!({
            "paths": { "/a": { "get": { "responses": { "200": { "content": {
                "application/json": { "schema": { "$ref": "#/components/schemas/address" },
                    "example": { "$ref": "#/components/schemas/address" } } } } } } } },
            "components": { "schemas": {
                "Address": { "type": "object" },
                "address": { "type": "object" },
                "Pet": { "oneOf": [{ "$ref": "#/components/schemas/address" }],
                    "discriminator": { "propertyName": "t",
                        "mapping": { "a": "#/components/schemas/address" } } }
            } }
        });
        rename(&mut doc, "address", "address_2");
        let schemas = &doc["components"]["schemas"];
        assert!(schemas.get("address").is_none());
        assert_eq!(schemas["address_2"], json!({ "type": "object" }));
        assert_eq!(
            schemas["Pet"]["oneOf"][0]["$ref"],
            "#/components/schemas/address_2"
        );
        assert_eq!(
            schemas["Pet"]["discriminator"]["mapping"]["a"],
            "#/components/schemas/address_2"
        );
        let media = &doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"];
        assert_eq!(media["schema"]["$ref"], "#/components/schemas/address_2");
        assert_eq!(
            media["example"]["$ref"], "#/components/schemas/address",
            "data stays"
        );
        assert_eq!(free_key(&doc, "Address", &["Address2".into()]), "Address_3");
    }
}
