//! The life of an application (办件) and of each matter in it (并联审批), as statuses and the
//! only transitions allowed between them. Every change is an event in an append-only log; the
//! current status is derived from the log by [`replay`], never stored on its own.
//!
//! Application: 已提交 → 预审中 → 已受理 / 容缺受理 / 不予受理; 撤回 before acceptance; once
//! accepted, 办理中 (the matters go on in parallel) ⇄ 需补正, then 办结, then 已寄出 (EMS) or
//! 待领取 (the window), then 已送达, then 已评价. 不予受理 and 已撤回 end it (the applicant starts
//! again, with the earlier answers offered).
//!
//! Matter: 等待 (its `after` matters have no result yet) → 办理中 ⇄ 需补正 → 准予 / 不予.

use serde::{Deserialize, Serialize};

/// Where an application is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 已提交
    Submitted,
    /// 预审中
    PreReview,
    /// 已受理
    Accepted,
    /// 容缺受理: accepted with deferred materials outstanding.
    AcceptedDeferred,
    /// 不予受理 (with reasons): the end; the applicant may start again.
    NotAccepted,
    /// 已撤回 by the applicant before acceptance: the end.
    Withdrawn,
    /// 办理中: the departments work on their matters.
    Processing,
    /// 需补正: the applicant must supply something.
    CorrectionRequested,
    /// 办结: every matter has its result (some may be refused).
    Completed,
    /// 已寄出 by EMS, with a tracking number.
    Dispatched,
    /// 待领取 at the window.
    ReadyForPickup,
    /// 已送达 or 已领取.
    Delivered,
    /// 已评价 (好差评).
    Rated,
}

impl Status {
    pub const ALL: [Status; 13] = [
        Status::Submitted,
        Status::PreReview,
        Status::Accepted,
        Status::AcceptedDeferred,
        Status::NotAccepted,
        Status::Withdrawn,
        Status::Processing,
        Status::CorrectionRequested,
        Status::Completed,
        Status::Dispatched,
        Status::ReadyForPickup,
        Status::Delivered,
        Status::Rated,
    ];

    /// The statuses this one may move to, and no others.
    pub fn next(self) -> &'static [Status] {
        use Status::*;
        match self {
            Submitted => &[PreReview, Withdrawn],
            PreReview => &[Accepted, AcceptedDeferred, NotAccepted, Withdrawn],
            Accepted | AcceptedDeferred => &[Processing],
            Processing => &[CorrectionRequested, Completed],
            CorrectionRequested => &[Processing],
            Completed => &[Dispatched, ReadyForPickup],
            // Rated straight from 已寄出: the applicant holds the tracking number and may rate
            // before the courier reports delivery (which is then no longer recorded).
            Dispatched => &[Delivered, Rated],
            ReadyForPickup => &[Delivered],
            Delivered => &[Rated],
            NotAccepted | Withdrawn | Rated => &[],
        }
    }

    pub fn can_move_to(self, to: Status) -> bool {
        self.next().contains(&to)
    }

    /// Nothing more can happen to it.
    pub fn is_final(self) -> bool {
        self.next().is_empty()
    }

    /// The applicant may still withdraw it (撤回): only before acceptance.
    pub fn can_withdraw(self) -> bool {
        self.can_move_to(Status::Withdrawn)
    }

    /// The applicant may rate the service (好差评): once the result is on its way or delivered.
    pub fn can_rate(self) -> bool {
        self.can_move_to(Status::Rated)
    }

    /// What the applicant reads.
    pub fn label(self) -> &'static str {
        use Status::*;
        match self {
            Submitted => "已提交",
            PreReview => "预审中",
            Accepted => "已受理",
            AcceptedDeferred => "容缺受理",
            NotAccepted => "不予受理",
            Withdrawn => "已撤回",
            Processing => "办理中",
            CorrectionRequested => "需补正",
            Completed => "已办结",
            Dispatched => "已寄出",
            ReadyForPickup => "待领取",
            Delivered => "已送达",
            Rated => "已评价",
        }
    }

    /// The stored name (`pre_review`), as serde writes it.
    pub fn code(self) -> &'static str {
        use Status::*;
        match self {
            Submitted => "submitted",
            PreReview => "pre_review",
            Accepted => "accepted",
            AcceptedDeferred => "accepted_deferred",
            NotAccepted => "not_accepted",
            Withdrawn => "withdrawn",
            Processing => "processing",
            CorrectionRequested => "correction_requested",
            Completed => "completed",
            Dispatched => "dispatched",
            ReadyForPickup => "ready_for_pickup",
            Delivered => "delivered",
            Rated => "rated",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Where one matter of an application is, in its own department.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MatterStatus {
    /// 等待: a matter it comes after has no result yet.
    Waiting,
    /// 办理中
    Processing,
    /// 需补正
    CorrectionRequested,
    /// 准予: its result is granted.
    Approved,
    /// 不予: refused, with reasons; the bundle's other matters go on.
    Refused,
}

impl MatterStatus {
    pub const ALL: [MatterStatus; 5] = [
        MatterStatus::Waiting,
        MatterStatus::Processing,
        MatterStatus::CorrectionRequested,
        MatterStatus::Approved,
        MatterStatus::Refused,
    ];

    pub fn next(self) -> &'static [MatterStatus] {
        use MatterStatus::*;
        match self {
            // Refused while waiting: a matter it comes after was refused, so it cannot be done.
            Waiting => &[Processing, Refused],
            Processing => &[CorrectionRequested, Approved, Refused],
            CorrectionRequested => &[Processing],
            Approved | Refused => &[],
        }
    }

    pub fn can_move_to(self, to: MatterStatus) -> bool {
        self.next().contains(&to)
    }

    /// Decided, one way or the other.
    pub fn is_decided(self) -> bool {
        self.next().is_empty()
    }

    /// What the applicant reads (while waiting, see [`crate::workflow`] for why).
    pub fn label(self) -> &'static str {
        use MatterStatus::*;
        match self {
            Waiting => "等待",
            Processing => "办理中",
            CorrectionRequested => "需补正",
            Approved => "准予",
            Refused => "不予",
        }
    }

    pub fn code(self) -> &'static str {
        use MatterStatus::*;
        match self {
            Waiting => "waiting",
            Processing => "processing",
            CorrectionRequested => "correction_requested",
            Approved => "approved",
            Refused => "refused",
        }
    }

    pub fn from_code(code: &str) -> Option<MatterStatus> {
        MatterStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// One entry of an application's log: from where to where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transition {
    pub from: Status,
    pub to: Status,
}

/// Why a log cannot be replayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogError {
    /// Entry `at` starts from another status than the one the log had reached.
    Gap { at: usize },
    /// Entry `at` is a transition the table does not allow.
    NotAllowed { at: usize },
}

/// The status a log leads to, from 已提交, checking every entry: it must start where the
/// previous one ended and be allowed.
pub fn replay(log: &[Transition]) -> Result<Status, LogError> {
    let mut now = Status::Submitted;
    for (at, t) in log.iter().enumerate() {
        if t.from != now {
            return Err(LogError::Gap { at });
        }
        if !t.from.can_move_to(t.to) {
            return Err(LogError::NotAllowed { at });
        }
        now = t.to;
    }
    Ok(now)
}

/// How a completed bundle ended, said plainly: every matter granted, some refused (the others
/// still granted), or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    AllApproved,
    PartlyApproved,
    NoneApproved,
}

/// The outcome once every matter is decided; `None` while any is not.
pub fn outcome(matters: &[MatterStatus]) -> Option<Outcome> {
    if matters.is_empty() || !matters.iter().all(|m| m.is_decided()) {
        return None;
    }
    let approved = matters
        .iter()
        .filter(|m| **m == MatterStatus::Approved)
        .count();
    Some(match approved {
        0 => Outcome::NoneApproved,
        n if n == matters.len() => Outcome::AllApproved,
        _ => Outcome::PartlyApproved,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every allowed move, written out independently of `next`: any pair not here is refused.
    const ALLOWED: &[(Status, Status)] = &[
        (Status::Submitted, Status::PreReview),
        (Status::Submitted, Status::Withdrawn),
        (Status::PreReview, Status::Accepted),
        (Status::PreReview, Status::AcceptedDeferred),
        (Status::PreReview, Status::NotAccepted),
        (Status::PreReview, Status::Withdrawn),
        (Status::Accepted, Status::Processing),
        (Status::AcceptedDeferred, Status::Processing),
        (Status::Processing, Status::CorrectionRequested),
        (Status::Processing, Status::Completed),
        (Status::CorrectionRequested, Status::Processing),
        (Status::Completed, Status::Dispatched),
        (Status::Completed, Status::ReadyForPickup),
        (Status::Dispatched, Status::Delivered),
        (Status::Dispatched, Status::Rated),
        (Status::ReadyForPickup, Status::Delivered),
        (Status::Delivered, Status::Rated),
    ];

    #[test]
    fn every_pair_of_statuses_is_allowed_exactly_when_listed() {
        for from in Status::ALL {
            for to in Status::ALL {
                assert_eq!(
                    from.can_move_to(to),
                    ALLOWED.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
        }
    }

    #[test]
    fn every_pair_of_matter_statuses_is_allowed_exactly_when_listed() {
        use MatterStatus::*;
        let allowed = [
            (Waiting, Processing),
            (Waiting, Refused),
            (Processing, CorrectionRequested),
            (Processing, Approved),
            (Processing, Refused),
            (CorrectionRequested, Processing),
        ];
        for from in MatterStatus::ALL {
            for to in MatterStatus::ALL {
                assert_eq!(
                    from.can_move_to(to),
                    allowed.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
        }
    }

    #[test]
    fn codes_are_serdes_names_and_read_back() {
        for s in Status::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.code());
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
        for m in MatterStatus::ALL {
            assert_eq!(serde_json::to_value(m).unwrap(), m.code());
            assert_eq!(MatterStatus::from_code(m.code()), Some(m));
        }
        assert_eq!(Status::from_code("Accepted"), None);
    }

    #[test]
    fn withdrawal_only_before_acceptance_and_the_ends_are_final() {
        let can: Vec<Status> = Status::ALL
            .into_iter()
            .filter(|s| s.can_withdraw())
            .collect();
        assert_eq!(can, [Status::Submitted, Status::PreReview]);
        let finals: Vec<Status> = Status::ALL.into_iter().filter(|s| s.is_final()).collect();
        assert_eq!(
            finals,
            [Status::NotAccepted, Status::Withdrawn, Status::Rated]
        );
    }

    fn t(from: Status, to: Status) -> Transition {
        Transition { from, to }
    }

    #[test]
    fn a_log_replays_to_its_last_status_and_a_broken_one_is_refused() {
        use Status::*;
        let log = [
            t(Submitted, PreReview),
            t(PreReview, AcceptedDeferred),
            t(AcceptedDeferred, Processing),
            t(Processing, CorrectionRequested),
            t(CorrectionRequested, Processing),
            t(Processing, Completed),
            t(Completed, Dispatched),
            t(Dispatched, Delivered),
            t(Delivered, Rated),
        ];
        assert_eq!(replay(&log), Ok(Rated));
        assert_eq!(replay(&[]), Ok(Submitted));
        assert_eq!(replay(&log[..2]), Ok(AcceptedDeferred));
        // An entry that starts elsewhere, or skips a step.
        assert_eq!(
            replay(&[t(Submitted, PreReview), t(Submitted, Withdrawn)]),
            Err(LogError::Gap { at: 1 })
        );
        assert_eq!(
            replay(&[t(Submitted, Accepted)]),
            Err(LogError::NotAllowed { at: 0 })
        );
        // Nothing follows an end.
        assert_eq!(
            replay(&[t(Submitted, Withdrawn), t(Withdrawn, PreReview)]),
            Err(LogError::NotAllowed { at: 1 })
        );
    }

    #[test]
    fn a_bundle_with_one_refused_matter_completes_as_partly_approved() {
        use MatterStatus::*;
        assert_eq!(outcome(&[Approved, Approved]), Some(Outcome::AllApproved));
        assert_eq!(
            outcome(&[Approved, Refused, Approved]),
            Some(Outcome::PartlyApproved)
        );
        assert_eq!(outcome(&[Refused]), Some(Outcome::NoneApproved));
        // Not while any matter is still open.
        assert_eq!(outcome(&[Approved, Processing]), None);
        assert_eq!(outcome(&[Approved, Waiting]), None);
        assert_eq!(outcome(&[]), None);
    }
}
