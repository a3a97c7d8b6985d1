//! What the views ask for: sign in, sign out, list uploads. Each call builds a
//! request with `providers`, sends it with `http`, and parses the answer; the
//! views never see a request or a raw answer.

use crate::config::Config;
use crate::http::{now_ms, send, Cancel};
use crate::providers::nebula::ApiKey;
use crate::providers::nomad::{AppTokenLifetime, PastedToken, UploadsPage, UploadsQuery};
use crate::providers::siminars::SiminarsClient;
use crate::providers::{
    nebula, nemo, nomad, siminars, ApiError, HttpRequest, HttpResponse, ProviderId, Session,
};

/// Sends with the configured time limit (and no way to cancel but the limit).
async fn exchange(config: &Config, request: &HttpRequest) -> Result<HttpResponse, ApiError> {
    send(request, config.request_timeout_secs * 1000, &Cancel::new()).await
}

/// Expiry is checked before every request that carries a token, not only by the
/// one-second tick (timers are throttled in background tabs).
fn live(session: &Session) -> Result<(), ApiError> {
    if session.is_expired(now_ms()) {
        return Err(ApiError::SessionRejected {
            message: Some("The session expired.".into()),
        });
    }
    Ok(())
}

fn base_url(config: &Config, provider: ProviderId) -> Result<String, ApiError> {
    config
        .base_url(provider)
        .map(str::to_string)
        .ok_or_else(|| ApiError::NotSent {
            reason: format!("{} is not configured", provider.display_name()),
        })
}

fn siminars_client(config: &Config) -> Result<SiminarsClient<'_>, ApiError> {
    let s = config.siminars.as_ref().ok_or_else(|| ApiError::NotSent {
        reason: "Siminars is not configured".into(),
    })?;
    Ok(SiminarsClient {
        base_url: &s.url,
        apitoken: &s.apitoken,
        content_type: s.content_type.as_deref(),
    })
}

/// Signs in with a username (or email) and password. `password` is consumed:
/// it ends up only in the request body (for Siminars, only inside the digest).
pub async fn sign_in(
    config: &Config,
    provider: ProviderId,
    username: &str,
    password: String,
) -> Result<Session, ApiError> {
    let base = base_url(config, provider)?;
    let request = match provider {
        ProviderId::Nomad => nomad::login_request(&base, username, &password),
        ProviderId::Nemo => nemo::login_request(&base, username, &password),
        ProviderId::Siminars => siminars_client(config)?.login_request(username, &password),
        ProviderId::Nebula => nebula::login_request(&base, username, &password),
    };
    drop(password);
    let response = exchange(config, &request).await?;
    let received = now_ms();
    match provider {
        ProviderId::Nomad => nomad::parse_login(&base, &response, received),
        ProviderId::Nemo => nemo::parse_login(&base, &response, received),
        ProviderId::Siminars => siminars::parse_login(&base, username, &response, received),
        ProviderId::Nebula => nebula::parse_login(&base, &response, received),
    }
}

/// Signs in to Nebula with an `ak_` key, proven by a credits check. Returns the balance too.
pub async fn sign_in_with_key(config: &Config, key: &ApiKey) -> Result<(Session, f64), ApiError> {
    let base = base_url(config, ProviderId::Nebula)?;
    let response = exchange(config, &nebula::credits_request(&base, key.secret())).await?;
    nebula::parse_key_check(&base, key, &response, now_ms())
}

/// Signs in to NOMAD with a pasted personal access token or app token, proven
/// by one call that needs authentication.
pub async fn sign_in_with_nomad_token(
    config: &Config,
    token: &PastedToken,
) -> Result<Session, ApiError> {
    let base = base_url(config, ProviderId::Nomad)?;
    let response = exchange(config, &nomad::token_check_request(&base, token)).await?;
    nomad::parse_token_check(&base, token, &response, now_ms())
}

/// Nebula's balance for a signed-in token or key.
pub async fn nebula_credits(config: &Config, session: &Session) -> Result<f64, ApiError> {
    live(session)?;
    let response = exchange(
        config,
        &nebula::credits_request(&session.base_url, &session.token),
    )
    .await?;
    nebula::parse_credits(&response)
}

/// Tells the server a token is done with, where the provider has a logout
/// (Siminars tokens otherwise live 6 months). Other providers' tokens just expire.
pub async fn sign_out(config: &Config, session: &Session) -> Result<(), ApiError> {
    if !session.provider.has_logout() {
        return Ok(());
    }
    let request = siminars_client(config)?.logout_request(&session.token);
    let response = exchange(config, &request).await?;
    siminars::parse_logout(&response)
}

/// One page of the signed-in user's NOMAD uploads.
pub async fn nomad_uploads(
    config: &Config,
    session: &Session,
    query: &UploadsQuery,
    cancel: &Cancel,
) -> Result<UploadsPage, ApiError> {
    live(session)?;
    let request = nomad::uploads_request(&session.base_url, &session.token, query);
    let response = send(&request, config.request_timeout_secs * 1000, cancel).await?;
    nomad::parse_uploads(&response, query)
}

/// A NOMAD app token with the chosen lifetime, shown once and never stored.
pub async fn nomad_app_token(
    config: &Config,
    session: &Session,
    lifetime: AppTokenLifetime,
) -> Result<Session, ApiError> {
    live(session)?;
    let request = nomad::app_token_request(&session.base_url, &session.token, lifetime);
    let response = exchange(config, &request).await?;
    nomad::parse_app_token(&session.base_url, &response, now_ms(), lifetime)
}
