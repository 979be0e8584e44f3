//! 网上预约银行开户, through the API: 企业开办 choosing 杭州银行 (a branch of another bank and an
//! unknown bank refused), the window accepts, only 杭州银行's staff see it, a signing time
//! (面签) within the branch's hours on a working day (others refused with 422), the applicant's
//! page shows it, and the account is opened only after the licence, as the catalogue orders.

mod common;

use common::{
    TestApp, body_json, field_codes, seed_staff, spawn, spawn_with, staff_act, staff_cookie,
    startup_data, submitted_startup_with,
};
use serde_json::{Value, json};

async fn progress(app: &TestApp, number: &str, key: &str) -> Value {
    let res = app
        .get_with(
            &format!("/api/v1/applications/{number}/progress"),
            &[("x-application-key", key)],
        )
        .await;
    assert_eq!(res.status(), 200);
    body_json(res).await
}

fn texts(p: &Value) -> Vec<String> {
    p["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["who"].as_str().unwrap(),
                e["text"].as_str().unwrap()
            )
        })
        .collect()
}

async fn show(app: &TestApp, cookie: &str, number: &str) -> axum::http::Response<axum::body::Body> {
    app.request(
        "GET",
        &format!("/api/v1/staff/applications/{number}"),
        &[("cookie", cookie)],
        None,
    )
    .await
}

async fn queue(app: &TestApp, cookie: &str) -> Vec<String> {
    let res = app
        .request(
            "GET",
            "/api/v1/staff/applications?list=all",
            &[("cookie", cookie)],
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    body_json(res).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_str().unwrap().to_owned())
        .collect()
}

fn signing(date: &str, time: &str) -> Value {
    json!({"action": "confirm_signing", "date": date, "time": time})
}

async fn story(app: TestApp) {
    seed_staff(&app).await;

    // The form checks the choice: a branch of another bank, an unknown bank.
    let mut data = startup_data();
    data["values"]["bank.name"] = json!("hzbank");
    data["values"]["bank.branch"] = json!("icbc-shangcheng");
    let res = app
        .request(
            "POST",
            "/api/v1/applications",
            &[("idempotency-key", &common::key())],
            Some(json!({"subject": common::startup()["subject"], "answers": common::startup()["answers"], "consent": common::consent(), "data": data}).to_string()),
        )
        .await;
    assert_eq!(res.status(), 422);
    let err = body_json(res).await;
    assert!(
        field_codes(&err).contains(&("bank.branch".into(), "branch.unknown".into())),
        "{err}"
    );

    data["values"]["bank.branch"] = json!("hzbank-binjiang");
    let (number, key) = submitted_startup_with(&app, data).await;
    let p = progress(&app, &number, &key).await;
    assert_eq!(p["bank"]["bank_name"], "杭州银行");
    assert_eq!(p["bank"]["branch_name"], "滨江支行");
    assert_eq!(
        p["bank"]["account_type"],
        "基本存款账户（新开企业的主账户）"
    );
    assert_eq!(p["bank"]["status"], "requested");

    let hz = staff_cookie(&app, "hzbank").await;
    let icbc = staff_cookie(&app, "icbc").await;
    let window = staff_cookie(&app, "window").await;
    let amr = staff_cookie(&app, "amr").await;

    // Only the chosen bank sees it, with the company's data from the registration.
    assert_eq!(show(&app, &icbc, &number).await.status(), 404);
    assert!(!queue(&app, &icbc).await.contains(&number));
    assert!(queue(&app, &hz).await.contains(&number));
    let res = show(&app, &hz, &number).await;
    assert_eq!(res.status(), 200);
    let case = body_json(res).await;
    assert!(
        case["form"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["key"] == "company.name" && l["value"] == "杭州市云帆信息科技有限公司"),
        "{case}"
    );
    assert_eq!(case["bank"]["address"], "杭州市滨江区滨盛路 518 号");

    // Not before the window accepts.
    let res = staff_act(&app, &hz, &number, signing("2026-11-26", "10:00")).await;
    assert_eq!(res.status(), 409);
    let res = staff_act(&app, &window, &number, json!({"action": "accept"})).await;
    assert_eq!(res.status(), 200);
    // Only a bank confirms a signing.
    let res = staff_act(&app, &window, &number, signing("2026-11-26", "10:00")).await;
    assert_eq!(res.status(), 403);

    // Bad times: a Sunday, before opening, in the past, not a time at all.
    for (date, time, field, code) in [
        ("2026-11-29", "10:00", "date", "signing.not_working_day"),
        ("2026-11-26", "08:00", "time", "signing.outside_hours"),
        ("2026-11-20", "10:00", "date", "signing.past"),
        ("2026-11-23", "09:30", "time", "signing.past"),
        ("2026-11-26", "ten", "time", "signing.time_format"),
    ] {
        let res = staff_act(&app, &hz, &number, signing(date, time)).await;
        assert_eq!(res.status(), 422, "{date} {time}");
        let err = body_json(res).await;
        assert_eq!(
            field_codes(&err),
            vec![(field.to_owned(), code.to_owned())],
            "{err}"
        );
        assert!(
            err["error"]["message"]
                .as_str()
                .unwrap()
                .contains("面签时间")
        );
    }
    let res = staff_act(&app, &hz, &number, signing("2026-11-26", "10:00")).await;
    assert_eq!(res.status(), 200);
    let case = body_json(res).await;
    assert_eq!(case["bank"]["signing_at"], "2026-11-26 10:00");
    assert!(
        case["can"]
            .as_array()
            .unwrap()
            .contains(&json!("confirm_signing"))
    );

    let p = progress(&app, &number, &key).await;
    assert_eq!(p["bank"]["signing_at"], "2026-11-26 10:00");
    assert_eq!(p["bank"]["label"], "面签时间已确定");
    let said = "杭州银行 滨江支行 杭州银行 滨江支行：面签时间已确定：2026-11-26 10:00，请法定代表人携带身份证原件和公章前往";
    assert!(texts(&p).iter().any(|t| t == said), "{:?}", texts(&p));

    // The account waits for the licence (`after` in the catalogue).
    let res = staff_act(&app, &hz, &number, json!({"action": "open_account"})).await;
    assert_eq!(res.status(), 409);
    // A bank grants its matter only by opening the account.
    let res = staff_act(
        &app,
        &hz,
        &number,
        json!({"action": "approve", "matter": "bank-account"}),
    )
    .await;
    assert_eq!(res.status(), 403);
    let res = staff_act(
        &app,
        &amr,
        &number,
        json!({"action": "approve", "matter": "company-registration"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = staff_act(&app, &hz, &number, json!({"action": "open_account"})).await;
    assert_eq!(res.status(), 200);
    let case = body_json(res).await;
    assert_eq!(case["bank"]["status"], "opened");
    assert!(
        !case["can"]
            .as_array()
            .unwrap()
            .contains(&json!("confirm_signing"))
    );

    let p = progress(&app, &number, &key).await;
    assert_eq!(p["bank"]["label"], "已开户");
    let bank = p["matters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["code"] == "bank-account")
        .unwrap();
    assert_eq!(bank["status"], "approved");
    assert!(
        texts(&p)
            .iter()
            .any(|t| t == "杭州银行 滨江支行 银行开户：已开户"),
        "{:?}",
        texts(&p)
    );
    // The views and the signing were audited.
    let audit = app.state.storage.audit_of(&number).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "confirm_signing"));
    assert!(audit.iter().any(|a| a.action == "open_account"));
}

#[tokio::test]
async fn bank_appointment_story_on_sqlite() {
    story(spawn().await).await;
}

#[tokio::test]
async fn bank_appointment_story_on_postgres() {
    let Some(server) = common::postgres_server() else {
        return;
    };
    let url = common::fresh_postgres_database(&server).await;
    story(spawn_with(|c| c.database_url = url).await).await;
}
