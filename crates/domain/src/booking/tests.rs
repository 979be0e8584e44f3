use super::*;

fn hall() -> Hall {
    Hall {
        code: "xihu".into(),
        name: "西湖区行政服务中心".into(),
        name_en: "Xihu District Service Hall".into(),
        address: "示例地址".into(),
        sessions: vec!["09:00-12:00".into(), "13:30-17:00".into()],
        slot_minutes: 30,
        horizon_days: 7,
        cancel_minutes: 120,
        priority_seats: 1,
        priority_release_minutes: 60,
        per_id: 3,
        per_phone: 3,
        max_no_shows: 3,
        no_show_days: 90,
        windows: vec![Window {
            code: "W01".into(),
            name: "1号窗口".into(),
            matters: vec!["exit-entry-permit".into()],
            capacity: 3,
        }],
        illustrative: true,
    }
}

fn day(y: i32, m: u32, d: u32) -> CivilDate {
    CivilDate::new(y, m, d).unwrap()
}

fn at(date: CivilDate, hhmm: &str) -> Moment {
    Moment {
        date,
        minutes: minutes_of(hhmm).unwrap(),
    }
}

#[test]
fn slots_fill_each_session_and_days_skip_days_off() {
    let h = hall();
    let starts: Vec<String> = h.starts().into_iter().map(hhmm).collect();
    assert_eq!(starts.len(), 6 + 7);
    assert_eq!(starts[0], "09:00");
    assert_eq!(starts[5], "11:30");
    assert_eq!(starts[6], "13:30");
    assert_eq!(starts.last().unwrap(), "16:30");
    // From Friday 2026-11-27: the next seven working days skip the weekend.
    let days = h.days(&WorkCalendar::default(), day(2026, 11, 27));
    assert_eq!(days.first(), Some(&day(2026, 11, 30)));
    assert_eq!(days.len(), 7);
    assert!(days.iter().all(|d| !d.weekday().is_weekend()));
    assert_eq!(days.last(), Some(&day(2026, 12, 8)));
}

#[test]
fn only_real_future_slots_within_the_horizon_can_be_booked() {
    let h = hall();
    let cal = WorkCalendar::default();
    let now = at(day(2026, 11, 23), "10:00");
    assert!(bookable(&h, &cal, now, day(2026, 11, 24), 9 * 60));
    // Today, a weekend, beyond seven working days, not a slot start, lunch time: no.
    assert!(!bookable(&h, &cal, now, day(2026, 11, 23), 15 * 60));
    assert!(!bookable(&h, &cal, now, day(2026, 11, 28), 9 * 60));
    assert!(!bookable(&h, &cal, now, day(2026, 12, 3), 9 * 60));
    assert!(!bookable(&h, &cal, now, day(2026, 11, 24), 9 * 60 + 10));
    assert!(!bookable(&h, &cal, now, day(2026, 11, 24), 12 * 60 + 30));
}

#[test]
fn the_last_seats_are_kept_for_the_green_channel_until_released() {
    let (h, w) = (hall(), hall().windows[0].clone());
    let now = at(day(2026, 11, 23), "10:00");
    let slot = at(day(2026, 11, 24), "09:00");
    let c = |taken, taken_priority| Counts {
        taken,
        taken_priority,
        ..Counts::default()
    };
    assert_eq!(admit(&h, &w, now, slot, false, c(1, 0)), Ok(()));
    // Two of three taken, the third kept for the green channel.
    assert_eq!(admit(&h, &w, now, slot, false, c(2, 0)), Err(Refusal::Full));
    assert_eq!(admit(&h, &w, now, slot, true, c(2, 0)), Ok(()));
    // A green-channel booking already holds the kept seat: the others are for everyone.
    assert_eq!(admit(&h, &w, now, slot, false, c(1, 1)), Ok(()));
    // An hour before the slot the kept seat is released.
    let late = at(day(2026, 11, 24), "08:00");
    assert_eq!(admit(&h, &w, late, slot, false, c(2, 0)), Ok(()));
    // Full is full, for everyone.
    assert_eq!(admit(&h, &w, now, slot, true, c(3, 1)), Err(Refusal::Full));
    assert_eq!(
        admit(&h, &w, late, slot, false, c(3, 0)),
        Err(Refusal::Full)
    );
}

#[test]
fn one_booking_per_matter_quotas_and_no_shows_of_verified_identities() {
    let (h, w) = (hall(), hall().windows[0].clone());
    let now = at(day(2026, 11, 23), "10:00");
    let slot = at(day(2026, 11, 25), "14:00");
    let ok = Counts::default();
    assert_eq!(admit(&h, &w, now, slot, false, ok), Ok(()));
    let refused = |c: Counts| admit(&h, &w, now, slot, false, c);
    assert_eq!(
        refused(Counts {
            same_matter: 1,
            ..ok
        }),
        Err(Refusal::Duplicate)
    );
    assert_eq!(refused(Counts { by_id: 3, ..ok }), Err(Refusal::Quota));
    assert_eq!(refused(Counts { by_phone: 3, ..ok }), Err(Refusal::Quota));
    assert_eq!(
        refused(Counts {
            by_id: 2,
            by_phone: 2,
            ..ok
        }),
        Ok(())
    );
    assert_eq!(
        refused(Counts {
            verified_no_shows: 3,
            ..ok
        }),
        Err(Refusal::Blocked)
    );
    assert_eq!(
        refused(Counts {
            verified_no_shows: 2,
            ..ok
        }),
        Ok(())
    );
}

#[test]
fn cancelling_closes_two_hours_before() {
    let h = hall();
    let slot = at(day(2026, 11, 24), "09:00");
    assert_eq!(
        cancellable(&h, at(day(2026, 11, 24), "07:00"), slot),
        Ok(())
    );
    assert_eq!(
        cancellable(&h, at(day(2026, 11, 24), "07:01"), slot),
        Err(Refusal::TooLate)
    );
    assert_eq!(
        cancellable(&h, at(day(2026, 11, 23), "16:00"), slot),
        Ok(())
    );
}

#[test]
fn seventy_and_over_is_the_green_channel() {
    let birth = day(1956, 11, 24);
    assert!(!elderly(birth, day(2026, 11, 23)));
    assert!(elderly(birth, day(2026, 11, 24)));
}

#[test]
fn bad_hall_data_is_reported() {
    let mut h = hall();
    h.sessions = vec!["9:00-12:00".into()];
    h.windows[0].capacity = 0;
    h.windows[0].matters.push("nothing".into());
    let p = h.problems(|m| m == "exit-entry-permit");
    assert_eq!(p.len(), 4, "{p:?}");
    assert!(hall().problems(|m| m == "exit-entry-permit").is_empty());
}

#[test]
fn times_read_and_print() {
    assert_eq!(minutes_of("09:30"), Some(570));
    assert_eq!(minutes_of("24:00"), None);
    assert_eq!(minutes_of("9:30"), None);
    assert_eq!(hhmm(570), "09:30");
    assert_eq!(
        at(day(2026, 11, 23), "23:00").minutes_until(at(day(2026, 11, 24), "01:00")),
        120
    );
}

#[test]
fn seats_left_for_anyone_and_for_the_green_channel() {
    let (h, w) = (hall(), hall().windows[0].clone());
    let now = at(day(2026, 11, 23), "10:00");
    let slot = at(day(2026, 11, 24), "09:00");
    assert_eq!(seats(&h, &w, now, slot, 0, 0), (2, 1));
    assert_eq!(seats(&h, &w, now, slot, 2, 0), (0, 1));
    assert_eq!(seats(&h, &w, now, slot, 2, 1), (1, 0));
    assert_eq!(
        seats(&h, &w, at(day(2026, 11, 24), "08:30"), slot, 2, 0),
        (1, 0)
    );
    assert_eq!(seats(&h, &w, now, slot, 3, 1), (0, 0));
}

#[test]
fn who_books_is_checked_all_at_once() {
    let today = day(2026, 11, 23);
    assert!(person_problems("王小明", "11010519491231002X", "13812345678", today).is_empty());
    let fields: Vec<&str> = person_problems("王3", "110105194912310020", "1234", today)
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(fields, ["name", "id_number", "mobile"]);
}
