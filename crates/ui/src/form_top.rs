//! The top of a step of the application flow, as the app draws it (`progress`, `Section` and
//! `Review` in `src/apply/pages.rs`): the caption with the step, 全部步骤, the heading, and
//! what comes next on a fresh page (a section's hint; the review's help and what applying
//! together saves). The server draws it into the page when a draft's page is reloaded
//! (`crates/server/src/form_paint.rs`), so that the step is on the screen before the app
//! arrives; the app then draws the same in the same place (`e2e/tests/apply.spec.ts` holds
//! the two to each other). None of it is personal: it comes from the form, which is catalogue
//! text for the applicant's situation.

use onetrip_domain::application::ApplicationForm;
use onetrip_domain::catalog::checklist::Savings;

use crate::doc::{N, el, tc};
use crate::form_words::{F, ftext};
use crate::messages::Locale;

/// "企业开办 · 第 3 步，共 8 步".
pub fn step_caption(l: Locale, name: &str, n: usize, total: usize) -> String {
    let step = ftext(l, F::StepOf)
        .replace("{n}", &n.to_string())
        .replace("{total}", &total.to_string());
    format!("{name} · {step}")
}

/// "一张表：共填 28 项信息，分别办理要填 54 项；…".
pub fn savings_line(l: Locale, s: &Savings) -> String {
    ftext(l, F::SavingsLine)
        .replace("{merged}", &s.fields_merged.to_string())
        .replace("{separate}", &s.fields_separate.to_string())
        .replace("{m_merged}", &s.materials_merged.to_string())
        .replace("{m_separate}", &s.materials_separate.to_string())
}

/// The page's title and the top of step `here` (`/apply/s/{key}` or `/apply/review`) in
/// Chinese; `None` for another address, or a section the form does not have.
pub fn step_top(form: &ApplicationForm, here: &str) -> Option<(String, Vec<N>)> {
    let l = Locale::Zh;
    let steps = form.steps();
    let n = steps.iter().position(|s| s.path == here)? + 1;
    let list = el("ol")
        .class("ot-steps__list")
        .children(steps.iter().map(|s| {
            let a = el("a").attr("href", s.path.clone());
            let a = if s.path == here {
                a.attr("aria-current", "step")
            } else {
                a
            };
            el("li").child(a.text(s.title.clone()))
        }));
    let review = here == "/apply/review";
    let title = match review {
        true => ftext(l, F::ReviewTitle).to_owned(),
        false => steps[n - 1].title.clone(),
    };
    let mut top = vec![
        tc(
            "span",
            "ot-caption",
            step_caption(l, &form.name, n, steps.len()),
        ),
        el("details")
            .class("ot-steps")
            .child(el("summary").text(ftext(l, F::AllSteps)))
            .child(list),
        tc("h1", "ot-heading-xl", title.clone()),
    ];
    if review {
        top.push(el("p").text(ftext(l, F::ReviewHelp)));
        if let Some(s) = &form.savings {
            let line = el("p").text(savings_line(l, s));
            top.push(el("div").class("ot-notice ot-notice--info").child(line));
        }
    } else {
        // A section, or 领取方式 (which has no hint) when no section of its own asks for it.
        let key = here.strip_prefix("/apply/s/")?;
        let help = form.section(key).and_then(|s| s.help.clone());
        top.extend(help.map(|h| tc("p", "ot-field__hint", h)));
    }
    Some((title, top))
}
