//! OpenAPI-level rules: a request may only get wider, a response only narrower.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::Finding;
use crate::PreparedSpec;
use crate::spec::load::{self, LoadedSpec};
use crate::spec::pointer;
use crate::spec::schema;
use crate::spec::walk;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dir {
    Request,
    Response,
}

pub(super) struct Ctx<'a> {
    pub(super) old: &'a PreparedSpec,
    pub(super) new: &'a PreparedSpec,
    pub(super) findings: Vec<Finding>,
    /// The operation being compared (`POST /session/create`), named in each finding.
    pub(super) operation: String,
    /// The pairs of schemas (as written) being compared on the way to the current one.
    /// Meeting a pair again means the schemas recurse (a tree, a linked list, or a
    /// reference cycle in a document that skipped the check); there is nothing new below.
    pub(super) comparing: Vec<(String, String)>,
}

/// Which spec a pointer refers to.
#[derive(Clone, Copy)]
enum Side {
    Old,
    New,
}

impl Ctx<'_> {
    fn push(&mut self, breaking: bool, rule: &'static str, side: Side, at: &str, message: String) {
        let spec: &LoadedSpec = match side {
            Side::Old => &self.old.loaded,
            Side::New => &self.new.loaded,
        };
        let location = match load::line_of(&spec.text, at) {
            Some(line) => format!("{}:{line}", spec.path),
            None => spec.path.clone(),
        };
        self.findings.push(Finding {
            breaking,
            rule,
            operation: Some(self.operation.clone()),
            pointer: at.to_owned(),
            location,
            message,
        });
    }
}

/// Compares the operations of the two specs.
pub(super) fn operations(ctx: &mut Ctx<'_>) {
    let index = |doc: &Value| -> BTreeMap<String, walk::OperationRef> {
        walk::operations(doc)
            .into_iter()
            .map(|op| (op.label(), op))
            .collect()
    };
    let old_ops = index(&ctx.old.doc);
    let new_ops = index(&ctx.new.doc);
    for (label, op) in &old_ops {
        ctx.operation = label.clone();
        if !new_ops.contains_key(label) {
            ctx.push(
                true,
                "operation-removed",
                Side::Old,
                &op.pointer,
                format!("operation {label} removed"),
            );
        }
    }
    for (label, op) in &new_ops {
        ctx.operation = label.clone();
        match old_ops.get(label) {
            None => ctx.push(
                false,
                "operation-added",
                Side::New,
                &op.pointer,
                format!("operation {label} added"),
            ),
            Some(old_op) => operation(ctx, old_op, op),
        }
    }
}

fn get<'a>(doc: &'a Value, at: &str) -> &'a Value {
    static NULL: Value = Value::Null;
    walk::pointer_get(doc, at).unwrap_or(&NULL)
}

fn operation(ctx: &mut Ctx<'_>, old_op: &walk::OperationRef, new_op: &walk::OperationRef) {
    let (old_doc, new_doc) = (&ctx.old.doc, &ctx.new.doc);
    let old = get(old_doc, &old_op.pointer).clone();
    let new = get(new_doc, &new_op.pointer).clone();

    // Success statuses.
    let successes = |op: &Value| -> BTreeSet<String> {
        op.get("responses")
            .and_then(Value::as_object)
            .map(|r| r.keys().filter(|c| c.starts_with('2')).cloned().collect())
            .unwrap_or_default()
    };
    for code in successes(&old).difference(&successes(&new)) {
        let at = pointer::join(&format!("{}/responses", old_op.pointer), code);
        ctx.push(
            true,
            "success-status-removed",
            Side::Old,
            &at,
            format!("success response {code} removed"),
        );
    }

    // Request body.
    let old_body = schema::deref(old_doc, old.get("requestBody").unwrap_or(&Value::Null)).clone();
    let new_body = schema::deref(new_doc, new.get("requestBody").unwrap_or(&Value::Null)).clone();
    let body_at = format!("{}/requestBody", new_op.pointer);
    let required = |b: &Value| b.get("required") == Some(&Value::Bool(true));
    if !old_body.is_null() && !required(&old_body) && required(&new_body) {
        ctx.push(
            true,
            "request-body-became-required",
            Side::New,
            &body_at,
            "request body became required".into(),
        );
    }
    if old_body.is_null() && required(&new_body) {
        ctx.push(
            true,
            "request-body-added-required",
            Side::New,
            &body_at,
            "required request body added".into(),
        );
    }
    media_types(
        ctx,
        &old_body,
        &new_body,
        &format!("{}/requestBody", old_op.pointer),
        &body_at,
        Dir::Request,
    );

    // Parameters (path-level ones merged in).
    let params = |doc: &Value,
                  op: &walk::OperationRef,
                  operation: &Value|
     -> BTreeMap<(String, String), (Value, String)> {
        let mut out = BTreeMap::new();
        let item_at = pointer::join("#/paths", &op.path);
        let mut lists = vec![(
            get(doc, &format!("{item_at}/parameters")).clone(),
            format!("{item_at}/parameters"),
        )];
        lists.push((
            operation.get("parameters").cloned().unwrap_or(Value::Null),
            format!("{}/parameters", op.pointer),
        ));
        for (list, at) in lists {
            for (i, p) in list.as_array().into_iter().flatten().enumerate() {
                let p = schema::deref(doc, p).clone();
                let key = (
                    p.get("in").and_then(Value::as_str).unwrap_or("").to_owned(),
                    p.get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                );
                out.insert(key, (p, format!("{at}/{i}")));
            }
        }
        out
    };
    let old_params = params(old_doc, old_op, &old);
    let new_params = params(new_doc, new_op, &new);
    for ((place, name), (p, at)) in &new_params {
        let is_required = p.get("required") == Some(&Value::Bool(true));
        match old_params.get(&(place.clone(), name.clone())) {
            None if is_required => ctx.push(
                true,
                "required-parameter-added",
                Side::New,
                at,
                format!("required {place} parameter `{name}` added"),
            ),
            None => ctx.push(
                false,
                "optional-parameter-added",
                Side::New,
                at,
                format!("optional {place} parameter `{name}` added"),
            ),
            Some((old_p, old_at)) => {
                if old_p.get("required") != Some(&Value::Bool(true)) && is_required {
                    ctx.push(
                        true,
                        "parameter-became-required",
                        Side::New,
                        at,
                        format!("{place} parameter `{name}` became required"),
                    );
                }
                schema_below(ctx, old_p, p, old_at, at, Dir::Request);
            }
        }
    }
    for ((place, name), (_, at)) in &old_params {
        if !new_params.contains_key(&(place.clone(), name.clone())) {
            ctx.push(
                false,
                "parameter-removed",
                Side::Old,
                at,
                format!("{place} parameter `{name}` removed"),
            );
        }
    }

    // Success responses.
    for code in successes(&old).intersection(&successes(&new)) {
        let old_at = pointer::join(&format!("{}/responses", old_op.pointer), code);
        let new_at = pointer::join(&format!("{}/responses", new_op.pointer), code);
        let old_r = schema::deref(old_doc, get(old_doc, &old_at)).clone();
        let new_r = schema::deref(new_doc, get(new_doc, &new_at)).clone();
        media_types(ctx, &old_r, &new_r, &old_at, &new_at, Dir::Response);
    }
}

fn media_types(ctx: &mut Ctx<'_>, old: &Value, new: &Value, old_at: &str, new_at: &str, dir: Dir) {
    let content = |v: &Value| {
        v.get("content")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (old_c, new_c) = (content(old), content(new));
    let which = if dir == Dir::Request {
        "request"
    } else {
        "response"
    };
    for (media, old_m) in &old_c {
        let old_m_at = pointer::join(&format!("{old_at}/content"), media);
        match new_c.get(media) {
            None => ctx.push(
                true,
                if dir == Dir::Request {
                    "request-media-type-removed"
                } else {
                    "response-media-type-removed"
                },
                Side::Old,
                &old_m_at,
                format!("{which} media type `{media}` removed"),
            ),
            Some(new_m) => {
                let new_m_at = pointer::join(&format!("{new_at}/content"), media);
                schema_below(ctx, old_m, new_m, &old_m_at, &new_m_at, dir);
            }
        }
    }
}

/// Compares the `schema` of two holders (parameters, media types).
fn schema_below(ctx: &mut Ctx<'_>, old: &Value, new: &Value, old_at: &str, new_at: &str, dir: Dir) {
    let of = |holder: &Value| holder.get("schema").cloned().unwrap_or(Value::Null);
    let (old_at, new_at) = (format!("{old_at}/schema"), format!("{new_at}/schema"));
    schema(ctx, &of(old), &of(new), &old_at, &new_at, dir, 0);
}

fn schema(
    ctx: &mut Ctx<'_>,
    old: &Value,
    new: &Value,
    old_at: &str,
    new_at: &str,
    dir: Dir,
    depth: usize,
) {
    if depth > 12 || old.is_null() || new.is_null() {
        return;
    }
    let pair = (old.to_string(), new.to_string());
    if ctx.comparing.contains(&pair) {
        return;
    }
    ctx.comparing.push(pair);
    compare(ctx, old, new, old_at, new_at, dir, depth);
    ctx.comparing.pop();
}

/// [`schema`] once the pair is known not to repeat.
fn compare(
    ctx: &mut Ctx<'_>,
    old: &Value,
    new: &Value,
    old_at: &str,
    new_at: &str,
    dir: Dir,
    depth: usize,
) {
    let old_s = schema::flatten(&ctx.old.doc, old);
    let new_s = schema::flatten(&ctx.new.doc, new);
    let req = dir == Dir::Request;
    let side = if req { "request" } else { "response" };

    let ty = |s: &Map<String, Value>| s.get("type").and_then(Value::as_str).map(str::to_owned);
    if let (Some(a), Some(b)) = (ty(&old_s), ty(&new_s))
        && a != b
    {
        ctx.push(
            true,
            if req {
                "request-type-changed"
            } else {
                "response-type-changed"
            },
            Side::New,
            new_at,
            format!("{side} type changed from `{a}` to `{b}`"),
        );
        return;
    }
    let nullable = |s: &Map<String, Value>| s.get("nullable") == Some(&Value::Bool(true));
    match (nullable(&old_s), nullable(&new_s), req) {
        (true, false, true) => ctx.push(
            true,
            "request-became-not-nullable",
            Side::New,
            new_at,
            "request value no longer accepts null".into(),
        ),
        (false, true, false) => ctx.push(
            true,
            "response-became-nullable",
            Side::New,
            new_at,
            "response value may now be null".into(),
        ),
        _ => {}
    }

    let values = |s: &Map<String, Value>| s.get("enum").and_then(Value::as_array).cloned();
    match (values(&old_s), values(&new_s)) {
        (None, Some(_)) if req => ctx.push(
            true,
            "request-became-enum",
            Side::New,
            new_at,
            "request value is now restricted to an enum".into(),
        ),
        (Some(a), Some(b)) => {
            let show = |v: &Value| {
                v.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| v.to_string())
            };
            // A request may only widen, a response only narrow; except that knot-api's
            // response string enums are open (unknown values are kept, see
            // `adapt::OPEN_ENUM`), so a new response value breaks no knot-api user.
            let open = b.iter().all(Value::is_string);
            for (values, change) in [(&a, "removed"), (&b, "added")] {
                let other = if change == "removed" { &b } else { &a };
                for value in values.iter().filter(|v| !other.contains(v)) {
                    let (breaking, rule) = match (req, change) {
                        (true, "removed") => (true, "request-enum-value-removed"),
                        (true, _) => (false, "request-enum-value-added"),
                        (false, "removed") => (false, "response-enum-value-removed"),
                        (false, _) => (!open, "response-enum-value-added"),
                    };
                    let mut message = format!("{side} enum value `{}` {change}", show(value));
                    if !req && change == "added" && open {
                        message.push_str(
                            " (knot-api's response enums are open: older clients keep it as `Unknown`)",
                        );
                    }
                    ctx.push(breaking, rule, Side::New, new_at, message);
                }
            }
        }
        _ => {}
    }

    if req {
        let max = |s: &Map<String, Value>| s.get("maxLength").and_then(Value::as_u64);
        match (max(&old_s), max(&new_s)) {
            (Some(a), Some(b)) if b < a => ctx.push(
                true,
                "request-max-length-decreased",
                Side::New,
                new_at,
                format!("request maxLength decreased from {a} to {b}"),
            ),
            (None, Some(b)) => ctx.push(
                true,
                "request-max-length-decreased",
                Side::New,
                new_at,
                format!("request maxLength {b} added"),
            ),
            _ => {}
        }
        let pattern =
            |s: &Map<String, Value>| s.get("pattern").and_then(Value::as_str).map(str::to_owned);
        match (pattern(&old_s), pattern(&new_s)) {
            (None, Some(p)) => ctx.push(
                true,
                "request-pattern-added",
                Side::New,
                new_at,
                format!("request pattern `{p}` added"),
            ),
            (Some(a), Some(b)) if a != b => ctx.push(
                true,
                "request-pattern-added",
                Side::New,
                new_at,
                format!("request pattern changed from `{a}` to `{b}`"),
            ),
            _ => {}
        }
    }

    // Object properties.
    let props = |s: &Map<String, Value>| {
        s.get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (old_p, new_p) = (props(&old_s), props(&new_s));
    let (old_r, new_r) = (
        schema::strings(&old_s, "required"),
        schema::strings(&new_s, "required"),
    );
    for (name, new_prop) in &new_p {
        let new_prop_at = pointer::join(&format!("{new_at}/properties"), name);
        match old_p.get(name) {
            None if req && new_r.contains(&name.as_str()) => ctx.push(
                true,
                "request-required-property-added",
                Side::New,
                &new_prop_at,
                format!("required request property `{name}` added"),
            ),
            None => ctx.push(
                false,
                if req {
                    "request-optional-property-added"
                } else {
                    "response-property-added"
                },
                Side::New,
                &new_prop_at,
                format!("{side} property `{name}` added"),
            ),
            Some(old_prop) => {
                let (was, is) = (
                    old_r.contains(&name.as_str()),
                    new_r.contains(&name.as_str()),
                );
                if req && !was && is {
                    ctx.push(
                        true,
                        "request-property-became-required",
                        Side::New,
                        &new_prop_at,
                        format!("request property `{name}` became required"),
                    );
                }
                if !req && was && !is {
                    ctx.push(
                        true,
                        "response-property-became-optional",
                        Side::New,
                        &new_prop_at,
                        format!("response property `{name}` became optional"),
                    );
                }
                let old_prop_at = pointer::join(&format!("{old_at}/properties"), name);
                schema(
                    ctx,
                    old_prop,
                    new_prop,
                    &old_prop_at,
                    &new_prop_at,
                    dir,
                    depth + 1,
                );
            }
        }
    }
    for name in old_p.keys().filter(|n| !new_p.contains_key(*n)) {
        let at = pointer::join(&format!("{old_at}/properties"), name);
        if req {
            ctx.push(
                false,
                "request-property-removed",
                Side::Old,
                &at,
                format!("request property `{name}` removed"),
            );
        } else {
            ctx.push(
                true,
                "response-property-removed",
                Side::Old,
                &at,
                format!("response property `{name}` removed"),
            );
        }
    }
    for key in ["items", "additionalProperties"] {
        if let (Some(a @ Value::Object(_)), Some(b @ Value::Object(_))) =
            (old_s.get(key), new_s.get(key))
        {
            schema(
                ctx,
                a,
                b,
                &format!("{old_at}/{key}"),
                &format!("{new_at}/{key}"),
                dir,
                depth + 1,
            );
        }
    }
}
