//! [`IntoOptional`]: what an optional field's builder setter accepts.

/// A value for an optional field: the value, an `Option` of it, or (for text fields) a
/// `&str`. So `.card_id("card-456")`, `.card_id(id)` with `id: String`, and
/// `.card_id(maybe_id)` with `maybe_id: Option<String>` all work; `None` clears it.
pub trait IntoOptional<T> {
    /// The field's value.
    fn into_optional(self) -> Option<T>;
}

impl<T> IntoOptional<T> for T {
    fn into_optional(self) -> Option<T> {
        Some(self)
    }
}

impl<T> IntoOptional<T> for Option<T> {
    fn into_optional(self) -> Option<T> {
        self
    }
}

impl IntoOptional<String> for &str {
    fn into_optional(self) -> Option<String> {
        Some(self.to_owned())
    }
}

impl IntoOptional<String> for &String {
    fn into_optional(self) -> Option<String> {
        Some(self.clone())
    }
}
