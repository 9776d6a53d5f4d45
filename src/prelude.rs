//! What most code calling these APIs needs, in one import: `use rocket_apis::prelude::*;`
//!
//! The traits behind `.stream()` ([`Paginate`]) and `request_id()` ([`ResponseExt`]; and
//! Rocketpunch's `rate_limit()`), the error types, per-call settings and the HTTP method of raw
//! calls. `Result` is left out so it never shadows yours: write `rocket_apis::Result`.
//!
//! ```no_run
//! # #[cfg(feature = "rockety")]
//! # async fn run() -> anyhow::Result<()> {
//! use futures::TryStreamExt;
//! use rocket_apis::{prelude::*, rockety};
//!
//! let client = rockety::Client::from_env()?;
//! let projects: Vec<_> = client.list_projects().stream().try_collect().await?;
//! let first = client.list_projects().page(1).send().await?;
//! println!("{} projects, request id {:?}", projects.len(), first.request_id());
//! # Ok(())
//! # }
//! ```

pub use crate::{ApiError, CallOptions, Error, ErrorKind, Method, Paginate, ResponseExt, RetryPolicy};

#[cfg(feature = "rocketpunch")]
pub use crate::rocketpunch::RateLimitExt;
