//! Empty: this crate exists for its dependency on rocket-apis with `codegen` on (see its
//! `Cargo.toml`).
