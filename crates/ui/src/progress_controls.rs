//! The applicant's controls under the progress page (出示办件码, 评价, 撤回, 重新申请, and the
//! way back to 我的办件) in their first state, as the progress app draws them (`OnePage` and
//! the components under it in `src/track.rs`, `Counter` in `src/track/counter.rs`).
//!
//! The server sends them with the page when asked (`controls=true` on `…/progress/view`), so
//! that `public/progress-early.js` can show the whole page, buttons and rating form included,
//! before the progress app has been downloaded; a press or a focus on one of them starts the
//! app (`start_on_use.js`), which draws the same in the same place and takes the press over.
//! The words are here once, for both; the markup is written twice, and
//! `e2e/tests/track.spec.ts` holds the two to each other (words and positions).

use onetrip_api::progress::ApplicantAction;
use onetrip_domain::lifecycle::Status;
use onetrip_domain::workflow::RATING_LEVELS;

use crate::doc::{N, el, html, link, radio_item, tc};
use crate::messages::Locale;

/// A text in Chinese and in English.
pub type W = (&'static str, &'static str);

pub const COUNTER_HEADING: W = ("窗口办件码", "Counter code");
pub const COUNTER_HELP: W = (
    "到窗口时出示办件码，工作人员扫码即可调出您网上填好的申请和材料，不用重新填写。办件码不含个人信息，24 小时内有效。",
    "Show this code at the service window: staff scan it to open the application and documents you prepared online. It holds no personal data and is valid for 24 hours.",
);
pub const COUNTER_SHOW: W = ("出示办件码", "Show the counter code");
pub const RATE_HEADING: W = ("评价这次服务", "Rate this service");
pub const RATE_QUESTION: W = ("您对这次办事满意吗？", "How satisfied are you?");
pub const RATE_TRIPS: W = (
    "这件事您一共跑了几次窗口？（选填）",
    "How many visits did it take? (optional)",
);
/// The answers to `RATE_TRIPS`: the value sent, and the words.
pub const TRIPS: [(&str, W); 5] = [
    ("", ("不填", "Skip")),
    ("0", ("一次也没跑", "None")),
    ("1", ("1 次", "1")),
    ("2", ("2 次", "2")),
    ("3", ("3 次或更多", "3 or more")),
];
pub const RATE_COMMENT: W = (
    "意见和建议（选填，500 字以内）",
    "Comments (optional, up to 500 characters)",
);
pub const RATE_SEND: W = ("提交评价", "Send rating");
pub const WITHDRAW: W = ("撤回申请", "Withdraw");
pub const RESTART: W = (
    "重新申请（带入原来填写的内容）",
    "Apply again (with your earlier answers)",
);
pub const MINE: W = ("我的办件", "My applications");
const STATUS_UPDATED: W = ("办件状态已更新：", "Status updated: ");

/// `w` in `l`.
pub fn pick(l: Locale, w: W) -> &'static str {
    l.pick(w.0, w.1)
}

/// What the page tells a screen reader when the application's status changes.
pub fn status_update(l: Locale, status: Status) -> String {
    format!("{}{}", pick(l, STATUS_UPDATED), status.label())
}

/// A button that works once the app runs: disabled in the markup, enabled by the page's
/// script (`data-early`) which then starts the app when it is pressed.
fn early_button(class: &str, words: &str) -> N {
    el("button")
        .attr("type", "button")
        .class(class)
        .attr("disabled", "")
        .attr("data-early", "")
        .text(words)
}

fn counter(l: Locale) -> N {
    el("section")
        .class("ot-counter ot-no-print")
        .attr("id", "counter")
        .attr("aria-labelledby", "counter-heading")
        .attr("tabindex", "-1")
        .child(tc("h2", "ot-heading-l", pick(l, COUNTER_HEADING)).attr("id", "counter-heading"))
        .child(tc("p", "", pick(l, COUNTER_HELP)))
        .child(early_button("ot-button", pick(l, COUNTER_SHOW)))
}

fn rate(l: Locale) -> N {
    let levels = RATING_LEVELS.iter().map(|(value, label)| {
        let id = format!("f-level-{value}");
        radio_item("level", &id, label, |i| i)
    });
    let trips = TRIPS
        .iter()
        .map(|(value, w)| tc("option", "", pick(l, *w)).attr("value", *value));
    let field = |label: W, id: &str, control: N| {
        el("div")
            .class("ot-field")
            .child(tc("label", "ot-field__label", pick(l, label)).attr("for", id.to_owned()))
            .child(control)
    };
    let form = el("form")
        .attr("novalidate", "")
        .child(
            el("fieldset")
                .class("ot-fieldset")
                .child(tc("legend", "ot-fieldset__legend", pick(l, RATE_QUESTION)))
                .child(el("div").class("ot-radios").children(levels)),
        )
        .child(field(
            RATE_TRIPS,
            "f-trips",
            el("select")
                .class("ot-select")
                .attr("id", "f-trips")
                .children(trips),
        ))
        .child(field(
            RATE_COMMENT,
            "f-comment",
            el("textarea")
                .class("ot-textarea")
                .attr("id", "f-comment")
                .attr("rows", "4")
                .attr("maxlength", "500"),
        ))
        .child(early_button("ot-button", pick(l, RATE_SEND)).attr("type", "submit"));
    el("section")
        .class("ot-no-print ot-rate")
        .attr("id", "rate")
        .attr("aria-labelledby", "rate-heading")
        .child(tc("h2", "ot-heading-l", pick(l, RATE_HEADING)).attr("id", "rate-heading"))
        .child(form)
}

fn withdraw(l: Locale) -> N {
    el("section")
        .class("ot-no-print")
        .attr("aria-labelledby", "withdraw-heading")
        .child(tc("h2", "ot-heading-m", pick(l, WITHDRAW)).attr("id", "withdraw-heading"))
        .child(early_button(
            "ot-button ot-button--secondary",
            pick(l, WITHDRAW),
        ))
}

/// The controls for `actions`, in the app's order, and the link to 我的办件.
pub fn controls(l: Locale, actions: &[ApplicantAction]) -> String {
    let has = |a: &ApplicantAction| actions.contains(a);
    let mut nodes = Vec::new();
    if has(&ApplicantAction::Counter) {
        nodes.push(counter(l));
    }
    if has(&ApplicantAction::Rate) {
        nodes.push(rate(l));
    }
    if has(&ApplicantAction::Withdraw) {
        nodes.push(withdraw(l));
    }
    if has(&ApplicantAction::Restart) {
        nodes.push(
            el("p")
                .class("ot-no-print")
                .child(early_button("ot-button", pick(l, RESTART))),
        );
    }
    nodes.push(
        el("p")
            .class("ot-no-print")
            .child(link("/track/", "ot-link", pick(l, MINE))),
    );
    html(&nodes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_follow_the_actions() {
        let none = controls(Locale::Zh, &[]);
        assert_eq!(
            none,
            r#"<p class="ot-no-print"><a href="/track/" class="ot-link">我的办件</a></p>"#
        );
        let all = controls(
            Locale::Zh,
            &[
                ApplicantAction::Withdraw,
                ApplicantAction::Counter,
                ApplicantAction::Rate,
                ApplicantAction::Restart,
            ],
        );
        // The app's order, whatever the server's: code, rating, withdraw, restart.
        let at = |s: &str| all.find(s).unwrap_or_else(|| panic!("{s} in {all}"));
        assert!(at("出示办件码") < at("提交评价"));
        assert!(at("提交评价") < at("撤回申请"));
        assert!(at("撤回申请") < at("重新申请"));
        // Every button waits for the app; the rating's fields are usable at once.
        assert_eq!(all.matches("<button").count(), 4);
        assert_eq!(all.matches("disabled=\"\" data-early=\"\"").count(), 4);
        assert_eq!(all.matches("type=\"radio\"").count(), 5);
        assert!(!all.contains("<input class=\"ot-radios__input\" disabled"));
        let en = controls(Locale::En, &[ApplicantAction::Withdraw]);
        assert!(en.contains(">Withdraw</button>") && en.contains("My applications"));
        assert_eq!(
            status_update(Locale::Zh, Status::Accepted),
            format!("办件状态已更新：{}", Status::Accepted.label())
        );
    }
}
