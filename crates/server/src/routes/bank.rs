//! 预约开户 on the server: the appointment written when a company chooses a bank in 企业开办,
//! what the applicant and the bank see of it, and the words of its steps.

use onetrip_api::progress::BankAppointmentView;
use onetrip_domain::application::ApplicationData;
use onetrip_domain::bank::{Bank, Branch, bank};
use onetrip_domain::catalog::FieldKind;

use crate::AppState;
use crate::clock::Timestamp;
use crate::storage::{ApplicationRow, BankAppointmentRow};

/// The department of the catalogue whose matters the banks do.
pub const BANK_DEPARTMENT: &str = "bank";

/// The keys of the catalogue's bank, branch and account-type fields.
fn keys(state: &AppState) -> (Option<&str>, Option<&str>) {
    let key = |kind: FieldKind| {
        state
            .catalog
            .catalog
            .fields
            .iter()
            .find(|f| f.kind == kind)
            .map(|f| f.key.as_str())
    };
    (key(FieldKind::Bank), key(FieldKind::Branch))
}

/// The appointment an application asks for: its chosen bank and branch (the form checked
/// them), or none when it chose no bank.
pub fn appointment_of(
    state: &AppState,
    number: &str,
    data: &ApplicationData,
    now: Timestamp,
) -> Option<BankAppointmentRow> {
    let (bank_key, branch_key) = keys(state);
    let b = data.get(bank_key?)?;
    let branch = data.get(branch_key?)?;
    let account_type = bank_key
        .and_then(|k| k.rsplit_once('.'))
        .and_then(|(section, _)| data.get(&format!("{section}.account_type")))
        .unwrap_or("basic");
    Some(BankAppointmentRow {
        application: number.to_owned(),
        bank: b.trim().to_owned(),
        branch: branch.trim().to_owned(),
        account_type: account_type.to_owned(),
        status: "requested".to_owned(),
        signing_at: None,
        created_at: now,
        updated_at: now,
    })
}

/// The bank and branch of an appointment, from the catalogue.
pub fn place<'a>(state: &'a AppState, row: &BankAppointmentRow) -> Option<(&'a Bank, &'a Branch)> {
    let b = bank(&state.catalog.catalog.banks, &row.bank)?;
    Some((b, b.branch(&row.branch)?))
}

/// `杭州银行 滨江支行`.
pub fn who(state: &AppState, row: &BankAppointmentRow) -> String {
    place(state, row).map_or_else(
        || row.bank.clone(),
        |(b, x)| format!("{} {}", b.name, x.name),
    )
}

/// The timeline's words for a confirmed signing time.
pub fn signing_note(signing_at: &str) -> String {
    format!("面签时间已确定：{signing_at}，请法定代表人携带身份证原件和公章前往")
}

pub fn view(state: &AppState, row: &BankAppointmentRow) -> BankAppointmentView {
    let (bank_name, branch_name, address, hours) = match place(state, row) {
        Some((b, x)) => (
            b.name.clone(),
            x.name.clone(),
            x.address.clone(),
            format!("工作日 {}–{}", x.opens, x.closes),
        ),
        None => (
            row.bank.clone(),
            row.branch.clone(),
            String::new(),
            String::new(),
        ),
    };
    let account_type = state
        .catalog
        .catalog
        .fields
        .iter()
        .find(|f| f.key.ends_with(".account_type"))
        .and_then(|f| f.options.iter().find(|o| o.value == row.account_type))
        .map_or_else(|| row.account_type.clone(), |o| o.label.clone());
    let label = match row.status.as_str() {
        "confirmed" => "面签时间已确定",
        "opened" => "已开户",
        _ => "银行预审中，等待银行确定面签时间",
    };
    BankAppointmentView {
        bank: row.bank.clone(),
        bank_name,
        branch: row.branch.clone(),
        branch_name,
        address,
        hours,
        account_type,
        status: row.status.clone(),
        label: label.to_owned(),
        signing_at: row.signing_at.clone(),
    }
}

/// The appointment of an application, as shown.
pub async fn of(
    state: &AppState,
    row: &ApplicationRow,
) -> Result<Option<BankAppointmentRow>, crate::error::ApiError> {
    Ok(state.storage.bank_appointment(&row.number).await?)
}
