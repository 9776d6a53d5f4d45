//! The macros each API module invokes once: its generated module and its `Client` wrapper.

/// The hand-written `Client` of one API: a thin wrapper over the generated client, with the
/// shared builder, base URL, escape hatch and hooks. Each API module invokes it once.
macro_rules! api_client {
    (service = $service:ident, name = $name:literal, credentials = $creds:ty, error = $error:ty) => {
        /// Marker for this API in [`ClientBuilder`](crate::ClientBuilder).
        #[derive(Debug, Clone, Copy)]
        pub struct $service;

        /// This API's marker, under the name the generated code uses.
        #[doc(hidden)]
        pub type Api = $service;

        impl $crate::transport::sealed::Wrap for $service {
            type Client = Client;
            fn assemble(base_url: &str, http: reqwest::Client, inner: $crate::transport::Inner) -> Client {
                Client {
                    api: api::Client::new_with_client(base_url, http, inner),
                }
            }
        }

        #[doc = concat!("A ", $name, " client. Cheap to clone; clones share the connection pool.")]
        ///
        /// Dereferences to the generated [`api::Client`], whose methods are the spec's operations.
        #[derive(Clone, Debug)]
        pub struct Client {
            api: api::Client,
        }

        impl Client {
            /// A client with the default settings.
            pub fn new(credentials: impl Into<$creds>) -> Result<Self, $crate::ConfigError> {
                Self::builder(credentials).build()
            }

            /// A builder, to set the base URL, timeouts or `User-Agent`.
            pub fn builder(credentials: impl Into<$creds>) -> $crate::ClientBuilder<$service> {
                $crate::ClientBuilder::new(credentials.into())
            }

            /// A builder for a client whose credentials come from `source` (a secret store, a
            /// file, a vault): asked at the first call, cached until shortly before the expiry it
            /// gives, then asked again once (see [`CredentialSource`](crate::CredentialSource)).
            pub fn builder_from_source(
                source: impl $crate::CredentialSource<$creds>,
            ) -> $crate::ClientBuilder<$service> {
                $crate::ClientBuilder::live($crate::transport::Renewal::from_source::<$service, _>(source))
            }

            /// Replaces the credentials of this client, its clones and its views, while calls
            /// are in flight: each request carries either the whole old set or the whole new
            /// one, never a mix; calls already sent keep theirs (one whose old set draws a
            /// `401` is sent again with the new set). Takes what [`builder`](Self::builder)
            /// takes; it replaces a credential source or self-renewing credentials as well.
            pub fn set_credentials(&self, credentials: impl Into<$creds>) {
                use $crate::Service;
                let credentials = credentials.into();
                progenitor_client::ClientInfo::inner(&self.api)
                    .credentials
                    .set($service::live(&credentials));
            }

            /// Takes the credentials from `source` from now on (see
            /// [`builder_from_source`](Self::builder_from_source)); it is asked at the next call.
            pub fn set_credential_source(&self, source: impl $crate::CredentialSource<$creds>) {
                progenitor_client::ClientInfo::inner(&self.api)
                    .credentials
                    .set($crate::transport::Renewal::from_source::<$service, _>(source));
            }

            /// The base URL calls go to, without a trailing slash.
            pub fn base_url(&self) -> &str {
                progenitor_client::ClientInfo::baseurl(&self.api)
            }

            /// Calls an endpoint that is not in the spec yet, with this client's credentials,
            /// base URL, headers and error handling (see [`RawRequest`](crate::RawRequest)).
            pub fn raw(&self, method: http::Method, path: &str) -> $crate::RawRequest<'_, $error> {
                use progenitor_client::ClientInfo;
                $crate::RawRequest::new(
                    self.api.client(),
                    self.api.baseurl(),
                    self.api.inner(),
                    method,
                    path,
                )
            }

            /// A view of this client whose calls use other settings (timeout, retries, extra
            /// headers; see [`CallOptions`](crate::CallOptions)), sharing its connection pool,
            /// rate limiter and credentials. Cheap: make one per call or per scope.
            ///
            /// ```ignore
            /// let quick = client.with_options(|o| o.timeout(Duration::from_secs(2)).retries(0));
            /// ```
            pub fn with_options(&self, options: impl FnOnce($crate::CallOptions) -> $crate::CallOptions) -> Self {
                use progenitor_client::ClientInfo;
                let inner = options($crate::CallOptions::new(self.api.inner().clone())).into_inner();
                Client {
                    api: api::Client::new_with_client(self.api.baseurl(), self.api.client().clone(), inner),
                }
            }

            /// The generated client, for passing where `api::Client` is expected.
            pub fn api(&self) -> &api::Client {
                &self.api
            }
        }

        /// A typed mock server of this API for your tests (cargo feature `mock`; see
        /// [`crate::mock`]).
        #[cfg(feature = "mock")]
        pub mod mock {
            /// A mock server of this API, with a typed method per operation.
            pub type MockServer = $crate::mock::MockServer<super::$service>;

            impl $crate::mock::MockServer<super::$service> {
                /// A client pointed at this mock, with well-formed test credentials and
                /// retries off.
                pub fn client(&self) -> super::Client {
                    use $crate::Service;
                    match self.builder(super::$service::mock_credentials()).build() {
                        Ok(client) => client,
                        Err(e) => unreachable!("a loopback base URL and test credentials are valid: {e}"),
                    }
                }
            }
        }

        impl std::ops::Deref for Client {
            type Target = api::Client;
            fn deref(&self) -> &api::Client {
                &self.api
            }
        }
    };
}

pub(crate) use api_client;

/// The generated client and types of one API, from `$OUT_DIR` with `codegen`, else from the
/// committed `generated/` file.
macro_rules! generated_api {
    ($name:literal) => {
        #[doc = concat!("The generated client and types (`specs/", $name, ".yaml` → `generated/", $name, ".rs`).")]
        #[allow(
            missing_docs,
            clippy::all,
            clippy::pedantic,
            unused_imports,
            unreachable_patterns,
            dead_code
        )]
        pub mod api {
            #[cfg(feature = "codegen")]
            include!(concat!(env!("OUT_DIR"), "/", $name, ".rs"));
            #[cfg(not(feature = "codegen"))]
            include!(concat!(env!("CARGO_MANIFEST_DIR"), "/generated/", $name, ".rs"));
        }

        pub use api::types;
    };
}

pub(crate) use generated_api;
