use super::*;
use MatterStatus as M;

/// 企业开办 as the catalogue orders it: the licence first, the seal and the invoices after it.
fn startup() -> Case {
    let matter = |code: &str, department: &str, after: &[&str]| MatterCase {
        code: code.to_owned(),
        department: department.to_owned(),
        after: after.iter().map(|s| (*s).to_owned()).collect(),
        status: M::Waiting,
        open_requests: 0,
    };
    Case {
        status: Status::Submitted,
        matters: vec![
            matter("company-registration", "amr", &[]),
            matter("seal-engraving", "police", &["company-registration"]),
            matter("invoice-application", "tax", &["company-registration"]),
        ],
    }
}

fn dept(code: &str) -> Actor {
    Actor::Department(code.to_owned())
}

fn approve(m: &str) -> Command {
    Command::Approve {
        matter: m.to_owned(),
    }
}

/// Decide and apply, as the server does.
fn run(case: &mut Case, actor: &Actor, command: Command) -> Result<Vec<Step>, Refusal> {
    let steps = decide(case, actor, &command)?;
    case.apply(&steps);
    Ok(steps)
}

fn statuses(case: &Case) -> Vec<MatterStatus> {
    case.matters.iter().map(|m| m.status).collect()
}

fn accepted() -> Case {
    let mut case = startup();
    run(&mut case, &Actor::System, Command::StartPreReview).unwrap();
    run(
        &mut case,
        &Actor::Window,
        Command::Accept { deferred: false },
    )
    .unwrap();
    case
}

#[test]
fn accepting_starts_only_the_matters_that_wait_for_nobody() {
    let mut case = startup();
    run(&mut case, &Actor::System, Command::StartPreReview).unwrap();
    let steps = run(
        &mut case,
        &Actor::Window,
        Command::Accept { deferred: true },
    )
    .unwrap();
    assert_eq!(
        steps,
        [
            Step::Application(Transition {
                from: Status::PreReview,
                to: Status::AcceptedDeferred
            }),
            Step::Application(Transition {
                from: Status::AcceptedDeferred,
                to: Status::Processing
            }),
            Step::Matter {
                code: "company-registration".into(),
                from: M::Waiting,
                to: M::Processing
            },
        ]
    );
    assert_eq!(statuses(&case), [M::Processing, M::Waiting, M::Waiting]);
    assert_eq!(
        matter_label(case.status, case.matters[1].status),
        "等待前置事项结果"
    );
}

#[test]
fn a_granted_licence_starts_the_seal_and_the_invoices_in_parallel_and_the_last_result_completes() {
    let mut case = accepted();
    run(&mut case, &dept("amr"), approve("company-registration")).unwrap();
    assert_eq!(statuses(&case), [M::Approved, M::Processing, M::Processing]);
    run(&mut case, &dept("tax"), approve("invoice-application")).unwrap();
    assert_eq!(case.status, Status::Processing);
    let last = run(&mut case, &dept("police"), approve("seal-engraving")).unwrap();
    assert_eq!(
        last.last(),
        Some(&Step::Application(Transition {
            from: Status::Processing,
            to: Status::Completed
        }))
    );
    assert_eq!(
        crate::lifecycle::outcome(&statuses(&case)),
        Some(crate::lifecycle::Outcome::AllApproved)
    );
}

#[test]
fn a_refused_licence_refuses_what_needed_it_and_completes_as_none_approved() {
    let mut case = accepted();
    let refuse = Command::RefuseMatter {
        matter: "company-registration".into(),
    };
    run(&mut case, &dept("amr"), refuse).unwrap();
    assert_eq!(statuses(&case), [M::Refused, M::Refused, M::Refused]);
    assert_eq!(case.status, Status::Completed);
}

#[test]
fn one_refused_matter_leaves_the_others_going_and_the_bundle_partly_approved() {
    let mut case = accepted();
    run(&mut case, &dept("amr"), approve("company-registration")).unwrap();
    let refuse = Command::RefuseMatter {
        matter: "seal-engraving".into(),
    };
    run(&mut case, &dept("police"), refuse).unwrap();
    assert_eq!(case.status, Status::Processing, "the invoices still go on");
    run(&mut case, &dept("tax"), approve("invoice-application")).unwrap();
    assert_eq!(case.status, Status::Completed);
    assert_eq!(
        crate::lifecycle::outcome(&statuses(&case)),
        Some(crate::lifecycle::Outcome::PartlyApproved)
    );
}

#[test]
fn a_department_acts_only_on_its_own_matter_and_only_while_processing() {
    let case = accepted();
    for (actor, refusal) in [
        (dept("tax"), Refusal::NotYours),
        (Actor::Window, Refusal::NotYours),
        (Actor::Applicant, Refusal::NotYours),
    ] {
        assert_eq!(
            decide(&case, &actor, &approve("company-registration")),
            Err(refusal)
        );
    }
    assert_eq!(
        decide(&case, &dept("amr"), &approve("no-such-matter")),
        Err(Refusal::UnknownMatter)
    );
    // The seal waits for the licence: the police cannot decide it yet.
    assert_eq!(
        decide(&case, &dept("police"), &approve("seal-engraving")),
        Err(Refusal::NotNow)
    );
    // Before acceptance nothing is processed.
    let mut fresh = startup();
    run(&mut fresh, &Actor::System, Command::StartPreReview).unwrap();
    assert_eq!(
        decide(&fresh, &dept("amr"), &approve("company-registration")),
        Err(Refusal::NotNow)
    );
}

#[test]
fn a_correction_holds_the_application_until_every_matter_asked_is_supplied() {
    let mut case = accepted();
    run(&mut case, &dept("amr"), approve("company-registration")).unwrap();
    let ask = |m: &str| Command::RequestCorrection { matter: m.into() };
    run(&mut case, &dept("police"), ask("seal-engraving")).unwrap();
    assert_eq!(case.status, Status::CorrectionRequested);
    // A second department asks too; the application is already 需补正.
    let steps = run(&mut case, &dept("tax"), ask("invoice-application")).unwrap();
    assert_eq!(steps.len(), 1);
    // Everything at once (一次性告知): no second request while the first is open.
    assert_eq!(
        decide(&case, &dept("tax"), &ask("invoice-application")),
        Err(Refusal::NotNow)
    );
    // The police's material is in, the tax bureau's not yet.
    case.matters[1].open_requests = 0;
    case.matters[2].open_requests = 1;
    run(&mut case, &Actor::Applicant, Command::Supplied).unwrap();
    assert_eq!(
        statuses(&case),
        [M::Approved, M::Processing, M::CorrectionRequested]
    );
    assert_eq!(case.status, Status::CorrectionRequested);
    case.matters[2].open_requests = 0;
    run(&mut case, &Actor::Applicant, Command::Supplied).unwrap();
    assert_eq!(case.status, Status::Processing);
}

#[test]
fn a_result_waits_for_its_deferred_material() {
    let mut case = accepted();
    case.matters[0].open_requests = 1;
    assert_eq!(
        decide(&case, &dept("amr"), &approve("company-registration")),
        Err(Refusal::Outstanding)
    );
    // Refusing does not wait for anything.
    let refuse = Command::RefuseMatter {
        matter: "company-registration".into(),
    };
    assert!(decide(&case, &dept("amr"), &refuse).is_ok());
}

#[test]
fn withdrawal_delivery_and_rating_belong_to_their_own_side_and_moment() {
    let mut case = startup();
    run(&mut case, &Actor::System, Command::StartPreReview).unwrap();
    assert_eq!(
        decide(&case, &Actor::Window, &Command::Withdraw),
        Err(Refusal::NotYours)
    );
    let mut withdrawn = case.clone();
    run(&mut withdrawn, &Actor::Applicant, Command::Withdraw).unwrap();
    assert_eq!(withdrawn.status, Status::Withdrawn);

    let mut case = accepted();
    assert_eq!(
        decide(&case, &Actor::Applicant, &Command::Withdraw),
        Err(Refusal::NotNow),
        "no withdrawal after acceptance"
    );
    assert_eq!(
        decide(&case, &Actor::Window, &Command::Dispatch),
        Err(Refusal::NotNow)
    );
    for (d, m) in [
        ("amr", "company-registration"),
        ("tax", "invoice-application"),
        ("police", "seal-engraving"),
    ] {
        run(&mut case, &dept(d), approve(m)).unwrap();
    }
    assert_eq!(
        decide(&case, &Actor::Applicant, &Command::Rate),
        Err(Refusal::NotNow)
    );
    run(&mut case, &Actor::Window, Command::Dispatch).unwrap();
    assert_eq!(
        decide(&case, &Actor::Window, &Command::Rate),
        Err(Refusal::NotYours)
    );
    run(&mut case, &Actor::Applicant, Command::Rate).unwrap();
    assert_eq!(case.status, Status::Rated);
}

#[test]
fn every_command_in_every_status_either_moves_along_the_table_or_is_refused() {
    let commands = [
        Command::StartPreReview,
        Command::Withdraw,
        Command::Accept { deferred: false },
        Command::Accept { deferred: true },
        Command::Refuse,
        approve("company-registration"),
        Command::RequestCorrection {
            matter: "company-registration".into(),
        },
        Command::Supplied,
        Command::Dispatch,
        Command::ReadyForPickup,
        Command::Deliver,
        Command::Rate,
    ];
    let actors = [Actor::Applicant, Actor::Window, dept("amr"), Actor::System];
    for status in Status::ALL {
        for m in MatterStatus::ALL {
            let mut case = startup();
            case.status = status;
            case.matters[0].status = m;
            for command in &commands {
                for actor in &actors {
                    if let Ok(steps) = decide(&case, actor, command) {
                        // Each step starts where the previous one left off and is allowed.
                        let mut now = case.clone();
                        for step in &steps {
                            match step {
                                Step::Application(t) => {
                                    assert_eq!(t.from, now.status);
                                    assert!(t.from.can_move_to(t.to), "{t:?}");
                                }
                                Step::Matter { code, from, to } => {
                                    assert_eq!(Some(*from), now.matter(code).map(|m| m.status));
                                    assert!(from.can_move_to(*to), "{from:?} -> {to:?}");
                                }
                            }
                            now.apply(std::slice::from_ref(step));
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn tracking_numbers_are_13_digits_or_s10_with_its_check_digit() {
    assert_eq!(
        tracking_number("1234 5678 90123"),
        Ok("1234567890123".into())
    );
    // Serial 47312482: weighted sum 200, 200 mod 11 = 2, check digit 11 - 2 = 9.
    assert_eq!(tracking_number("ee473124829cn"), Ok("EE473124829CN".into()));
    assert_eq!(tracking_number("EE473124828CN"), Err(TRACKING_CHECK_DIGIT));
    for bad in [
        "",
        "12345",
        "EE47312482CN",
        "E1473124828CN",
        "１２３４５６７８９０１２３",
    ] {
        assert_eq!(tracking_number(bad), Err(TRACKING_FORMAT), "{bad}");
    }
}

#[test]
fn reasons_are_one_to_ten_each_said_in_at_most_200_characters() {
    let codes = |r: &[&str]| -> Vec<(String, String)> {
        let r: Vec<String> = r.iter().map(|s| (*s).to_owned()).collect();
        reasons_problems(&r)
            .into_iter()
            .map(|p| (p.field, p.code))
            .collect()
    };
    assert_eq!(codes(&["材料不齐"]), vec![]);
    assert_eq!(
        codes(&[]),
        vec![("reasons".into(), "field.required".into())]
    );
    let long = "长".repeat(201);
    assert_eq!(
        codes(&["  ", &long]),
        vec![
            ("reasons[0]".into(), "field.required".into()),
            ("reasons[1]".into(), "field.too_long".into())
        ]
    );
    assert_eq!(codes(&["x"; 11]).len(), 1);
}

#[test]
fn a_rating_is_checked_all_at_once_and_only_bad_ones_open_a_follow_up() {
    assert!(rating_problems(3, &[("speed", Some(5))], Some(0), Some("好")).is_empty());
    let p = rating_problems(0, &[("speed", Some(6))], Some(10), Some(&"字".repeat(501)));
    let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["level", "speed", "trips", "comment"]);
    let bad: Vec<u8> = RATING_LEVELS
        .iter()
        .map(|(l, _)| *l)
        .filter(|l| needs_followup(*l))
        .collect();
    assert_eq!(bad, [2, 1]);
}

#[test]
fn a_counter_code_is_open_only_before_acceptance_and_only_for_a_trip() {
    for status in Status::ALL.iter().copied() {
        let before = matches!(status, Status::Submitted | Status::PreReview);
        assert_eq!(counter_code_open(status, &[0, 1]), before, "{status:?}");
        assert!(!counter_code_open(status, &[0, 0]), "{status:?}");
        assert!(!counter_code_open(status, &[]), "{status:?}");
    }
}
