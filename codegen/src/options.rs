//! What a build asks of the generated code beyond the spec: the optional trait impls a
//! crate's features turn on, read by its build script and handed to the generator.

/// Settings for one generation. `Options::default()` is what knot-api's default
/// features ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// Derive `schemars::JsonSchema` on every generated type (knot-api's `schemars`
    /// feature). In a large spec's debug build, schemars' generic code is most of what
    /// LLVM compiles, so a crate that does not describe the types leaves it out.
    pub json_schema: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self { json_schema: true }
    }
}

impl Options {
    /// With or without `schemars::JsonSchema` on the generated types.
    #[must_use]
    pub fn json_schema(mut self, derive: bool) -> Self {
        self.json_schema = derive;
        self
    }
}
