//! The APIs of the crate and how the generator treats each; read by `build.rs` and by the
//! tests, so both work from one list.

/// One API of the crate: its spec, its cargo feature, its open request bodies and the spec schemas that the
/// hand-written layer replaces with its own types: vendor enums (progenitor's are closed, ours
/// are open) and formats progenitor cannot parse (e.g. Rockety's zone-less timestamps).
#[allow(dead_code)]
pub struct Api {
    pub name: &'static str,
    pub feature: &'static str,
    /// The name messages and docs use, e.g. "RequestRocket".
    pub display: &'static str,
    /// Request-body schemas the vendor documents as open, each with the name of the map that
    /// holds their further fields (all other request-only schemas refuse unknown fields).
    pub open_bodies: &'static [(&'static str, &'static str)],
    pub replacements: &'static [(&'static str, &'static str)],
}

pub const APIS: &[Api] = &[
    Api {
        name: "authrocket",
        feature: "AUTHROCKET",
        display: "AuthRocket",
        open_bodies: &[],
        replacements: &[
            ("State", "crate::authrocket::State"),
            ("UserType", "crate::authrocket::UserType"),
        ],
    },
    Api {
        name: "requestrocket",
        feature: "REQUESTROCKET",
        display: "RequestRocket",
        open_bodies: &[("CredentialInput", "fields"), ("MeterInput", "fields")],
        replacements: &[
            ("ClientRole", "crate::requestrocket::ClientRole"),
            ("HttpMethod", "crate::requestrocket::HttpMethod"),
            ("MeterType", "crate::requestrocket::MeterType"),
            ("NotificationType", "crate::requestrocket::NotificationType"),
            ("PathPresence", "crate::requestrocket::PathPresence"),
            ("RuleEffect", "crate::requestrocket::RuleEffect"),
        ],
    },
    Api {
        name: "rocketpunch",
        feature: "ROCKETPUNCH",
        display: "Rocketpunch",
        open_bodies: &[],
        replacements: &[
            ("CompanySize", "crate::rocketpunch::CompanySize"),
            ("Language", "crate::rocketpunch::Language"),
            ("ResourceId", "crate::rocketpunch::ResourceId"),
        ],
    },
    Api {
        name: "rockety",
        feature: "ROCKETY",
        display: "Rockety",
        open_bodies: &[],
        replacements: &[("NaiveTimestamp", "crate::rockety::NaiveTimestamp")],
    },
];
