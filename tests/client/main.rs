//! The client against servers on loopback (wiremock, a raw-socket hostile server, Prism,
//! the embedded mock) and the example binary: one test binary, so the crate and its
//! dependencies are linked once.

#[path = "../common/mod.rs"]
mod common;

mod cli_example;
mod contract_prism;
mod ext_client;
mod generated_client_http;
mod hostile_network;
mod mock_server;
mod public_api;
mod seed_types;
mod validation_props;
