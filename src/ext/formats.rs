//! Format checks for request fields: e-mail addresses and E.164 phone numbers.
//!
//! Deliberately small and allocation-free: they run on every request.

/// A practical e-mail check: one `@`, a non-empty local part without spaces, a domain
/// of dot-separated labels (letters, digits, hyphens, not at a label's ends) with a
/// top-level label of at least two letters. Matches what Knot (Laravel's `email` rule)
/// accepts for ordinary addresses; quoted local parts and IP-literal domains are refused.
pub fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 64 || domain.len() > 255 {
        return false;
    }
    let local_ok = local
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&b) || b >= 0x80)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    if !local_ok {
        return false;
    }
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b >= 0x80)
    };
    let Some((_, tld)) = domain.rsplit_once('.') else {
        return false;
    };
    domain.split('.').all(label_ok) && tld.len() >= 2 && !tld.bytes().all(|b| b.is_ascii_digit())
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
        for ok in [
            "ada.lovelace@gmail.com",
            "a+b@x.co",
            "o'neil@sub.example.org",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "",
            "ada",
            "ada@",
            "@x.com",
            "ada@x",
            "ada@x.",
            "a b@x.com",
            "ada@-x.com",
            "ada@x..com",
            ".a@x.com",
            "a..b@x.com",
            "ada@x.c",
            "ada@1.2",
        ] {
            assert!(!is_email(bad), "{bad}");
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
