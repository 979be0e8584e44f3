//! Staff sign-in: argon2id password hashes, sessions in the database (any instance serves
//! them) behind an HttpOnly, SameSite=Strict cookie holding a random token, of which only the
//! SHA-256 is stored. A session ends after 30 idle minutes, after 12 hours whatever the
//! activity, on sign-out, or when its account is made inactive.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::FromRequestParts;
use axum::http::HeaderValue;
use axum::http::request::Parts;
use onetrip_api::ErrorCode;
use onetrip_domain::workflow::Actor;

use crate::AppState;
use crate::clock::Timestamp;
use crate::error::ApiError;
use crate::routes::ids;
use crate::storage::{SessionRow, StaffRow};

pub const COOKIE: &str = "onetrip_staff";
pub const IDLE_MINUTES: u32 = 30;
pub const SESSION_HOURS: i64 = 12;
/// The shortest password an account may be given.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string of a new password (a fresh random salt each time).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(argon2()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .to_string())
}

/// Whether `password` matches the PHC string; a malformed hash matches nothing.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// A hash of a password nobody has, verified when the username is unknown so that the answer
/// takes as long either way.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("no such account, no such password").unwrap_or_default())
}

/// A staff role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// 综合窗口.
    Window,
    /// One department (its code in the catalogue).
    Department(String),
    /// One bank (its code in `banks.toml`): the catalogue's department `bank`, narrowed to the
    /// applications that chose this bank (role `bank`, the code in `staff.bank`).
    Bank(String),
    /// Answers follow-ups (整改) of bad ratings.
    Supervisor,
    /// Manages accounts.
    Admin,
}

impl Role {
    /// The role of a `staff` row: a department code exactly for `department`, a bank code
    /// exactly for `bank`.
    pub fn from_row(role: &str, department: Option<&str>, bank: Option<&str>) -> Option<Role> {
        match (role, department, bank) {
            ("window", None, None) => Some(Role::Window),
            ("department", Some(d), None) if !d.is_empty() => Some(Role::Department(d.to_owned())),
            ("bank", None, Some(b)) if !b.is_empty() => Some(Role::Bank(b.to_owned())),
            ("supervisor", None, None) => Some(Role::Supervisor),
            ("admin", None, None) => Some(Role::Admin),
            _ => None,
        }
    }

    /// Who acts in the workflow, for the roles that act on applications.
    pub fn actor(&self) -> Option<Actor> {
        match self {
            Role::Window => Some(Actor::Window),
            Role::Department(d) => Some(Actor::Department(d.clone())),
            Role::Bank(_) => Some(Actor::Department(
                crate::routes::bank::BANK_DEPARTMENT.to_owned(),
            )),
            Role::Supervisor | Role::Admin => None,
        }
    }
}

/// The signed-in staff member of a request (extractor: 401 without a live session).
#[derive(Debug, Clone)]
pub struct Staff {
    pub id: String,
    pub username: String,
    pub name: String,
    pub role: Role,
}

fn token_hash(token: &str) -> String {
    ids::digest(&["staff-session", token])
}

/// The session token in the request's cookies, if any.
fn cookie_token(headers: &axum::http::HeaderMap) -> Option<String> {
    crate::middleware::cookie(headers, COOKIE).map(str::to_owned)
}

fn unauthorized() -> ApiError {
    ApiError::new(ErrorCode::Unauthorized).with_message("请先登录，或登录已超时，请重新登录。")
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = cookie_token(&parts.headers).ok_or_else(unauthorized)?;
        let now = state.clock.now();
        let idle_since = Timestamp(now.0 - i64::from(IDLE_MINUTES) * 60_000);
        let (_, row) = state
            .storage
            .touch_session(&token_hash(&token), now, idle_since)
            .await?
            .ok_or_else(unauthorized)?;
        staff_of(row).ok_or_else(unauthorized)
    }
}

fn staff_of(row: StaffRow) -> Option<Staff> {
    Some(Staff {
        role: Role::from_row(&row.role, row.department.as_deref(), row.bank.as_deref())?,
        id: row.id,
        username: row.username,
        name: row.name,
    })
}

/// Check a username and password; on success a new session and its cookie.
pub async fn sign_in(
    state: &AppState,
    username: &str,
    password: &str,
) -> Result<(Staff, HeaderValue), ApiError> {
    let row = state.storage.staff_by_username(username.trim()).await?;
    let hash = row
        .as_ref()
        .filter(|r| r.active)
        .map_or_else(|| decoy_hash().to_owned(), |r| r.password_hash.clone());
    let password = password.to_owned();
    // argon2 takes tens of milliseconds of CPU: off the async threads.
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    let wrong =
        || ApiError::new(ErrorCode::Unauthorized).with_message("用户名或密码不对，请核对后再试。");
    let row = row.filter(|r| ok && r.active).ok_or_else(wrong)?;
    let token = ids::random(32)?;
    let now = state.clock.now();
    state
        .storage
        .insert_session(SessionRow {
            token_hash: token_hash(&token),
            staff: row.id.clone(),
            created_at: now,
            last_seen: now,
            expires_at: Timestamp(now.0 + SESSION_HOURS * 3_600_000),
        })
        .await?;
    let staff = staff_of(row).ok_or_else(wrong)?;
    Ok((staff, cookie(state, &token, SESSION_HOURS * 3_600)))
}

/// End the request's session, if any; the cookie that clears it.
pub async fn sign_out(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> Result<HeaderValue, ApiError> {
    if let Some(token) = cookie_token(headers) {
        state.storage.delete_session(&token_hash(&token)).await?;
    }
    Ok(cookie(state, "", 0))
}

/// The session cookie: HttpOnly, SameSite=Strict, Secure when the service is on https.
fn cookie(state: &AppState, token: &str, max_age_secs: i64) -> HeaderValue {
    let secure = if state
        .config
        .public_base_url()
        .origin()
        .starts_with("https://")
    {
        "; Secure"
    } else {
        ""
    };
    let value = format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}"
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A new account's row (id, hash), or why not.
pub fn new_account(
    username: &str,
    name: &str,
    role: &str,
    department: Option<&str>,
    bank: Option<&str>,
    password: &str,
    now: Timestamp,
) -> anyhow::Result<StaffRow> {
    anyhow::ensure!(
        Role::from_row(role, department, bank).is_some(),
        "role must be window, supervisor or admin, department with --department, or bank with --bank"
    );
    anyhow::ensure!(
        !username.trim().is_empty() && username.len() <= 64,
        "a username of 1 to 64 characters"
    );
    anyhow::ensure!(
        password.chars().count() >= MIN_PASSWORD_CHARS,
        "a password of at least {MIN_PASSWORD_CHARS} characters"
    );
    Ok(StaffRow {
        id: format!(
            "S{}",
            ids::random(15).map_err(|_| anyhow::anyhow!("no randomness"))?
        ),
        username: username.trim().to_owned(),
        name: name.trim().to_owned(),
        role: role.to_owned(),
        department: department.map(str::to_owned),
        bank: bank.map(str::to_owned),
        password_hash: hash_password(password)?,
        active: true,
        created_at: now,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("correct horse battery", "not a hash"));
        // Salted: the same password hashes differently.
        assert_ne!(hash, hash_password("correct horse battery").unwrap());
    }

    #[test]
    fn roles_need_a_department_or_a_bank_exactly_for_their_role() {
        assert_eq!(Role::from_row("window", None, None), Some(Role::Window));
        assert_eq!(
            Role::from_row("department", Some("amr"), None),
            Some(Role::Department("amr".into()))
        );
        assert_eq!(Role::from_row("department", None, None), None);
        assert_eq!(Role::from_row("department", Some(""), None), None);
        assert_eq!(
            Role::from_row("bank", None, Some("hzbank")),
            Some(Role::Bank("hzbank".into()))
        );
        assert_eq!(Role::from_row("bank", None, None), None);
        assert_eq!(Role::from_row("bank", None, Some("")), None);
        assert_eq!(Role::from_row("bank", Some("amr"), Some("hzbank")), None);
        assert_eq!(
            Role::from_row("department", Some("amr"), Some("hzbank")),
            None
        );
        assert_eq!(Role::from_row("window", Some("amr"), None), None);
        assert_eq!(Role::from_row("supervisor", None, Some("hzbank")), None);
        assert_eq!(Role::from_row("root", None, None), None);
    }
}
