//! Generates one typed client per enabled API from `specs/<api>.yaml`.
//!
//! With the `codegen` feature (default) each spec is checked against progenitor's limits,
//! generated, formatted and written to `$OUT_DIR/<api>.rs`; the committed copy in `generated/`
//! is refreshed when it differs (or only compared, in check mode; see `build/codegen.rs`).
//! Without `codegen` nothing runs here and the crate compiles the committed `generated/` files.

#[cfg(feature = "codegen")]
#[path = "build/apis.rs"]
mod apis;
#[cfg(feature = "codegen")]
#[path = "build/codegen.rs"]
mod codegen;
#[cfg(feature = "codegen")]
#[path = "build/decode.rs"]
mod decode;
#[cfg(feature = "codegen")]
#[path = "build/preflight.rs"]
mod preflight;
#[cfg(feature = "codegen")]
#[path = "build/secrets.rs"]
mod secrets;
#[cfg(feature = "codegen")]
#[path = "build/spec_model.rs"]
mod spec_model;
#[cfg(feature = "codegen")]
#[path = "build/surface.rs"]
mod surface;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(feature = "codegen")]
    codegen::run();
}
