//! After submission, through the API: the window accepts with a deferred material, the
//! departments act in parallel and only on their own matters, a correction goes out and comes
//! back, EMS dispatch, a bad rating and its follow-up; the applicant's page all along, with
//! its ETag, nothing unmasked, and nothing for whoever lacks the key or the second factor.

mod common;

use axum::body::Body;
use common::{
    ADULT, ADULT_2, NOW, TestApp, assert_envelope, body_json, body_string, field_codes, plain_jpeg,
    seed_staff, spawn, spawn_with, staff_act, staff_cookie, upload_to,
};
use onetrip_domain::lifecycle::{Status, Transition, replay};
use serde_json::{Value, json};

async fn send(
    app: &TestApp,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> axum::http::Response<Body> {
    app.request(method, uri, headers, body.map(|b| b.to_string()))
        .await
}

/// The applicant's page; the body is checked for unmasked personal data every time.
async fn progress(app: &TestApp, number: &str, key: &str) -> Value {
    let res = app
        .get_with(
            &format!("/api/v1/applications/{number}/progress"),
            &[("x-application-key", key)],
        )
        .await;
    assert_eq!(res.status(), 200);
    let text = body_string(res).await;
    for secret in [ADULT, ADULT_2, "13812345678"] {
        assert!(!text.contains(secret), "unmasked {secret} in {text}");
    }
    serde_json::from_str(&text).unwrap()
}

fn matter<'a>(p: &'a Value, code: &str) -> &'a Value {
    p["matters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {p}"))
}

fn actions(p: &Value) -> Vec<String> {
    p["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap().to_owned())
        .collect()
}

fn approve(m: &str) -> Value {
    json!({"action": "approve", "matter": m})
}

/// Upload a file of `material`'s `side` to the application and hand in every open request.
async fn supply(app: &TestApp, number: &str, ak: &str, uploads: &[(&str, &str)], seed: u32) {
    let headers = [("x-application-key", ak)];
    for (i, (material, side)) in uploads.iter().enumerate() {
        let (name, ct, bytes) = if *material == "employee-roster" {
            (
                "roster.pdf",
                "application/pdf",
                common::small_pdf(seed + i as u32),
            )
        } else {
            (
                "photo.jpg",
                "image/jpeg",
                plain_jpeg(1000, 860, seed + i as u32),
            )
        };
        let res = upload_to(
            app,
            &format!("/api/v1/applications/{number}/files"),
            &headers,
            material,
            side,
            (name, ct, &bytes),
        )
        .await;
        assert_eq!(res.status(), 201, "{}", body_string(res).await);
    }
    let view = body_json(
        send(
            app,
            "GET",
            &format!("/api/v1/applications/{number}/materials"),
            &headers,
            None,
        )
        .await,
    )
    .await;
    let open: Vec<Value> = view["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["resolved"] == false)
        .map(|r| r["id"].clone())
        .collect();
    let res = send(
        app,
        "POST",
        &format!("/api/v1/applications/{number}/supplements"),
        &headers,
        Some(json!({ "requests": open })),
    )
    .await;
    assert_eq!(res.status(), 200, "{}", body_string(res).await);
}

async fn story(app: TestApp) {
    seed_staff(&app).await;
    let (number, ak) = common::submitted_startup(&app).await;
    let pages = format!("/api/v1/applications/{number}/progress");

    // Just submitted: pre-reviewed by the machine, waiting for the window, withdrawable; 银行开户
    // still needs one trip, so a counter code (办件码) is offered.
    let p = progress(&app, &number, &ak).await;
    assert_eq!(p["status"], "pre_review");
    assert_eq!(actions(&p), ["withdraw", "counter"]);
    assert_eq!(p["timeline"][0]["text"], "材料预审通过，等待窗口受理");
    assert_eq!(matter(&p, "seal-engraving")["label"], "待受理");
    let masked: Vec<String> = p["applicant"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}={}",
                d["label"].as_str().unwrap(),
                d["value"].as_str().unwrap()
            )
        })
        .collect();
    assert!(masked.contains(&"申请人=张*".to_owned()), "{masked:?}");
    assert!(
        masked.contains(&"手机号码=138****5678".to_owned()),
        "{masked:?}"
    );
    // Polling: the same page again is a 304 without a body.
    let res = app.get_with(&pages, &[("x-application-key", &ak)]).await;
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let res = app
        .get_with(
            &pages,
            &[("x-application-key", &ak), ("if-none-match", &etag)],
        )
        .await;
    assert_eq!(res.status(), 304);
    assert_eq!(body_string(res).await, "");

    // Nothing for whoever lacks the key; a wrong factor and an unknown number look alike.
    for headers in [vec![], vec![("x-application-key", "not-the-key")]] {
        let res = app.get_with(&pages, &headers).await;
        let text = body_string(res).await;
        assert!(
            !text.contains("pre_review") && !text.contains("张"),
            "{text}"
        );
    }
    let wrong = send(
        &app,
        "POST",
        &format!("/api/v1/applications/{number}/open"),
        &[],
        Some(json!({"factor": "999999"})),
    )
    .await;
    let unknown = send(
        &app,
        "POST",
        "/api/v1/applications/0000000000/open",
        &[],
        Some(json!({"factor": "999999"})),
    )
    .await;
    assert_eq!(wrong.status(), unknown.status());
    assert_eq!(
        field_codes(&body_json(wrong).await),
        field_codes(&body_json(unknown).await)
    );

    // Staff: signed in or nothing; a department sees only applications with its own matters.
    let lists = "/api/v1/staff/applications";
    assert_envelope(app.get(lists).await, 401, "unauthorized").await;
    let window = staff_cookie(&app, "window").await;
    let culture = staff_cookie(&app, "culture").await;
    let queue = body_json(app.get_with(lists, &[("cookie", &window)]).await).await;
    assert!(
        queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["number"] == number.as_str()),
        "{queue}"
    );
    let theirs = body_json(
        app.get_with(&format!("{lists}?list=all"), &[("cookie", &culture)])
            .await,
    )
    .await;
    assert_eq!(theirs["items"], json!([]));
    let detail = format!("/api/v1/staff/applications/{number}");
    assert_envelope(
        app.get_with(&detail, &[("cookie", &culture)]).await,
        404,
        "not_found",
    )
    .await;
    assert_envelope(
        staff_act(&app, &culture, &number, json!({"action": "accept"})).await,
        404,
        "not_found",
    )
    .await;
    let res = staff_act(
        &app,
        &window,
        &number,
        json!({"action": "refuse", "reasons": []}),
    )
    .await;
    assert_eq!(
        field_codes(&assert_envelope(res, 422, "validation").await),
        [("reasons".to_owned(), "field.required".to_owned())]
    );

    // The window accepts, deferring the staff roster (容缺受理).
    let res = staff_act(
        &app,
        &window,
        &number,
        json!({"action": "accept", "defer": ["employee-roster"]}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let d = body_json(res).await;
    assert_eq!(d["status"], "processing");
    let p = progress(&app, &number, &ak).await;
    assert_eq!(p["status"], "processing");
    assert_eq!(matter(&p, "company-registration")["status"], "processing");
    assert_eq!(matter(&p, "seal-engraving")["label"], "等待前置事项结果");
    assert!(actions(&p).contains(&"supplement".to_owned()), "{p}");
    assert!(
        p["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["text"].as_str().unwrap().starts_with("容缺受理"))
    );
    assert_envelope(
        send(
            &app,
            "POST",
            &format!("/api/v1/applications/{number}/withdraw"),
            &[("x-application-key", &ak)],
            None,
        )
        .await,
        409,
        "conflict",
    )
    .await;

    // Departments: each only its own matter, and only when it may start.
    let amr = staff_cookie(&app, "amr").await;
    let police = staff_cookie(&app, "police").await;
    let tax = staff_cookie(&app, "tax").await;
    let hrss = staff_cookie(&app, "hrss").await;
    let res = staff_act(&app, &police, &number, approve("company-registration")).await;
    let err = assert_envelope(res, 403, "forbidden").await;
    assert_eq!(field_codes(&err)[0].1, "workflow.not_yours");
    let res = staff_act(&app, &police, &number, approve("seal-engraving")).await;
    assert_eq!(
        field_codes(&assert_envelope(res, 409, "conflict").await)[0].1,
        "workflow.not_now"
    );
    let res = staff_act(&app, &amr, &number, approve("company-registration")).await;
    assert_eq!(res.status(), 200);
    let p = progress(&app, &number, &ak).await;
    for m in ["seal-engraving", "invoice-application", "bank-account"] {
        assert_eq!(
            matter(&p, m)["status"],
            "processing",
            "{m} starts in parallel"
        );
    }
    // The roster is still outstanding: social insurance cannot be granted yet.
    let res = staff_act(
        &app,
        &hrss,
        &number,
        approve("social-insurance-registration"),
    )
    .await;
    assert_eq!(
        field_codes(&assert_envelope(res, 409, "conflict").await)[0].1,
        "workflow.outstanding"
    );

    // The police ask for the ID card again, everything at once; the applicant sees it.
    let res = staff_act(
        &app,
        &police,
        &number,
        json!({"action": "request_correction", "matter": "seal-engraving", "days": 5,
               "items": [{"material": "id-card", "reason": "身份证人像面反光，请重新拍摄"}]}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let p = progress(&app, &number, &ak).await;
    assert_eq!(p["status"], "correction_requested");
    assert_eq!(matter(&p, "seal-engraving")["label"], "需补正");
    assert_eq!(
        p["outstanding"].as_array().unwrap().len(),
        2,
        "roster and ID card"
    );
    assert!(
        p["timeline"][0]["note"]
            .as_str()
            .unwrap()
            .contains("人像面反光")
    );
    assert_eq!(p["notices"], json!(["accepted", "correction"]));
    let notice = |kind: &str| format!("/api/v1/applications/{number}/notices/{kind}");
    let res = app
        .get_with(&notice("correction"), &[("x-application-key", &ak)])
        .await;
    let html = body_json(res).await["html"].as_str().unwrap().to_owned();
    assert!(
        html.contains("补正告知书") && html.contains("一次性告知") && html.contains("人像面反光"),
        "{html}"
    );
    assert!(
        !html.contains(ADULT) && !html.contains("13812345678"),
        "{html}"
    );
    assert_envelope(
        app.get_with(&notice("not_accepted"), &[("x-application-key", &ak)])
            .await,
        404,
        "not_found",
    )
    .await;
    assert_envelope(app.get(&notice("accepted")).await, 403, "forbidden").await;
    // The notifications go out; the applicant reads them in the app.
    let sent = onetrip_server::notify::deliver_due(&app.state)
        .await
        .unwrap();
    assert_eq!(sent, 2, "accepted, correction");
    let p = progress(&app, &number, &ak).await;
    let kinds: Vec<&str> = p["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["correction", "accepted"]);
    assert_eq!(
        onetrip_server::notify::deliver_due(&app.state)
            .await
            .unwrap(),
        0
    );

    // The applicant supplies both at once: everything goes on.
    supply(
        &app,
        &number,
        &ak,
        &[
            ("id-card", "front"),
            ("id-card", "back"),
            ("employee-roster", "pages"),
        ],
        70,
    )
    .await;
    let p = progress(&app, &number, &ak).await;
    assert_eq!(p["status"], "processing");
    assert_eq!(matter(&p, "seal-engraving")["status"], "processing");
    assert!(!actions(&p).contains(&"supplement".to_owned()));
    for (cookie, m) in [
        (&police, "seal-engraving"),
        (&tax, "invoice-application"),
        (&hrss, "social-insurance-registration"),
    ] {
        assert_eq!(
            staff_act(&app, cookie, &number, approve(m)).await.status(),
            200
        );
    }
    let bank = staff_cookie(&app, "bank").await;
    let fund = staff_cookie(&app, "housing-fund").await;
    assert_eq!(
        staff_act(&app, &bank, &number, approve("bank-account"))
            .await
            .status(),
        200
    );
    let res = staff_act(&app, &fund, &number, approve("housing-fund-registration")).await;
    assert_eq!(body_json(res).await["status"], "completed");
    let p = progress(&app, &number, &ak).await;
    assert_eq!(p["outcome"], "all_approved");

    // EMS: the tracking number is checked, then shown; the applicant may rate.
    let res = staff_act(
        &app,
        &window,
        &number,
        json!({"action": "dispatch", "tracking": "EE473124828CN"}),
    )
    .await;
    assert_eq!(
        field_codes(&assert_envelope(res, 422, "validation").await),
        [("tracking".to_owned(), "tracking.check_digit".to_owned())]
    );
    let res = staff_act(
        &app,
        &window,
        &number,
        json!({"action": "dispatch", "tracking": "EE473124829CN"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let p = progress(&app, &number, &ak).await;
    assert_eq!(p["tracking"], "EE473124829CN");
    assert_eq!(actions(&p), ["rate"]);

    // 不满意: a follow-up due in 15 working days, answered by the supervisor only.
    let rating = format!("/api/v1/applications/{number}/rating");
    let res = send(
        &app,
        "POST",
        &rating,
        &[("x-application-key", &ak)],
        Some(json!({"level": 0})),
    )
    .await;
    assert_eq!(
        field_codes(&assert_envelope(res, 422, "validation").await)[0].0,
        "level"
    );
    let res = send(
        &app,
        "POST",
        &rating,
        &[("x-application-key", &ak)],
        Some(json!({"level": 2, "trips": 1, "speed": 2, "comment": "补正来回两次"})),
    )
    .await;
    assert_eq!(res.status(), 200);
    let p = body_json(res).await;
    assert_eq!(p["status"], "rated");
    let due = app
        .state
        .catalog
        .calendar
        .add_working_days(NOW.china_date(), 15)
        .date
        .to_string();
    assert_eq!(p["rating"]["followup_due"], due.as_str());
    assert_eq!(p["rating"]["label"], "不满意");
    let res = send(
        &app,
        "POST",
        &rating,
        &[("x-application-key", &ak)],
        Some(json!({"level": 5})),
    )
    .await;
    assert_envelope(res, 409, "conflict").await;
    assert_envelope(
        app.get_with("/api/v1/staff/followups", &[("cookie", &window)])
            .await,
        403,
        "forbidden",
    )
    .await;
    let supervisor = staff_cookie(&app, "supervisor").await;
    let open = body_json(
        app.get_with("/api/v1/staff/followups", &[("cookie", &supervisor)])
            .await,
    )
    .await;
    assert_eq!(open[0]["number"], number.as_str());
    let res = send(
        &app,
        "POST",
        &format!("/api/v1/staff/followups/{number}"),
        &[("cookie", &supervisor)],
        Some(json!({"reply": "已约谈窗口，补正改为一次性告知。"})),
    )
    .await;
    assert_eq!(res.status(), 204);
    let p = progress(&app, &number, &ak).await;
    assert_eq!(p["rating"]["reply"], "已约谈窗口，补正改为一次性告知。");

    // The log replays to the stored status; the views of personal data were audited.
    let events = app.state.storage.events(&number).await.unwrap();
    let log: Vec<Transition> = events
        .iter()
        .filter(|e| e.matter.is_none())
        .map(|e| Transition {
            from: Status::from_code(&e.from_status).unwrap(),
            to: Status::from_code(&e.to_status).unwrap(),
        })
        .collect();
    assert_eq!(replay(&log), Ok(Status::Rated));
    let audit = app.state.storage.audit_of(&number).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "accept"));
    assert!(audit.iter().any(|a| a.action == "followup_reply"));
    // Signed out: the cookie no longer opens anything.
    let res = send(
        &app,
        "DELETE",
        "/api/v1/staff/session",
        &[("cookie", &window)],
        None,
    )
    .await;
    assert_eq!(res.status(), 204);
    assert_envelope(
        app.get_with(lists, &[("cookie", &window)]).await,
        401,
        "unauthorized",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_loop_on_sqlite() {
    story(spawn().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_loop_on_postgres() {
    let Some(server) = common::postgres_server() else {
        return;
    };
    let url = common::fresh_postgres_database(&server).await;
    story(spawn_with(|c| c.database_url = url).await).await;
}

#[tokio::test]
async fn staff_sessions_end_when_idle_and_wrong_passwords_say_nothing_more() {
    let app = spawn().await;
    seed_staff(&app).await;
    let wrong =
        |user: &str| json!({"username": user, "password": "not-the-password-at-all"}).to_string();
    for user in ["window", "nobody"] {
        let res = app
            .request("POST", "/api/v1/staff/session", &[], Some(wrong(user)))
            .await;
        let body = assert_envelope(res, 401, "unauthorized").await;
        assert_eq!(body["error"]["message"], "用户名或密码不对，请核对后再试。");
    }
    let cookie = staff_cookie(&app, "window").await;
    let me = body_json(
        app.get_with("/api/v1/staff/me", &[("cookie", &cookie)])
            .await,
    )
    .await;
    assert_eq!(
        (me["role"].as_str(), me["idle_minutes"].as_u64()),
        (Some("window"), Some(30))
    );
    app.clock
        .set(onetrip_server::clock::Timestamp(NOW.0 + 29 * 60_000));
    assert_eq!(
        app.get_with("/api/v1/staff/me", &[("cookie", &cookie)])
            .await
            .status(),
        200
    );
    app.clock
        .set(onetrip_server::clock::Timestamp(NOW.0 + 60 * 60_000));
    assert_envelope(
        app.get_with("/api/v1/staff/me", &[("cookie", &cookie)])
            .await,
        401,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn the_applicant_withdraws_before_acceptance_and_is_offered_a_restart() {
    let app = spawn().await;
    let (number, ak) = common::submitted_startup(&app).await;
    let res = send(
        &app,
        "POST",
        &format!("/api/v1/applications/{number}/withdraw"),
        &[("x-application-key", &ak)],
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    let p = body_json(res).await;
    assert_eq!(p["status"], "withdrawn");
    assert_eq!(actions(&p), ["restart"]);
    assert_eq!(p["timeline"][0]["who"], "您");
    // 重新申请: a new draft with the earlier answers, the declarations to give again.
    let restart = format!("/api/v1/applications/{number}/restart");
    let idem = common::key();
    let res = send(
        &app,
        "POST",
        &restart,
        &[("x-application-key", &ak), ("idempotency-key", &idem)],
        None,
    )
    .await;
    assert_eq!(res.status(), 201);
    let session = body_json(res).await;
    assert_eq!(session["key"], idem.as_str());
    let data = &session["draft"]["data"];
    assert_eq!(data["values"]["company.name"], "杭州市云帆信息科技有限公司");
    assert_eq!(data["groups"]["shareholders"][1]["id_number"], ADULT_2);
    assert_eq!(data["declarations"], json!([]));
    let res = send(
        &app,
        "POST",
        &restart,
        &[("idempotency-key", &common::key())],
        None,
    )
    .await;
    assert_envelope(res, 403, "forbidden").await;
}

/// Long polling: a look at the progress page with its ETag and `wait` is answered as soon as
/// a staff action changes the application (here within about a second), and with 304 when the
/// wait runs out; a wait beyond 25 s is refused.
/// A waiting look at the progress (`uri` with `wait`), sent in a task of its own: when it was
/// answered, and the answer.
fn wait_in_background(
    app: &TestApp,
    uri: &str,
    key: &str,
    etag: &str,
) -> tokio::task::JoinHandle<(std::time::Instant, axum::response::Response)> {
    use tower::ServiceExt;
    let req = axum::http::Request::get(uri)
        .header("x-application-key", key)
        .header("if-none-match", etag)
        .body(Body::empty())
        .unwrap();
    let router = app.router.clone();
    tokio::spawn(async move {
        let res = router.oneshot(req).await.unwrap();
        (std::time::Instant::now(), res)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_poll_is_answered_when_staff_act() {
    let app = spawn().await;
    seed_staff(&app).await;
    let (number, ak) = common::submitted_startup(&app).await;
    let view = format!("/api/v1/applications/{number}/progress/view?lang=zh-CN");
    let res = app.get_with(&view, &[("x-application-key", &ak)]).await;
    assert_eq!(res.status(), 200);
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();

    // Nothing happens: 304 once the wait is over, not before.
    let started = std::time::Instant::now();
    let res = app
        .get_with(
            &format!("{view}&wait=1"),
            &[("x-application-key", &ak), ("if-none-match", &etag)],
        )
        .await;
    assert_eq!(res.status(), 304);
    assert!(started.elapsed() >= std::time::Duration::from_millis(900));

    // The window accepts while the applicant's page waits.
    let waiting = wait_in_background(&app, &format!("{view}&wait=20"), &ak, &etag);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let window = staff_cookie(&app, "window").await;
    let res = staff_act(
        &app,
        &window,
        &number,
        json!({"action": "accept", "defer": ["employee-roster"]}),
    )
    .await;
    assert_eq!(res.status(), 200, "{}", body_string(res).await);
    let acted = std::time::Instant::now();
    let (answered, res) = waiting.await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        answered.duration_since(acted) < std::time::Duration::from_millis(1_500),
        "answered {:?} after the action",
        answered.duration_since(acted)
    );
    assert_ne!(res.headers()["etag"].to_str().unwrap(), etag);
    let page = body_json(res).await;
    assert_eq!(page["status"], "processing", "{page}");

    let res = app
        .get_with(&format!("{view}&wait=26"), &[("x-application-key", &ak)])
        .await;
    assert_envelope(res, 422, "validation").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_poll_does_not_hold_a_stopping_server() {
    let app = spawn().await;
    let (number, ak) = common::submitted_startup(&app).await;
    let view = format!("/api/v1/applications/{number}/progress/view?lang=zh-CN");
    let res = app.get_with(&view, &[("x-application-key", &ak)]).await;
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let waiting = wait_in_background(&app, &format!("{view}&wait=25"), &ak, &etag);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // What `run` does on SIGTERM or Ctrl-C, before waiting for the requests in flight.
    let asked = std::time::Instant::now();
    app.state.stopping.send_replace(true);
    let (answered, res) = waiting.await.unwrap();
    assert_eq!(
        res.status(),
        304,
        "nothing changed: the app simply asks again"
    );
    assert!(
        answered.duration_since(asked) < std::time::Duration::from_millis(200),
        "answered {:?} after the stop",
        answered.duration_since(asked)
    );
    // And a poll that arrives while stopping is not held either.
    let started = std::time::Instant::now();
    let res = app
        .get_with(
            &format!("{view}&wait=25"),
            &[("x-application-key", &ak), ("if-none-match", &etag)],
        )
        .await;
    assert_eq!(res.status(), 304);
    assert!(started.elapsed() < std::time::Duration::from_millis(200));
}

/// 办件进度 before the app: the page is track.html with the app started on use, the same for
/// every application (nothing of it is in the page); its script asks for the page with the
/// app's controls, which follow what the applicant may do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_progress_page_is_shown_before_the_app_with_its_controls() {
    let app = spawn().await;
    seed_staff(&app).await;
    let (number, ak) = common::submitted_startup(&app).await;

    let res = app.get(&format!("/track/{number}")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    let page = body_string(res).await;
    assert!(
        page.contains("window.otStart=start"),
        "started on use: {page}"
    );
    assert!(page.contains("/track/track-0a_bg.wasm"), "{page}");
    assert!(
        !page.contains("import init") && !page.contains("modulepreload"),
        "neither the loader nor its preload: {page}"
    );
    assert!(!page.contains(&number) && !page.contains(&ak));
    // 我的办件 and the notices need the app at once: as built.
    for path in [
        "/track/".to_owned(),
        format!("/track/{number}/notice/accepted"),
    ] {
        let page = body_string(app.get(&path).await).await;
        assert!(page.contains("import init"), "{path}: {page}");
    }

    let view = format!("/api/v1/applications/{number}/progress/view?lang=zh-CN");
    let key = [("x-application-key", ak.as_str())];
    let plain = app.get_with(&view, &key).await;
    let plain_tag = plain.headers()["etag"].to_str().unwrap().to_owned();
    let plain = body_json(plain).await;
    assert!(plain.get("controls").is_none() && plain.get("announce").is_none());
    let res = app.get_with(&format!("{view}&controls=true"), &key).await;
    assert_eq!(res.status(), 200);
    assert_ne!(res.headers()["etag"].to_str().unwrap(), plain_tag);
    let with = body_json(res).await;
    assert_eq!(with["html"], plain["html"]);
    let controls = with["controls"].as_str().unwrap();
    assert!(
        controls.contains(">撤回申请</button>") && controls.contains("data-early"),
        "before acceptance, the applicant may withdraw: {controls}"
    );
    assert!(controls.contains("href=\"/track/\""));
    assert_eq!(with["announce"], "办件状态已更新：预审中");
    for secret in [ADULT, ADULT_2, "13812345678"] {
        assert!(!controls.contains(secret));
    }

    // Accepted: no more withdrawing.
    let window = staff_cookie(&app, "window").await;
    let res = staff_act(&app, &window, &number, json!({"action": "accept"})).await;
    assert_eq!(res.status(), 200, "{}", body_string(res).await);
    let with = body_json(app.get_with(&format!("{view}&controls=true"), &key).await).await;
    assert!(
        !with["controls"].as_str().unwrap().contains("撤回申请"),
        "{with}"
    );
    assert_ne!(with["announce"], "办件状态已更新：预审中");
    let res = app.get_with(&format!("{view}&controls=1"), &key).await;
    assert_envelope(res, 400, "bad_request").await;
}
