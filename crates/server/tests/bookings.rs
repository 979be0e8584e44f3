//! 窗口预约 through the API, on SQLite and on PostgreSQL: the slots of the windows that handle
//! a matter on the negative list; booking, its confirmation with the check-in QR code, the
//! rules (one per matter, the green channel's kept seat, cancellation cut-off, no-shows of
//! verified identities only); the window checking the arrival in; and 200 people racing for
//! the last seat of a slot: exactly one gets it, the others are told 已约满, nothing half-written.

mod common;

use common::{
    NOW, TestApp, body_json, body_string, field_codes, seed_staff, spawn, spawn_with, staff_cookie,
};
use onetrip_server::clock::Timestamp;
use onetrip_server::routes::ids;
use serde_json::{Value, json};

const HOUR_MS: i64 = 60 * 60 * 1000;
/// 2026-11-24 is the first bookable day from NOW (Monday 2026-11-23, 10:00 China time).
const DAY: &str = "2026-11-24";

/// A valid resident ID number born on `birth` (YYYYMMDD), with sequence `seq`.
fn id_number(birth: &str, seq: u32) -> String {
    let body = format!("330106{birth}{:03}", seq % 1000);
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(weights)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

fn person(n: u32) -> (String, String) {
    (id_number("19850315", n), format!("139{:08}", 10_000 + n))
}

fn request(window: &str, hall: &str, start: &str, n: u32) -> Value {
    let (id, mobile) = person(n);
    json!({
        "matter": "exit-entry-permit", "hall": hall, "window": window,
        "date": DAY, "start": start, "name": "王小明", "id_number": id, "mobile": mobile
    })
}

async fn book(app: &TestApp, body: &Value) -> (u16, Value) {
    let res = app
        .post_json("/api/v1/bookings", Some(&common::key()), &body.to_string())
        .await;
    let status = res.status().as_u16();
    let text = body_string(res).await;
    // Nothing personal comes back: a masked name only.
    for secret in [
        body["id_number"].as_str().unwrap(),
        body["mobile"].as_str().unwrap(),
        "王小明",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    (status, serde_json::from_str(&text).unwrap())
}

async fn slot_left(app: &TestApp, window: &str, start: &str) -> (u64, u64) {
    let res = app.get("/api/v1/matters/exit-entry-permit/slots").await;
    assert_eq!(res.status(), 200);
    let slots = body_json(res).await;
    let w = slots["windows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["window"] == window)
        .unwrap();
    let day = w["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == DAY)
        .unwrap();
    let s = day["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["start"] == start)
        .unwrap();
    (
        s["left"].as_u64().unwrap(),
        s["priority_left"].as_u64().unwrap(),
    )
}

async fn story(app: TestApp) {
    seed_staff(&app).await;
    // Two halls' windows handle 出入境; seven working days from tomorrow, weekends skipped.
    let res = app.get("/api/v1/matters/exit-entry-permit/slots").await;
    let slots = body_json(res).await;
    assert_eq!(slots["matter_name"], "往来港澳通行证首次申领");
    let windows = slots["windows"].as_array().unwrap();
    assert_eq!(windows.len(), 2);
    let days: Vec<&str> = windows[0]["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["date"].as_str().unwrap())
        .collect();
    assert_eq!(days.first(), Some(&DAY));
    assert_eq!(days.len(), 7);
    assert!(!days.contains(&"2026-11-28"), "a Saturday: {days:?}");
    // A matter that needs no trip has nothing to book.
    assert_eq!(
        app.get("/api/v1/matters/company-registration/slots")
            .await
            .status(),
        404
    );
    // A01 seats 3, one kept for the green channel.
    assert_eq!(slot_left(&app, "A01", "09:00").await, (2, 1));

    // Booked: the confirmation says when, where, what to bring, and has a check-in QR code.
    let hall = "hz-citizen-centre";
    let (status, b) = book(&app, &request("A01", hall, "09:00", 1)).await;
    assert_eq!(status, 201, "{b}");
    assert_eq!(b["status"], "active");
    assert_eq!(
        (b["date"].as_str(), b["start"].as_str(), b["end"].as_str()),
        (Some(DAY), Some("09:00"), Some("09:30"))
    );
    assert_eq!(b["name"], "王**");
    assert_eq!(b["window_name"], "A01 出入境综合窗口");
    assert!(b["bring"][0].as_str().unwrap().contains("身份证原件"));
    assert_eq!(b["cancel_until"], "2026-11-24T07:00:00+08:00");
    let code = b["checkin"]["code"].as_str().unwrap().to_owned();
    assert_eq!(
        b["checkin"]["url"],
        format!("http://127.0.0.1:8080/k/{code}")
    );
    assert_eq!(
        app.get(b["checkin"]["qr_url"].as_str().unwrap())
            .await
            .status(),
        200
    );
    let token = b["token"].as_str().unwrap().to_owned();
    // What is kept of the identity and phone numbers is keyed: a plain digest of numbers with
    // so few possible values gives them back to anyone who tries them all.
    let row = app
        .state
        .storage
        .booking_by_token(&token)
        .await
        .unwrap()
        .unwrap();
    let (id, mobile) = person(1);
    for (kept, what, value) in [
        (&row.id_hash, "booking-id", &id),
        (&row.phone_hash, "booking-phone", &mobile),
    ] {
        assert_ne!(*kept, ids::digest(&[what, value]), "{what} unkeyed");
        assert_eq!(*kept, ids::keyed(&app.state.digest_key, &[what, value]));
    }
    let again = body_json(app.get(&format!("/api/v1/bookings/{token}")).await).await;
    assert_eq!(again, b);
    assert_eq!(slot_left(&app, "A01", "09:00").await, (1, 1));

    // One booking per person per matter, at any window.
    let (status, err) = book(&app, &request("03", "xihu-service-hall", "09:00", 1)).await;
    assert_eq!(
        (status, field_codes(&err)),
        (409, vec![("slot".into(), "booking.duplicate".into())])
    );
    // Bad input: every problem at once; a Saturday or a time that is not a slot.
    let mut bad = request("A01", hall, "09:00", 2);
    bad["id_number"] = json!("330106198503150000");
    bad["mobile"] = json!("1234");
    let (status, err) = book(&app, &bad).await;
    assert_eq!(status, 422);
    let fields: Vec<String> = field_codes(&err).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["id_number", "mobile"]);
    for (date, start) in [
        ("2026-11-28", "09:00"),
        (DAY, "12:00"),
        (DAY, "09:10"),
        ("2026-11-23", "15:00"),
    ] {
        let mut b = request("A01", hall, start, 3);
        b["date"] = json!(date);
        let (status, err) = book(&app, &b).await;
        assert_eq!(
            (status, field_codes(&err)),
            (422, vec![("slot".into(), "booking.slot_invalid".into())]),
            "{date} {start}"
        );
    }

    // The last seat of everyone's is taken; the kept one goes only to the green channel.
    assert_eq!(book(&app, &request("A01", hall, "09:00", 4)).await.0, 201);
    let (status, err) = book(&app, &request("A01", hall, "09:00", 5)).await;
    assert_eq!(status, 409);
    assert_eq!(err["error"]["message"], "已约满，请选择其他时段。");
    let mut elder = request("A01", hall, "09:00", 6);
    elder["id_number"] = json!(id_number("19500101", 6));
    let (status, e) = book(&app, &elder).await;
    assert_eq!(status, 201, "{e}");
    assert_eq!(e["green_channel"], true);
    assert_eq!(slot_left(&app, "A01", "09:00").await, (0, 0));

    // Cancel, and book again: the seat comes back.
    let res = app
        .request("DELETE", &format!("/api/v1/bookings/{token}"), &[], None)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(body_json(res).await["status"], "cancelled");
    assert_eq!(slot_left(&app, "A01", "09:00").await, (1, 0));
    let (status, b1) = book(&app, &request("A01", hall, "09:00", 1)).await;
    assert_eq!(status, 201, "{b1}");
    // Too late to cancel within two hours of the slot.
    app.clock.set(Timestamp(NOW.0 + 22 * HOUR_MS)); // 2026-11-24 08:00
    let t1 = b1["token"].as_str().unwrap();
    let res = app
        .request("DELETE", &format!("/api/v1/bookings/{t1}"), &[], None)
        .await;
    let status = res.status();
    let err = body_json(res).await;
    assert_eq!(
        (status.as_u16(), field_codes(&err)),
        (409, vec![("slot".into(), "booking.too_late".into())])
    );

    // At the hall the window scans the check-in code, sees the booking and marks the arrival.
    let window = staff_cookie(&app, "window").await;
    let code1 = b1["checkin"]["code"].as_str().unwrap();
    let res = app
        .get_with(
            &format!("/api/v1/staff/counter/{code1}"),
            &[("cookie", &window)],
        )
        .await;
    assert_eq!(res.status(), 200);
    let v = body_json(res).await;
    assert_eq!(v["booking"]["start"], "09:00");
    assert_eq!(v["booking"]["name"], "王**");
    assert!(v["application"].is_null());
    let arrive = |code: String| {
        let app = &app;
        let window = window.clone();
        async move {
            app.request(
                "POST",
                &format!("/api/v1/staff/bookings/{code}/arrival"),
                &[("cookie", &window)],
                None,
            )
            .await
            .status()
            .as_u16()
        }
    };
    assert_eq!(arrive(code1.to_owned()).await, 204);
    assert_eq!(arrive(code1.to_owned()).await, 409);
    let b1 = body_json(app.get(&format!("/api/v1/bookings/{t1}")).await).await;
    assert_eq!(b1["status_label"], "已到场");

    // No-shows: person 1 was verified at the hall; three missed bookings block them. Person 7
    // was never verified (anyone could have typed that number): never blocked.
    for (n, start, blocked) in [(1, "09:00", true), (7, "09:40", false)] {
        for k in 0..3 {
            // The day before each, book the next day's slot, and do not go.
            app.clock.set(Timestamp(NOW.0 + (24 * k + 2) * HOUR_MS));
            let mut r = request("03", "xihu-service-hall", start, n);
            let day = Timestamp(NOW.0 + (24 * k + 24) * HOUR_MS).china_date();
            r["date"] = json!(day.to_string());
            let (status, e) = book(&app, &r).await;
            assert_eq!(status, 201, "person {n}, day {k}: {e}");
        }
        // Days later, all three missed.
        app.clock.set(Timestamp(NOW.0 + 24 * 6 * HOUR_MS));
        let mut r = request("03", "xihu-service-hall", start, n);
        r["date"] = json!(Timestamp(NOW.0 + 24 * 8 * HOUR_MS).china_date().to_string());
        let (status, e) = book(&app, &r).await;
        if blocked {
            assert_eq!(
                (status, field_codes(&e)),
                (409, vec![("slot".into(), "booking.blocked".into())])
            );
        } else {
            assert_eq!(status, 201, "{e}");
        }
        app.clock.set(NOW);
    }
}

#[tokio::test]
async fn booking_on_sqlite() {
    story(spawn().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn booking_on_postgres() {
    let Some(server) = common::postgres_server() else {
        return;
    };
    let url = common::fresh_postgres_database(&server).await;
    story(spawn_with(|c| c.database_url = url).await).await;
}

/// 200 people at once for the last seat of a slot: one 201, 199 × 409 已约满, and the slot
/// holds exactly its capacity.
async fn race(app: TestApp) {
    let hall = "hz-citizen-centre";
    // A01 seats 3: one booking of everyone's and one of the green channel leave one seat.
    assert_eq!(book(&app, &request("A01", hall, "10:00", 1)).await.0, 201);
    let mut elder = request("A01", hall, "10:00", 2);
    elder["id_number"] = json!(id_number("19400101", 2));
    assert_eq!(book(&app, &elder).await.0, 201);
    assert_eq!(slot_left(&app, "A01", "10:00").await.0, 1);
    let app = std::sync::Arc::new(app);
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                let body = request("A01", hall, "10:00", 100 + i);
                let res = app
                    .post_json("/api/v1/bookings", Some(&common::key()), &body.to_string())
                    .await;
                let status = res.status().as_u16();
                (status, body_json(res).await)
            })
        })
        .collect();
    let mut won = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            201 => won += 1,
            409 => assert_eq!(body["error"]["message"], "已约满，请选择其他时段。"),
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(slot_left(&app, "A01", "10:00").await, (0, 0));
    let counts = app
        .state
        .storage
        .slot_counts(hall, "A01", DAY)
        .await
        .unwrap();
    assert_eq!(counts, vec![(600, 3, 1)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_last_seat_goes_to_exactly_one_on_sqlite() {
    race(spawn().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_last_seat_goes_to_exactly_one_on_postgres() {
    let Some(server) = common::postgres_server() else {
        return;
    };
    let url = common::fresh_postgres_database(&server).await;
    race(spawn_with(|c| c.database_url = url).await).await;
}
