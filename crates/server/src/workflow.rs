//! The bridge between the stored log and the domain's workflow: the case as the log leaves
//! it, the domain's steps as events to append, and the notifications they cause.
//!
//! Every action goes through [`act`]: read the case, `workflow::decide`, append the steps with
//! the version read (optimistic lock), and on a conflict read and decide again.

use onetrip_api::ErrorCode;
use onetrip_domain::catalog::checklist::Checklist;
use onetrip_domain::lifecycle::{MatterStatus, Status, Transition};
use onetrip_domain::workflow::{Actor, Case, Command, MatterCase, Refusal, Step, decide};

use crate::AppState;
use crate::clock::Timestamp;
use crate::error::ApiError;
use crate::storage::{
    ApplicationRow, AuditRow, Change, EventRow, MaterialRequestRow, MatterRow, NoticeRow,
    RatingRow, StorageError,
};

/// The window decides on a new application within this many working days.
pub const ACCEPT_DAYS: u32 = 1;

/// Who acts, as stored with each event.
#[derive(Debug, Clone)]
pub struct Who {
    pub actor: Actor,
    /// The staff account's id.
    pub staff: Option<String>,
}

impl Who {
    pub fn applicant() -> Who {
        Who {
            actor: Actor::Applicant,
            staff: None,
        }
    }

    pub fn system() -> Who {
        Who {
            actor: Actor::System,
            staff: None,
        }
    }

    fn kind(&self) -> &'static str {
        match self.actor {
            Actor::Applicant => "applicant",
            Actor::Window => "window",
            Actor::Department(_) => "department",
            Actor::System => "system",
        }
    }

    fn department(&self) -> Option<String> {
        match &self.actor {
            Actor::Department(d) => Some(d.clone()),
            _ => None,
        }
    }
}

/// The matters of a new application, in the checklist's order, all waiting, each with its
/// promised date.
pub fn first_matters(list: &Checklist, promised: &[String]) -> Vec<MatterRow> {
    list.matters
        .iter()
        .enumerate()
        .map(|(i, m)| MatterRow {
            application: String::new(),
            matter: m.code.clone(),
            position: i as u32,
            department: m.department.clone(),
            waits_for: m.after.clone(),
            status: MatterStatus::Waiting.code().to_owned(),
            due_on: promised.get(i).cloned(),
        })
        .collect()
}

/// The first events of a new application (the machine pre-review passed at submission), and
/// the status they lead to.
pub fn first_events(matters: &[MatterRow], now: Timestamp) -> (Vec<EventRow>, Status) {
    let case = Case {
        status: Status::Submitted,
        matters: matter_cases(matters, &[]),
    };
    let who = Who::system();
    let steps = decide(&case, &who.actor, &Command::StartPreReview).unwrap_or_default();
    let mut after = case;
    after.apply(&steps);
    (
        to_events("", &steps, &who, Some("材料预审通过，等待窗口受理"), now),
        after.status,
    )
}

/// `open` pairs each open request with the departments it holds back: for a correction the
/// department that asked, for a 容缺 material every department that needs it.
fn matter_cases(matters: &[MatterRow], open: &[Vec<String>]) -> Vec<MatterCase> {
    matters
        .iter()
        .map(|m| MatterCase {
            code: m.matter.clone(),
            department: m.department.clone(),
            after: m.waits_for.clone(),
            status: MatterStatus::from_code(&m.status).unwrap_or(MatterStatus::Waiting),
            open_requests: open.iter().filter(|d| d.contains(&m.department)).count() as u32,
        })
        .collect()
}

/// The case as stored: the application's status, its matters and the requests still open
/// that hold back each matter's result.
pub async fn load_case(
    state: &AppState,
    row: &ApplicationRow,
) -> Result<(Case, Vec<MatterRow>), ApiError> {
    let matters = state.storage.matters(&row.number).await?;
    let asked =
        crate::routes::files::asked_of(state, &row.subject_kind, &row.subject_code, &row.answers)
            .unwrap_or_default();
    let open: Vec<Vec<String>> = state
        .storage
        .material_requests(&row.number)
        .await?
        .into_iter()
        .filter(|r| r.resolved_at.is_none())
        .map(
            |r| match (r.kind.as_str(), asked.iter().find(|m| m.key == r.material)) {
                ("deferred", Some(m)) => m.departments.clone(),
                _ => r.department.into_iter().collect(),
            },
        )
        .collect();
    let status = Status::from_code(&row.status).unwrap_or(Status::Submitted);
    Ok((
        Case {
            status,
            matters: matter_cases(&matters, &open),
        },
        matters,
    ))
}

pub fn to_events(
    application: &str,
    steps: &[Step],
    who: &Who,
    note: Option<&str>,
    at: Timestamp,
) -> Vec<EventRow> {
    steps
        .iter()
        .map(|s| {
            let (matter, from, to) = match s {
                Step::Application(Transition { from, to }) => (None, from.code(), to.code()),
                Step::Matter { code, from, to } => (Some(code.clone()), from.code(), to.code()),
            };
            EventRow {
                seq: 0,
                application: application.to_owned(),
                matter,
                from_status: from.to_owned(),
                to_status: to.to_owned(),
                actor_kind: who.kind().to_owned(),
                actor: who.staff.clone(),
                department: who.department(),
                note: note.map(str::to_owned),
                at,
            }
        })
        .collect()
}

/// What the applicant is told, for the steps they must know of or act on.
fn notices(application: &str, steps: &[Step], at: Timestamp) -> Vec<NoticeRow> {
    let mut out: Vec<NoticeRow> = Vec::new();
    for s in steps {
        let Step::Application(t) = s else { continue };
        let (kind, text) = match t.to {
            Status::Accepted => ("accepted", "您的申请已受理，各部门正在并联办理。"),
            Status::AcceptedDeferred => (
                "accepted",
                "您的申请已容缺受理，请在期限内补交材料，各部门正在并联办理。",
            ),
            Status::NotAccepted => (
                "not_accepted",
                "您的申请不予受理，原因见办件页面和不予受理通知书。可以修改后重新申请。",
            ),
            Status::CorrectionRequested => (
                "correction",
                "您的申请需要补正，请在办件页面查看补正告知书，并在期限内补交。",
            ),
            Status::Completed => ("completed", "您的申请已办结，请在办件页面查看结果。"),
            Status::Dispatched => ("dispatched", "办理结果已通过 EMS 寄出，请留意查收。"),
            Status::ReadyForPickup => ("pickup", "办理结果可以到窗口领取了。"),
            _ => continue,
        };
        if out.iter().all(|n| n.kind != kind) {
            out.push(NoticeRow {
                id: 0,
                application: application.to_owned(),
                kind: kind.to_owned(),
                text: format!("办件 {application}：{text}"),
                created_at: at,
                attempts: 0,
            });
        }
    }
    out
}

/// What an action writes besides its events.
#[derive(Default)]
pub struct Extras {
    pub note: Option<String>,
    pub requests: Vec<MaterialRequestRow>,
    pub rating: Option<RatingRow>,
    pub audit: Option<String>,
    /// The bank appointment's new status, written with the events.
    pub bank: Option<crate::storage::BankUpdate>,
}

/// Decide `command` for `who` on the application and append the result; retried on a
/// concurrent change. Returns the steps taken (possibly none) and the application as now
/// stored.
pub async fn act(
    state: &AppState,
    number: &str,
    who: &Who,
    command: &Command,
    extras: Extras,
) -> Result<(Vec<Step>, ApplicationRow), ApiError> {
    for _ in 0..5 {
        let row = state
            .storage
            .application(number)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
        let (case, _) = load_case(state, &row).await?;
        let steps = decide(&case, &who.actor, command).map_err(refused)?;
        let now = state.clock.now();
        let change = Change {
            application: number.to_owned(),
            expected_version: row.version,
            events: to_events(number, &steps, who, extras.note.as_deref(), now),
            requests: extras.requests.clone(),
            notices: notices(number, &steps, now),
            rating: extras.rating.clone(),
            audit: extras.audit.as_ref().map(|action| AuditRow {
                at: now,
                staff: who.staff.clone(),
                action: action.clone(),
                application: Some(number.to_owned()),
                detail: extras.note.clone(),
            }),
            bank: extras.bank.clone(),
        };
        match state.storage.append(change).await {
            Ok(_) => {
                let row = state
                    .storage
                    .application(number)
                    .await?
                    .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
                return Ok((steps, row));
            }
            Err(StorageError::Conflict) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::new(ErrorCode::Conflict).with_message("办件刚刚被其他人更新，请刷新后再试。"))
}

/// A refusal as the API's error: 409 for the wrong moment, 403 for the wrong actor.
pub fn refused(r: Refusal) -> ApiError {
    let code = match r {
        Refusal::NotYours => ErrorCode::Forbidden,
        Refusal::UnknownMatter => ErrorCode::NotFound,
        Refusal::NotNow | Refusal::Outstanding => ErrorCode::Conflict,
    };
    let message = match r {
        Refusal::NotNow => "办件当前的状态不能进行这项操作，请刷新后查看最新进度。",
        Refusal::NotYours => "这项操作不属于您的职责范围。",
        Refusal::UnknownMatter => "这份办件里没有这个事项。",
        Refusal::Outstanding => "还有容缺或补正材料没有补齐，补齐后才能作出准予决定。",
    };
    ApiError::new(code)
        .with_message(message)
        .with_field("workflow", r.code())
}
