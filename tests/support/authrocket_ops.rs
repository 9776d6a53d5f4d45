//! Calls every operation of `specs/authrocket.yaml` once, with the spec's own example parameters
//! and bodies; a new operation in the spec fails the sweep tests until it is added here.

use rocket_apis::authrocket::{Client, types};

fn body<T: serde::de::DeserializeOwned>(json: &str) -> T {
    serde_json::from_str(json).expect("the spec's example body decodes into its type")
}

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
        "listRealms" => c.list_realms();
        "createRealm" => c.create_realm().body(body::<types::RealmBody>(r#"{"realm": {"state": "active", "reference": null, "custom": {}, "jwt_algo": "hs256", "session_minutes": 360, "require_unique_emails": true}}"#));
        "getRealm" => c.get_realm().realm_id("rl_0v1zTHXhtNgmDaXaDYSAqx");
        "updateRealm" => c.update_realm().realm_id("rl_0v1zTHXhtNgmDaXaDYSAqx").body(body::<types::RealmBody>(r#"{"realm": {"state": "active", "reference": null, "custom": {}, "jwt_algo": "hs256", "session_minutes": 360, "require_unique_emails": true}}"#));
        "deleteRealm" => c.delete_realm().realm_id("rl_0v1zTHXhtNgmDaXaDYSAqx");
        "resetRealm" => c.reset_realm().realm_id("rl_0v1zTHXhtNgmDaXaDYSAqx");
        "listUsers" => c.list_users();
        "createUser" => c.create_user().body(body::<types::UserBody>(r#"{"user": {"realm_id": "rl_0v1zTHXhtNgmDaXaDYSAqx", "username": "dave", "email": "dave@example.com", "email_verification": "verified", "first_name": "Dave", "last_name": "Smith", "state": "active", "user_type": "human", "reference": null, "custom": {}}}"#));
        "getUser" => c.get_user().user_id("usr_0vKzMk2vtN5MOOk4DBaRxj");
        "updateUser" => c.update_user().user_id("usr_0vKzMk2vtN5MOOk4DBaRxj").body(body::<types::UserBody>(r#"{"user": {"realm_id": "rl_0v1zTHXhtNgmDaXaDYSAqx", "username": "dave", "email": "dave@example.com", "email_verification": "verified", "first_name": "Dave", "last_name": "Smith", "state": "active", "user_type": "human", "reference": null, "custom": {}}}"#));
        "deleteUser" => c.delete_user().user_id("usr_0vKzMk2vtN5MOOk4DBaRxj");
        "authenticateUserKey" => c.authenticate_user_key().body(body::<types::AuthenticateKeyBody>(r#"{"api_key": "ks_0vKzUserApiKey123"}"#));
        "authenticateUser" => c.authenticate_user().user_id("usr_0vKzMk2vtN5MOOk4DBaRxj").body(body::<types::AuthenticateBody>(r#"{"password": "correct horse battery staple", "request": {"ip": "203.0.113.9", "client": "Mozilla/5.0"}}"#));
        "authenticateUserCode" => c.authenticate_user_code().user_id("usr_0vKzMk2vtN5MOOk4DBaRxj").body(body::<types::UserActionBody>(r#"{"user": {"token": "kli_0vLoginToken", "code": "123456"}}"#));
        "generatePasswordToken" => c.generate_password_token().user_id("usr_0vKzMk2vtN5MOOk4DBaRxj");
        "resetPasswordWithToken" => c.reset_password_with_token().user_id("usr_0vKzMk2vtN5MOOk4DBaRxj").body(body::<types::UserActionBody>(r#"{"user": {"token": "kpw_0vResetToken", "password": "new secret 1", "password_confirmation": "new secret 1"}}"#));
        "updateUserPassword" => c.update_user_password().user_id("usr_0vKzMk2vtN5MOOk4DBaRxj").body(body::<types::UserActionBody>(r#"{"user": {"current_password": "old secret", "password": "new secret 1", "password_confirmation": "new secret 1"}}"#));
        "requestEmailVerification" => c.request_email_verification().user_id("usr_0vKzMk2vtN5MOOk4DBaRxj");
        "verifyEmail" => c.verify_email().user_id("usr_0vKzMk2vtN5MOOk4DBaRxj").body(body::<types::UserActionBody>(r#"{"user": {"token": "kve_0vVerifyToken"}}"#));
        "listOrgs" => c.list_orgs();
        "createOrg" => c.create_org().body(body::<types::OrgBody>(r#"{"org": {"realm_id": "rl_0v1zTHXhtNgmDaXaDYSAqx", "state": "active", "reference": "acme-1", "custom": {"plan": "gold"}}}"#));
        "getOrg" => c.get_org().org_id("org_0vKzNw1dB8QJk3f7mH2pXq");
        "updateOrg" => c.update_org().org_id("org_0vKzNw1dB8QJk3f7mH2pXq").body(body::<types::OrgBody>(r#"{"org": {"realm_id": "rl_0v1zTHXhtNgmDaXaDYSAqx", "state": "active", "reference": "acme-1", "custom": {"plan": "gold"}}}"#));
        "deleteOrg" => c.delete_org().org_id("org_0vKzNw1dB8QJk3f7mH2pXq");
        "listMemberships" => c.list_memberships();
        "createMembership" => c.create_membership().body(body::<types::MembershipBody>(r#"{"membership": {"user_id": "usr_0vKzMk2vtN5MOOk4DBaRxj", "org_id": "org_0vKzNw1dB8QJk3f7mH2pXq", "permissions": ["admin"], "expires_at": null, "custom": {}}}"#));
        "getMembership" => c.get_membership().membership_id("mb_0vKzQ8rT2yNnV5cZ3dWe4f");
        "updateMembership" => c.update_membership().membership_id("mb_0vKzQ8rT2yNnV5cZ3dWe4f").body(body::<types::MembershipBody>(r#"{"membership": {"user_id": "usr_0vKzMk2vtN5MOOk4DBaRxj", "org_id": "org_0vKzNw1dB8QJk3f7mH2pXq", "permissions": ["admin"], "expires_at": null, "custom": {}}}"#));
        "deleteMembership" => c.delete_membership().membership_id("mb_0vKzQ8rT2yNnV5cZ3dWe4f");
        "listSessions" => c.list_sessions();
        "createSession" => c.create_session().body(body::<types::SessionBody>(r#"{"session": {"user_id": "usr_0vKzMk2vtN5MOOk4DBaRxj"}}"#));
        "getSession" => c.get_session().session_id("kss_0vKzR1uV6zPpX7dA5eXf6g");
        "deleteSession" => c.delete_session().session_id("kss_0vKzR1uV6zPpX7dA5eXf6g");
        "createCredential" => c.create_credential().body(body::<types::CredentialBody>(r#"{"credential": {"user_id": "usr_0vKzMk2vtN5MOOk4DBaRxj", "credential_type": "totp", "name": "Phone"}}"#));
        "getCredential" => c.get_credential().credential_id("crd_0vKzS4wX9aRrZ9eB7fYg8h");
        "updateCredential" => c.update_credential().credential_id("crd_0vKzS4wX9aRrZ9eB7fYg8h").body(body::<types::CredentialBody>(r#"{"credential": {"name": "Work phone"}}"#));
        "deleteCredential" => c.delete_credential().credential_id("crd_0vKzS4wX9aRrZ9eB7fYg8h");
        "verifyCredential" => c.verify_credential().credential_id("crd_0vKzS4wX9aRrZ9eB7fYg8h").body(body::<types::CredentialVerifyBody>(r#"{"credential": {"code": "123456"}}"#));
        "listAuthorizeUrls" => c.list_authorize_urls().redirect_uri("https://app.example.com/auth/callback");
        "authorizeCallback" => c.authorize_callback().body(body::<types::AuthorizeCallbackBody>(r#"{"code": "4f2a9c", "state": "xyz", "nonce": "n-0123456789"}"#));
        "listAuthProviders" => c.list_auth_providers();
        "createAuthProvider" => c.create_auth_provider().body(body::<types::AuthProviderBody>(r#"{"auth_provider": {"realm_id": "rl_0v1zTHXhtNgmDaXaDYSAqx", "provider_type": "password", "state": "active", "login": true, "signup": true, "min_length": 8}}"#));
        "getAuthProvider" => c.get_auth_provider().auth_provider_id("ap_0vKzT7yZ2bTtB1fC9gZh0i");
        "updateAuthProvider" => c.update_auth_provider().auth_provider_id("ap_0vKzT7yZ2bTtB1fC9gZh0i").body(body::<types::AuthProviderBody>(r#"{"auth_provider": {"realm_id": "rl_0v1zTHXhtNgmDaXaDYSAqx", "provider_type": "password", "state": "active", "login": true, "signup": true, "min_length": 8}}"#));
        "deleteAuthProvider" => c.delete_auth_provider().auth_provider_id("ap_0vKzT7yZ2bTtB1fC9gZh0i");
        "getAuthorizeUrl" => c.get_authorize_url().auth_provider_id("ap_0vKzT7yZ2bTtB1fC9gZh0i").redirect_uri("https://app.example.com/auth/callback");
        "authorizeWithToken" => c.authorize_with_token().auth_provider_id("ap_0vKzT7yZ2bTtB1fC9gZh0i").body(body::<types::AuthorizeTokenBody>(r#"{"access_token": "gho_providerAccessToken"}"#));
        "listAppHooks" => c.list_app_hooks();
        "createAppHook" => c.create_app_hook().body(body::<types::AppHookBody>(r#"{"app_hook": {"realm_id": "rl_0v1zTHXhtNgmDaXaDYSAqx", "state": "active", "hook_type": "webhook", "event_type": ["user.created"], "destination": "https://example.com/hooks/authrocket", "delay": 0}}"#));
        "getAppHook" => c.get_app_hook().app_hook_id("hk_0vKzU0aB5cVvD3gD1hAi2j");
        "updateAppHook" => c.update_app_hook().app_hook_id("hk_0vKzU0aB5cVvD3gD1hAi2j").body(body::<types::AppHookBody>(r#"{"app_hook": {"realm_id": "rl_0v1zTHXhtNgmDaXaDYSAqx", "state": "active", "hook_type": "webhook", "event_type": ["user.created"], "destination": "https://example.com/hooks/authrocket", "delay": 0}}"#));
        "deleteAppHook" => c.delete_app_hook().app_hook_id("hk_0vKzU0aB5cVvD3gD1hAi2j");
        "listLoginPolicies" => c.list_login_policies();
        "createLoginPolicy" => c.create_login_policy().body(body::<types::LoginPolicyBody>(r#"{"login_policy": {"realm_id": "rl_0v1zTHXhtNgmDaXaDYSAqx", "subdomain": "example", "redirect_uris": ["https://app.example.com/login"]}}"#));
        "getLoginPolicy" => c.get_login_policy().login_policy_id("lpl_0vKzV3cD8dXxF5hE3iBj4k");
        "updateLoginPolicy" => c.update_login_policy().login_policy_id("lpl_0vKzV3cD8dXxF5hE3iBj4k").body(body::<types::LoginPolicyBody>(r#"{"login_policy": {"realm_id": "rl_0v1zTHXhtNgmDaXaDYSAqx", "subdomain": "example", "redirect_uris": ["https://app.example.com/login"]}}"#));
        "deleteLoginPolicy" => c.delete_login_policy().login_policy_id("lpl_0vKzV3cD8dXxF5hE3iBj4k");
        "listEvents" => c.list_events();
        "getEvent" => c.get_event().event_id("ev_0vKzW6eF1eZzH7iF5jCk6l");
        "listJwtKeys" => c.list_jwt_keys();
        "createJwtKey" => c.create_jwt_key().body(body::<types::JwtKeyBody>(r#"{"jwt_key": {"algo": "rs256"}}"#));
        "getJwtKey" => c.get_jwt_key().jwt_key_id("jky_0vKzY2iJ7gDdL1kH9lEm0n");
        "deleteJwtKey" => c.delete_jwt_key().jwt_key_id("jky_0vKzY2iJ7gDdL1kH9lEm0n");
        "createUserToken" => c.create_user_token().body(body::<types::UserTokenBody>(r#"{"user_token": {"realm_id": "rl_0v1zTHXhtNgmDaXaDYSAqx", "username": "erin", "email": "erin@example.com", "password": "secret 1", "password_confirmation": "secret 1"}}"#));
        "getUserToken" => c.get_user_token().user_token_id("utk_0vKzZ5kL0hFfN3lJ1mFn2o");
    }
}
