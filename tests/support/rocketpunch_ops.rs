//! Calls every operation of `specs/rocketpunch.yaml` once, with valid parameters.

use rocket_apis::rocketpunch::Client;

/// (operationId, status or error) for each operation.
pub async fn call_every_operation(c: &Client) -> Vec<(&'static str, Result<u16, rocket_apis::Error>)> {
    macro_rules! ops {
        ($($id:literal => $call:expr;)+) => {{
            let mut out = Vec::new();
            $( out.push(($id, $call.send().await.map(|r| r.status().as_u16()))); )+
            out
        }};
    }
    ops! {
        "listJobs" => c.list_jobs().keyword("AI").page(1).per_page(20);
        "getJob" => c.get_job().job_id("128734");
        "listProfiles" => c.list_profiles().keyword("backend");
        "listEvents" => c.list_events().keyword("AI");
        "getEvent" => c.get_event().event_id("5021");
        "listJobCategoryCodes" => c.list_job_category_codes();
        "listSeniorityCodes" => c.list_seniority_codes();
        "listEmploymentTypeCodes" => c.list_employment_type_codes();
        "listJobIndustryCodes" => c.list_job_industry_codes();
    }
}
