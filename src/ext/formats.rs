//! Format checks for request fields: e-mail addresses and E.164 phone numbers.
//!
//! Deliberately small and allocation-free: they run on every request.

use super::printable::is_invisible;

/// An e-mail check matched to Laravel's default `email` rule (RFC validation, which
/// Knot's messages come from): a dot-atom or quoted local part, `@`, and a domain of
/// dot-separated labels (letters, digits, hyphens, not at a label's ends; no top-level
/// domain required, so `user@localhost` passes) or an address literal such as
/// `[127.0.0.1]`. Control, bidi and other invisible format characters are refused
/// anywhere: they have no place in an address and can disguise one.
pub fn is_email(value: &str) -> bool {
    // Every invisible character outside ASCII is refused; in ASCII they are the controls.
    let invisible = if value.is_ascii() {
        value.bytes().any(|b| b.is_ascii_control())
    } else {
        value.chars().any(is_invisible)
    };
    if invisible {
        return false;
    }
    let Some((local, domain)) = split_address(value) else {
        return false;
    };
    (is_dot_atom(local) || is_quoted(local)) && (is_domain(domain) || is_literal(domain))
}

/// Splits at the `@` that ends the local part (a quoted local part may hold `@`).
fn split_address(value: &str) -> Option<(&str, &str)> {
    let (local, domain) = value.rsplit_once('@')?;
    (!local.is_empty() && !domain.is_empty()).then_some((local, domain))
}

/// The bytes a dot-atom local part may hold (RFC 5322 `atext` and the dot; any byte of
/// a non-ASCII character), as a table: this runs on every request with an e-mail.
const DOT_ATOM: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c >= 0x80;
        b += 1;
    }
    let specials = b"!#$%&'*+-/=?^_`{|}~.";
    let mut i = 0;
    while i < specials.len() {
        table[specials[i] as usize] = true;
        i += 1;
    }
    table
};

fn is_dot_atom(local: &str) -> bool {
    local.bytes().all(|b| DOT_ATOM[b as usize])
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
}

/// `"..."`: printable ASCII and spaces; `"` and `\` only escaped.
fn is_quoted(local: &str) -> bool {
    let Some(inner) = local
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    else {
        return false;
    };
    let mut escaped = false;
    for c in inner.chars() {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '"') => return false,
            (false, c) if c == ' ' || c.is_ascii_graphic() || !c.is_ascii() => {}
            _ => return false,
        }
    }
    !escaped
}

fn is_domain(domain: &str) -> bool {
    domain.len() <= 255
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b >= 0x80)
        })
}

/// `[192.0.2.1]` or `[IPv6:2001:db8::1]`.
fn is_literal(domain: &str) -> bool {
    let Some(inner) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) else {
        return false;
    };
    match inner.strip_prefix("IPv6:") {
        Some(v6) => v6.parse::<std::net::Ipv6Addr>().is_ok(),
        None => inner.parse::<std::net::Ipv4Addr>().is_ok(),
    }
}

/// E.164: `+`, a country code not starting with 0, at most 15 digits in all.
pub fn is_e164(value: &str) -> bool {
    let Some(digits) = value.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        // Laravel's `email` (RFC validation) accepts all of these.
        for ok in [
            "ada.lovelace@gmail.com",
            "a+b@x.co",
            "o'neil@sub.example.org",
            "user@localhost",
            "ada@x.c",
            "ada@1.2",
            "\"a b\"@example.com",
            "\"a@b\"@example.com",
            "ada@[127.0.0.1]",
            "ada@[IPv6:2001:db8::1]",
            "josé@exämple.com",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "",
            "ada",
            "ada@",
            "@x.com",
            "ada@x.",
            "a b@x.com",
            "ada@-x.com",
            "ada@x..com",
            ".a@x.com",
            "a..b@x.com",
            "ada@[not-an-ip]",
            "\"unterminated@x.com",
            "ada\n@x.com",
            "ada@x.com\u{0}",
            "ad\u{202e}a@x.com",
            "ada@ex\u{200b}ample.com",
            "ada@x.com\u{7f}",
            "ada\t@x.com",
            "ad\u{85}a@x.com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn in_ascii_the_invisible_characters_are_the_controls() {
        for b in 0u8..0x80 {
            assert_eq!(is_invisible(b as char), b.is_ascii_control(), "{b:#x}");
        }
    }

    #[test]
    fn phones() {
        for ok in ["+11234567890", "+447911123456", "+12"] {
            assert!(is_e164(ok), "{ok}");
        }
        for bad in [
            "",
            "+",
            "11234567890",
            "+0123",
            "+1 234",
            "+1234567890123456",
            "+1a",
        ] {
            assert!(!is_e164(bad), "{bad}");
        }
    }
}
