//! Who may do what to an application, and everything that follows from it: the pure decision
//! behind every button on the staff side and the applicant's page.
//!
//! [`decide`] takes the case as it stands (derived from the event log), who acts and what they
//! ask, and returns the steps to append to the log, or why not. It never writes anything: the
//! server appends the steps in one transaction, and the next decision starts from the replay.
//!
//! What follows by itself is part of the same decision, so the log never stops half-way:
//! - accepting starts every matter that waits for nobody (并联审批);
//! - a granted matter starts the matters that waited only for it (`after` in the catalogue);
//!   a refused one refuses the matters that needed it, since they cannot be done;
//! - the last decided matter completes the application (办结), partly approved if need be;
//! - a correction (需补正) on any matter puts the application in 需补正 until every matter
//!   asked has what it needed.

use serde::{Deserialize, Serialize};

use crate::lifecycle::{MatterStatus, Status, Transition};

/// Who acts. Staff roles are checked by the server (sign-in); a department acts only on the
/// matters of its own department code, and `decide` refuses anything else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The applicant, holding the application key or its second factor.
    Applicant,
    /// 综合窗口: accepts, refuses, hands results out.
    Window,
    /// A department (its code in the catalogue).
    Department(String),
    /// Automatic steps (pre-review at submission).
    System,
}

/// What is asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Command {
    /// The machine pre-review at submission passed: the window may now decide.
    StartPreReview,
    /// 撤回, by the applicant, before acceptance.
    Withdraw,
    /// 受理 (容缺受理 when `deferred`: some materials are still to come).
    Accept { deferred: bool },
    /// 不予受理, with reasons (kept in the event's note).
    Refuse,
    /// 准予: the department grants its matter.
    Approve { matter: String },
    /// 不予: the department refuses its matter, with reasons.
    RefuseMatter { matter: String },
    /// 需补正: the department asks for something again (the request itself is stored apart).
    RequestCorrection { matter: String },
    /// The applicant handed in what was asked: matters with nothing left open go on.
    Supplied,
    /// 已寄出 by EMS (the tracking number is kept in the event's note).
    Dispatch,
    /// 待领取 at the window.
    ReadyForPickup,
    /// 已送达 / 已领取.
    Deliver,
    /// 好差评 given.
    Rate,
}

/// One matter of the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatterCase {
    pub code: String,
    pub department: String,
    /// Matters whose result this one waits for.
    pub after: Vec<String>,
    pub status: MatterStatus,
    /// Requests still open that hold back this matter's result (a 容缺 material its
    /// department uses, or a correction it asked for).
    pub open_requests: u32,
}

/// An application as its log leaves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub status: Status,
    pub matters: Vec<MatterCase>,
}

/// One step to append to the log: the application's or one matter's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "of", rename_all = "snake_case")]
pub enum Step {
    Application(Transition),
    Matter {
        code: String,
        from: MatterStatus,
        to: MatterStatus,
    },
}

/// Why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not in the application's (or the matter's) present status.
    NotNow,
    /// Not this actor's to do (another department's matter, or the wrong side).
    NotYours,
    /// No such matter in this application.
    UnknownMatter,
    /// A material is still outstanding for this matter: supply it before the result.
    Outstanding,
}

impl Refusal {
    /// The error code the API returns.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotNow => "workflow.not_now",
            Refusal::NotYours => "workflow.not_yours",
            Refusal::UnknownMatter => "workflow.unknown_matter",
            Refusal::Outstanding => "workflow.outstanding",
        }
    }
}

pub const CODES: [&str; 6] = [
    "workflow.not_now",
    "workflow.not_yours",
    "workflow.unknown_matter",
    "workflow.outstanding",
    TRACKING_FORMAT,
    TRACKING_CHECK_DIGIT,
];

/// An EMS tracking number is 13 digits, or the international S10 form (`EE473124829CN`).
pub const TRACKING_FORMAT: &str = "tracking.format";
/// An S10 number whose check digit does not match its serial.
pub const TRACKING_CHECK_DIGIT: &str = "tracking.check_digit";

/// Most reasons one decision may give, and the longest reason.
pub const MAX_REASONS: usize = 10;
pub const MAX_REASON_CHARS: usize = 200;
/// A follow-up (整改) of a bad rating is answered within this many working days.
pub const FOLLOWUP_DAYS: u32 = 15;
/// The longest rating comment.
pub const MAX_COMMENT_CHARS: usize = 500;

/// The reasons of a refusal (不予受理, 不予): one to ten, each said in 1 to 200 characters.
/// Every problem at once, each pointing at `reasons` or `reasons[i]`.
pub fn reasons_problems(reasons: &[String]) -> Vec<crate::validation::FieldProblem> {
    use crate::application::{REQUIRED, TOO_LARGE, TOO_LONG};
    use crate::validation::FieldProblem;
    let mut out = Vec::new();
    if reasons.is_empty() {
        out.push(FieldProblem::new("reasons", REQUIRED));
    } else if reasons.len() > MAX_REASONS {
        out.push(FieldProblem::new("reasons", TOO_LARGE));
    }
    for (i, r) in reasons.iter().enumerate() {
        let r = r.trim();
        if r.is_empty() {
            out.push(FieldProblem::new(format!("reasons[{i}]"), REQUIRED));
        } else if r.chars().count() > MAX_REASON_CHARS {
            out.push(FieldProblem::new(format!("reasons[{i}]"), TOO_LONG));
        }
    }
    out
}

/// An EMS tracking number, spaces removed and letters capitalised, or why not.
pub fn tracking_number(text: &str) -> Result<String, &'static str> {
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let b = t.as_bytes();
    if b.len() == 13 && b.iter().all(u8::is_ascii_digit) {
        return Ok(t);
    }
    let s10 = b.len() == 13
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..11].iter().all(u8::is_ascii_digit)
        && b[11..].iter().all(u8::is_ascii_uppercase);
    if !s10 {
        return Err(TRACKING_FORMAT);
    }
    // UPU S10: weights 8 6 4 2 3 5 9 7 over the serial; 11 - sum mod 11, where 10 is 0 and
    // 11 is 5.
    let sum: u32 = b[2..10]
        .iter()
        .zip([8, 6, 4, 2, 3, 5, 9, 7])
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let check = match 11 - sum % 11 {
        10 => 0,
        11 => 5,
        c => c,
    };
    if u32::from(b[10] - b'0') == check {
        Ok(t)
    } else {
        Err(TRACKING_CHECK_DIGIT)
    }
}

/// 好差评's five levels, from 非常满意 (5) down to 非常不满意 (1).
pub const RATING_LEVELS: [(u8, &str); 5] = [
    (5, "非常满意"),
    (4, "满意"),
    (3, "基本满意"),
    (2, "不满意"),
    (1, "非常不满意"),
];

/// 办件码: the applicant shows a counter code at the window while one of the matters still
/// needs its one trip (负面清单, `trips` per matter) and the window has not yet accepted the
/// application; after that the window has no use for it.
pub fn counter_code_open(status: Status, trips: &[u8]) -> bool {
    matches!(status, Status::Submitted | Status::PreReview) && trips.iter().any(|t| *t > 0)
}

/// A rating of 不满意 or worse opens a follow-up (整改).
pub fn needs_followup(level: u8) -> bool {
    level <= 2
}

/// A rating: level 1 to 5; each optional dimension 1 to 5; trips 0 to 9; a comment of at most
/// 500 characters. Every problem at once.
pub fn rating_problems(
    level: u8,
    dimensions: &[(&str, Option<u8>)],
    trips: Option<u8>,
    comment: Option<&str>,
) -> Vec<crate::validation::FieldProblem> {
    use crate::application::{TOO_LARGE, TOO_LONG, TOO_SMALL};
    use crate::validation::FieldProblem;
    let mut out = Vec::new();
    let mut level_check = |field: &str, v: u8| {
        if v < 1 {
            out.push(FieldProblem::new(field, TOO_SMALL));
        } else if v > 5 {
            out.push(FieldProblem::new(field, TOO_LARGE));
        }
    };
    level_check("level", level);
    for (name, v) in dimensions {
        if let Some(v) = v {
            level_check(name, *v);
        }
    }
    if trips.is_some_and(|t| t > 9) {
        out.push(FieldProblem::new("trips", TOO_LARGE));
    }
    if comment.is_some_and(|c| c.trim().chars().count() > MAX_COMMENT_CHARS) {
        out.push(FieldProblem::new("comment", TOO_LONG));
    }
    out
}

impl Case {
    /// The case after these steps (the steps are trusted: they come from `decide`).
    pub fn apply(&mut self, steps: &[Step]) {
        for step in steps {
            match step {
                Step::Application(t) => self.status = t.to,
                Step::Matter { code, to, .. } => {
                    if let Some(m) = self.matters.iter_mut().find(|m| &m.code == code) {
                        m.status = *to;
                    }
                }
            }
        }
    }

    fn matter(&self, code: &str) -> Option<&MatterCase> {
        self.matters.iter().find(|m| m.code == code)
    }
}

/// The steps that `command` by `actor` leads to, or why it may not happen now.
pub fn decide(case: &Case, actor: &Actor, command: &Command) -> Result<Vec<Step>, Refusal> {
    let mut next = Draft {
        case: case.clone(),
        steps: Vec::new(),
    };
    match command {
        Command::StartPreReview => {
            only(actor, &Actor::System)?;
            next.move_to(Status::PreReview)?;
        }
        Command::Withdraw => {
            only(actor, &Actor::Applicant)?;
            next.move_to(Status::Withdrawn)?;
        }
        Command::Accept { deferred } => {
            only(actor, &Actor::Window)?;
            next.move_to(if *deferred {
                Status::AcceptedDeferred
            } else {
                Status::Accepted
            })?;
            next.move_to(Status::Processing)?;
            next.follow_on();
        }
        Command::Refuse => {
            only(actor, &Actor::Window)?;
            next.move_to(Status::NotAccepted)?;
        }
        Command::Approve { matter } | Command::RefuseMatter { matter } => {
            let m = own_matter(case, actor, matter)?;
            let approve = matches!(command, Command::Approve { .. });
            if approve && m.open_requests > 0 {
                return Err(Refusal::Outstanding);
            }
            in_progress(case)?;
            let to = if approve {
                MatterStatus::Approved
            } else {
                MatterStatus::Refused
            };
            next.move_matter(matter, to)?;
            next.follow_on();
        }
        Command::RequestCorrection { matter } => {
            own_matter(case, actor, matter)?;
            in_progress(case)?;
            next.move_matter(matter, MatterStatus::CorrectionRequested)?;
            if next.case.status == Status::Processing {
                next.move_to(Status::CorrectionRequested)?;
            }
        }
        Command::Supplied => {
            only(actor, &Actor::Applicant)?;
            in_progress(case)?;
            let ready: Vec<String> = case
                .matters
                .iter()
                .filter(|m| m.status == MatterStatus::CorrectionRequested && m.open_requests == 0)
                .map(|m| m.code.clone())
                .collect();
            for code in &ready {
                next.move_matter(code, MatterStatus::Processing)?;
            }
            let still = next
                .case
                .matters
                .iter()
                .any(|m| m.status == MatterStatus::CorrectionRequested);
            if next.case.status == Status::CorrectionRequested && !still {
                next.move_to(Status::Processing)?;
            }
        }
        Command::Dispatch | Command::ReadyForPickup | Command::Deliver => {
            only(actor, &Actor::Window)?;
            next.move_to(match command {
                Command::Dispatch => Status::Dispatched,
                Command::ReadyForPickup => Status::ReadyForPickup,
                _ => Status::Delivered,
            })?;
        }
        Command::Rate => {
            only(actor, &Actor::Applicant)?;
            next.move_to(Status::Rated)?;
        }
    }
    Ok(next.steps)
}

fn only(actor: &Actor, expected: &Actor) -> Result<(), Refusal> {
    if actor == expected {
        Ok(())
    } else {
        Err(Refusal::NotYours)
    }
}

/// The matter, when it is in the case and belongs to the acting department.
fn own_matter<'a>(case: &'a Case, actor: &Actor, code: &str) -> Result<&'a MatterCase, Refusal> {
    let Actor::Department(department) = actor else {
        return Err(Refusal::NotYours);
    };
    let m = case.matter(code).ok_or(Refusal::UnknownMatter)?;
    if &m.department != department {
        return Err(Refusal::NotYours);
    }
    Ok(m)
}

/// Departments act only while the application is being processed.
fn in_progress(case: &Case) -> Result<(), Refusal> {
    match case.status {
        Status::Processing | Status::CorrectionRequested => Ok(()),
        _ => Err(Refusal::NotNow),
    }
}

/// The case as the steps so far leave it.
struct Draft {
    case: Case,
    steps: Vec<Step>,
}

impl Draft {
    fn move_to(&mut self, to: Status) -> Result<(), Refusal> {
        let from = self.case.status;
        if !from.can_move_to(to) {
            return Err(Refusal::NotNow);
        }
        self.push(Step::Application(Transition { from, to }));
        Ok(())
    }

    fn move_matter(&mut self, code: &str, to: MatterStatus) -> Result<(), Refusal> {
        let from = self.case.matter(code).ok_or(Refusal::UnknownMatter)?.status;
        if !from.can_move_to(to) {
            return Err(Refusal::NotNow);
        }
        self.push(Step::Matter {
            code: code.to_owned(),
            from,
            to,
        });
        Ok(())
    }

    fn push(&mut self, step: Step) {
        self.case.apply(std::slice::from_ref(&step));
        self.steps.push(step);
    }

    /// Start what can start, refuse what can no longer be done, and complete the application
    /// once every matter is decided; repeated until nothing changes (a chain of `after`).
    fn follow_on(&mut self) {
        loop {
            let status_of = |code: &str| self.case.matter(code).map(|m| m.status);
            let change = self.case.matters.iter().find_map(|m| {
                if m.status != MatterStatus::Waiting {
                    return None;
                }
                let befores: Vec<Option<MatterStatus>> =
                    m.after.iter().map(|a| status_of(a)).collect();
                // An `after` that is not in this application (not asked for) holds nothing up.
                if befores.contains(&Some(MatterStatus::Refused)) {
                    Some((m.code.clone(), MatterStatus::Refused))
                } else if befores
                    .iter()
                    .all(|b| b.is_none() || *b == Some(MatterStatus::Approved))
                {
                    Some((m.code.clone(), MatterStatus::Processing))
                } else {
                    None
                }
            });
            match change {
                // Allowed by construction: a waiting matter may start or be refused.
                Some((code, to)) => {
                    let _ = self.move_matter(&code, to);
                }
                None => break,
            }
        }
        let decided: Vec<MatterStatus> = self.case.matters.iter().map(|m| m.status).collect();
        if crate::lifecycle::outcome(&decided).is_some() {
            let _ = self.move_to(Status::Completed);
        }
    }
}

/// What a waiting matter is waiting for, in the applicant's words.
pub fn matter_label(application: Status, matter: MatterStatus) -> &'static str {
    match (application, matter) {
        (Status::Submitted | Status::PreReview, MatterStatus::Waiting) => "待受理",
        (Status::NotAccepted | Status::Withdrawn, MatterStatus::Waiting) => "未办理",
        (_, MatterStatus::Waiting) => "等待前置事项结果",
        (_, m) => m.label(),
    }
}

#[cfg(test)]
mod tests;
