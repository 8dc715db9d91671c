//! A synthetic spec of any size, shaped like Knot's API, for the build-time benchmark and
//! the test that the crate compiles against a large spec.

/// A plausible large Knot spec: `n` operations alternating POST with a JSON body and GET
/// with path and query parameters returning an array.
pub fn spec(n: usize) -> String {
    let mut paths = serde_json::Map::new();
    let mut schemas = serde_json::Map::new();
    for i in 0..n {
        let item = format!("Resource{i}");
        schemas.insert(
            item.clone(),
            serde_json::json!({
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": { "type": "string" },
                    "status": { "type": "string", "enum": ["active", "paused", "closed"] },
                    "created_at": { "type": "string", "format": "date-time" },
                    "amount": { "type": ["number", "null"] },
                    "tags": { "type": "array", "items": { "type": "string" } },
                }
            }),
        );
        let op = if i % 2 == 0 {
            serde_json::json!({ "post": {
                "operationId": format!("create_resource_{i}"),
                "requestBody": { "content": { "application/json": { "schema": {
                    "type": "object", "required": ["name"],
                    "properties": {
                        "name": { "type": "string", "maxLength": 100 },
                        "kind": { "type": "string", "enum": ["a", "b", "c"] },
                        "note": { "type": ["string", "null"] },
                        "metadata": { "type": ["object", "null"], "additionalProperties": { "type": "string" } },
                    }
                } } } },
                "responses": {
                    "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{item}") } } } },
                    "400": { "description": "bad", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
                }
            } })
        } else {
            serde_json::json!({ "get": {
                "operationId": format!("list_resources_{i}"),
                "parameters": [
                    { "name": "owner_id", "in": "path", "required": true, "schema": { "type": "string" } },
                    { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 100 } },
                    { "name": "cursor", "in": "query", "schema": { "type": ["string", "null"] } },
                ],
                "responses": {
                    "200": { "description": "ok", "content": { "application/json": { "schema": {
                        "type": "array", "items": { "$ref": format!("#/components/schemas/{item}") }
                    } } } },
                }
            } })
        };
        let path = if i % 2 == 0 {
            format!("/resource{i}/create")
        } else {
            format!("/owners/{{owner_id}}/resource{i}")
        };
        paths.insert(path, op);
    }
    schemas.insert(
        "Error".into(),
        serde_json::json!({ "type": "object", "properties": {
            "error_type": { "type": "string" }, "error_code": { "type": "string" }, "error_message": { "type": "string" }
        } }),
    );
    serde_json::to_string_pretty(&serde_json::json!({
        "openapi": "3.1.0",
        "info": { "title": "Synthetic Knot API", "version": "1.0.0" },
        "paths": paths,
        "components": { "schemas": schemas },
    }))
    .unwrap()
}
