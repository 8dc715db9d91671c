//! The spec stage: reading the document and checking what every later stage relies on.
//!
//! - [`load`]: YAML or JSON to a JSON value, with line and column in errors; the
//!   OpenAPI version.
//! - [`check`]: references resolve, nothing nests absurdly deep or reaches itself only
//!   through references, every operation has a unique name.
//! - [`walk`], [`pointer`](mod@pointer), [`schema`]: where operations and schemas live, JSON pointers,
//!   reading schemas through `$ref`s.

pub mod check;
pub mod load;
pub mod pointer;
pub mod schema;
pub mod walk;
