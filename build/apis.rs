//! The APIs of the crate and how the generator treats each; read by `build.rs` and by the
//! tests, so both work from one list.

/// One API of the crate: its spec, its cargo feature and the spec schemas that the
/// hand-written layer replaces with its own types: vendor enums (progenitor's are closed, ours
/// are open) and formats progenitor cannot parse (e.g. Rockety's zone-less timestamps).
#[allow(dead_code)]
pub struct Api {
    pub name: &'static str,
    pub feature: &'static str,
    pub replacements: &'static [(&'static str, &'static str)],
}

pub const APIS: &[Api] = &[
    Api {
        name: "authrocket",
        feature: "AUTHROCKET",
        replacements: &[
            ("State", "crate::authrocket::State"),
            ("UserType", "crate::authrocket::UserType"),
        ],
    },
    Api {
        name: "requestrocket",
        feature: "REQUESTROCKET",
        replacements: &[
            ("ClientRole", "crate::requestrocket::ClientRole"),
            ("HttpMethod", "crate::requestrocket::HttpMethod"),
            ("NotificationType", "crate::requestrocket::NotificationType"),
            ("PathPresence", "crate::requestrocket::PathPresence"),
            ("RuleEffect", "crate::requestrocket::RuleEffect"),
        ],
    },
    Api {
        name: "rocketpunch",
        feature: "ROCKETPUNCH",
        replacements: &[
            ("CompanySize", "crate::rocketpunch::CompanySize"),
            ("Language", "crate::rocketpunch::Language"),
            ("ResourceId", "crate::rocketpunch::ResourceId"),
        ],
    },
    Api {
        name: "rockety",
        feature: "ROCKETY",
        replacements: &[("NaiveTimestamp", "crate::rockety::NaiveTimestamp")],
    },
];
