//! TLS backend selection.
//!
//! The default feature `rustls-ring` uses rustls with the `ring` crypto provider, which
//! builds in a few seconds, instead of reqwest's default aws-lc-rs, whose C build
//! (aws-lc-sys) is about half of a cold build. reqwest is compiled without a provider in
//! that case, so one is installed process-wide before the first client is built, unless
//! the application installed its own.

/// Installs rustls' `ring` provider as the process default if none is installed.
pub(crate) fn install_default_provider() {
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
    {
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            // Losing a race with another installer is fine: some provider is installed.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
    }
}
