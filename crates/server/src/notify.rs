//! Notifications (通知): every event the applicant must know of or act on is written to the
//! outbox in the same transaction as the event; a worker on every instance claims due rows
//! (a lease, so two instances never send one twice at once), sends each through the
//! configured adapter, and writes the in-app copy (消息) the app shows.
//!
//! Adapters (`ONETRIP_NOTIFY`):
//! - `log` (default): a log line (application number and kind only) and the in-app message;
//! - `command:/path/to/program`: runs the program once per notification with a JSON object
//!   on its standard input (`number`, `kind`, `text`, and `mobile` when the application has
//!   one), for a deployer's SMS or WeChat gateway; exit status 0 means sent. The in-app
//!   message is written either way once sent.

use std::time::Duration;

use onetrip_domain::application::ApplicationData;

use crate::AppState;
use crate::clock::Timestamp;
use crate::storage::{MessageRow, NoticeRow, StorageError};

/// How long a claim holds before another worker may take the row again.
const LEASE_MS: i64 = 60_000;
/// Rows claimed at once.
const BATCH: u32 = 20;
/// After this many attempts a notification is left for an operator (the row keeps its error).
const MAX_ATTEMPTS: u32 = 8;

/// Where notifications go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Adapter {
    Log,
    Command(std::path::PathBuf),
}

impl std::str::FromStr for Adapter {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "" | "log" => Ok(Adapter::Log),
            _ => match s.strip_prefix("command:") {
                Some(path) if !path.is_empty() => Ok(Adapter::Command(path.into())),
                _ => Err(format!(
                    "ONETRIP_NOTIFY must be `log` or `command:/path/to/program`, not `{s}`"
                )),
            },
        }
    }
}

/// The applicant's mobile number, for gateways that text (never logged).
async fn mobile_of(state: &AppState, number: &str) -> Option<String> {
    let row = state.storage.application(number).await.ok()??;
    let data: ApplicationData = serde_json::from_str(&row.data).ok()?;
    ["applicant.mobile", "legal_rep.mobile"]
        .iter()
        .find_map(|k| data.get(k).map(str::to_owned))
}

async fn send(state: &AppState, notice: &NoticeRow) -> Result<(), String> {
    match &state.config.notify {
        Adapter::Log => {
            tracing::info!(number = %notice.application, kind = %notice.kind, "notification");
            Ok(())
        }
        Adapter::Command(program) => {
            use tokio::io::AsyncWriteExt;
            let payload = serde_json::json!({
                "number": notice.application,
                "kind": notice.kind,
                "text": notice.text,
                "mobile": mobile_of(state, &notice.application).await,
            });
            let mut child = tokio::process::Command::new(program)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .kill_on_drop(true)
                .spawn()
                .map_err(|e| format!("{}: {e}", program.display()))?;
            if let Some(mut stdin) = child.stdin.take() {
                stdin
                    .write_all(payload.to_string().as_bytes())
                    .await
                    .map_err(|e| e.to_string())?;
            }
            let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
                .await
                .map_err(|_| "the gateway program took longer than 30 s".to_owned())?
                .map_err(|e| e.to_string())?;
            if status.success() {
                Ok(())
            } else {
                Err(format!("the gateway program exited with {status}"))
            }
        }
    }
}

/// Send what is due now; returns how many were sent.
pub async fn deliver_due(state: &AppState) -> Result<usize, StorageError> {
    let now = state.clock.now();
    let claimed = state
        .storage
        .claim_notices(now, Timestamp(now.0 + LEASE_MS), BATCH)
        .await?;
    let mut sent = 0;
    for notice in claimed {
        if notice.attempts > MAX_ATTEMPTS {
            // Left for an operator: the row keeps its last error and is not claimed again.
            let never = Timestamp(now.0 + 3_650 * 86_400_000);
            state
                .storage
                .notice_failed(notice.id, "gave up after 8 attempts", never)
                .await?;
            continue;
        }
        match send(state, &notice).await {
            Ok(()) => {
                let message = MessageRow {
                    id: 0,
                    application: notice.application.clone(),
                    kind: notice.kind.clone(),
                    text: notice.text.clone(),
                    at: now,
                };
                state
                    .storage
                    .notice_sent(notice.id, now, Some(message))
                    .await?;
                sent += 1;
            }
            Err(error) => {
                // 30 s, 1 min, 2 min… up to an hour.
                let wait = (30_000i64 << notice.attempts.min(7)).min(3_600_000);
                tracing::warn!(number = %notice.application, kind = %notice.kind, %error, "notification not sent");
                state
                    .storage
                    .notice_failed(notice.id, &error, Timestamp(now.0 + wait))
                    .await?;
            }
        }
    }
    Ok(sent)
}

/// The worker: every two seconds, whatever is due.
pub async fn worker(state: AppState) {
    let mut every = tokio::time::interval(Duration::from_secs(2));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if let Err(e) = deliver_due(&state).await {
            tracing::warn!(error = %e, "notifications could not be read");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adapters_are_named_in_one_setting() {
        assert_eq!("log".parse(), Ok(Adapter::Log));
        assert_eq!("".parse(), Ok(Adapter::Log));
        assert_eq!(
            "command:/usr/local/bin/sms".parse(),
            Ok(Adapter::Command("/usr/local/bin/sms".into()))
        );
        assert!("smtp://x".parse::<Adapter>().is_err());
        assert!("command:".parse::<Adapter>().is_err());
    }
}
