//! Calls every operation of `specs/requestrocket.yaml` once, with valid parameters and bodies.
//! Against the spec-example mock this proves each example decodes into its generated type.

use rocket_apis::requestrocket::{Client, types};

/// (operationId, status or error) for each operation, in spec order.
pub async fn call_every_operation(c: &Client) -> Vec<(&'static str, Result<u16, rocket_apis::Error>)> {
    macro_rules! ops {
        ($($id:literal => $call:expr;)+) => {{
            let mut out = Vec::new();
            $( out.push(($id, $call.send().await.map(|r| r.status().as_u16()))); )+
            out
        }};
    }
    let (cl, cr, tg, px, ru) = (
        "550e8400-e29b-41d4-a716-446655440000",
        "cred_1a2b3c4d",
        "tgt_9f8e7d6c",
        "proxy_789e4567",
        "rule_4d5e6f70",
    );
    let client_input = || types::ClientInput {
        client_name: "My Organisation".into(),
    };
    let credential_input = || types::CredentialInput {
        credential_region: Some("us-east-1".into()),
        ..Default::default()
    };
    let target_input = || -> types::TargetInput {
        serde_json::from_value(serde_json::json!({"targetName": "Payments API", "targetBaseURL": "https://api.payments.example.com", "targetRegion": "us-east-1", "targetDefaultRuleEffect": "deny"})).unwrap()
    };
    let proxy_input = || -> types::ProxyInput {
        serde_json::from_value(serde_json::json!({"proxyName": "Payment Gateway", "proxyRegion": "us-east-1", "proxyTargetId": tg, "proxyActive": true})).unwrap()
    };
    let meter_input = || -> types::MeterInput {
        serde_json::from_value(serde_json::json!({"meterType": "request_count", "meterActive": true})).unwrap()
    };
    let rule_input = || -> types::RuleInput {
        serde_json::from_value(
            serde_json::json!({"effect": "allow", "priority": 100, "methods": ["GET"], "pathPattern": "^/v1/.*$"}),
        )
        .unwrap()
    };
    ops! {
        "listClients" => c.list_clients().page(1).limit(20);
        "createClient" => c.create_client().body(client_input());
        "getClient" => c.get_client().client_id(cl);
        "updateClient" => c.update_client().client_id(cl).body(client_input());
        "deleteClient" => c.delete_client().client_id(cl);
        "getClientTelemetry" => c.get_client_telemetry().client_id(cl);
        "listCredentials" => c.list_credentials().client_id(cl).include_temporary(false);
        "createCredential" => c.create_credential().client_id(cl).body(credential_input());
        "getCredential" => c.get_credential().client_id(cl).credential_id(cr);
        "updateCredential" => c.update_credential().client_id(cl).credential_id(cr).body(credential_input());
        "deleteCredential" => c.delete_credential().client_id(cl).credential_id(cr);
        "listCredentialRules" => c.list_credential_rules().client_id(cl).credential_id(cr);
        "createCredentialRule" => c.create_credential_rule().client_id(cl).credential_id(cr).body(rule_input());
        "deleteCredentialRule" => c.delete_credential_rule().client_id(cl).credential_id(cr).rule_id(ru);
        "listTargets" => c.list_targets().client_id(cl);
        "createTarget" => c.create_target().client_id(cl).body(target_input());
        "getTarget" => c.get_target().client_id(cl).target_id(tg);
        "updateTarget" => c.update_target().client_id(cl).target_id(tg).body(target_input());
        "deleteTarget" => c.delete_target().client_id(cl).target_id(tg);
        "listTargetRules" => c.list_target_rules().client_id(cl).target_id(tg);
        "createTargetRule" => c.create_target_rule().client_id(cl).target_id(tg).body(rule_input());
        "deleteTargetRule" => c.delete_target_rule().client_id(cl).target_id(tg).rule_id(ru);
        "listProxies" => c.list_proxies().client_id(cl);
        "createProxy" => c.create_proxy().client_id(cl).body(proxy_input());
        "getProxy" => c.get_proxy().client_id(cl).proxy_id(px);
        "updateProxy" => c.update_proxy().client_id(cl).proxy_id(px).body(proxy_input());
        "deleteProxy" => c.delete_proxy().client_id(cl).proxy_id(px);
        "getProxyTelemetry" => c.get_proxy_telemetry().client_id(cl).proxy_id(px);
        "listProxyRules" => c.list_proxy_rules().client_id(cl).proxy_id(px);
        "createProxyRule" => c.create_proxy_rule().client_id(cl).proxy_id(px).body(rule_input());
        "deleteProxyRule" => c.delete_proxy_rule().client_id(cl).proxy_id(px).rule_id(ru);
        "listProxyRequests" => c.list_proxy_requests().client_id(cl).proxy_id(px).limit(20);
        "getProxyRequest" => c.get_proxy_request().client_id(cl).proxy_id(px).request_id("5a1f0c2d-3b4e-4f6a-8b9c-0d1e2f3a4b5c");
        "listMeters" => c.list_meters().client_id(cl).proxy_id(px);
        "createMeter" => c.create_meter().client_id(cl).proxy_id(px).body(meter_input());
        "getMeter" => c.get_meter().client_id(cl).proxy_id(px).meter_id("meter_5c6d7e8f");
        "updateMeter" => c.update_meter().client_id(cl).proxy_id(px).meter_id("meter_5c6d7e8f").body(meter_input());
        "deleteMeter" => c.delete_meter().client_id(cl).proxy_id(px).meter_id("meter_5c6d7e8f");
        "listClientRequests" => c.list_client_requests().client_id(cl).page(1).limit(20);
        "listClientNotifications" => c.list_client_notifications().client_id(cl);
        "getClientNotification" => c.get_client_notification().client_id(cl).notification_id("notif_sys_0001");
        "listSystemNotifications" => c.list_system_notifications();
        "getSystemNotification" => c.get_system_notification().notification_id("notif_sys_0001");
        "listUserNotifications" => c.list_user_notifications().user_id("user_123");
        "getUserNotification" => c.get_user_notification().user_id("user_123").notification_id("notif_sys_0001");
    }
}
