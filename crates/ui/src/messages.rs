//! Every word the app shows, in Chinese first and English second, and the words for every
//! error code the domain and the API can return.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    Zh,
    En,
}

impl Locale {
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Zh => "zh-CN",
            Locale::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Locale> {
        match tag {
            "zh-CN" | "zh" => Some(Locale::Zh),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    pub fn other(self) -> Locale {
        match self {
            Locale::Zh => Locale::En,
            Locale::En => Locale::Zh,
        }
    }

    /// Pick the text for this locale from a (Chinese, English) pair.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Locale::Zh => zh,
            Locale::En => en,
        }
    }
}

/// The keys of the app's fixed texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    AppName,
    Tagline,
    SkipToContent,
    Settings,
    ElderMode,
    SwitchLanguage,
    Hotline,
    HotlineNote,
    HomeTitle,
    HomeIntro,
    Loading,
    LoadFailed,
    Retry,
    PromisedDays,
    NoTrip,
    OneTrip,
    NotFoundTitle,
    NotFoundBody,
    BackHome,
    FeedbackQuestion,
    FeedbackYes,
    FeedbackNo,
    FeedbackCommentLabel,
    FeedbackCommentHint,
    FeedbackSend,
    FeedbackSending,
    FeedbackThanks,
    ErrorSummaryTitle,
    ErrorPrefix,
    Optional,
    SearchLabel,
    SearchHint,
    SearchButton,
    SearchTitle,
    ForPerson,
    ForCompany,
    ByLifeEvent,
    ForWhom,
    Free,
    QuestionOf,
    Continue,
    ChooseOne,
    Creating,
    Print,
    QrHint,
    Yuan,
}

/// The document title: "页面 - 一次办", or the service's name alone for a page without one.
pub fn document_title(locale: Locale, page: &str) -> String {
    let app = text(locale, Key::AppName);
    if page.is_empty() {
        app.to_owned()
    } else {
        format!("{page} - {app}")
    }
}

pub fn text(locale: Locale, key: Key) -> &'static str {
    use Key::*;
    let (zh, en) = match key {
        AppName => ("一次办", "Yicibàn"),
        Tagline => ("办事最多跑一次", "At most one trip to the government"),
        SkipToContent => ("跳到主要内容", "Skip to main content"),
        Settings => ("显示设置", "Display settings"),
        ElderMode => ("长辈模式", "Large text mode"),
        SwitchLanguage => ("English", "中文"),
        Hotline => ("政务服务热线", "Government service hotline"),
        HotlineNote => (
            "遇到问题请拨打，工作日 8:30–17:00",
            "Call us if you need help, working days 8:30–17:00",
        ),
        HomeTitle => ("办什么事？", "What do you need to do?"),
        HomeIntro => (
            "选择您要办的事，我们一次告诉您需要准备什么、要跑几次、多久办好。",
            "Choose what you need to do. We tell you once what to prepare, how many trips it takes and how long it will be.",
        ),
        Loading => ("正在加载…", "Loading…"),
        LoadFailed => (
            "暂时连不上服务器，请检查网络后重试。",
            "We cannot reach the server right now. Check your connection and try again.",
        ),
        Retry => ("重试", "Try again"),
        PromisedDays => ("承诺时限", "Promised time"),
        NoTrip => ("一次不用跑", "No trip needed"),
        OneTrip => ("最多跑一次", "At most one trip"),
        NotFoundTitle => ("找不到这个页面", "Page not found"),
        NotFoundBody => (
            "您输入的地址可能有误，或者页面已经移走。",
            "The address may be wrong, or the page has moved.",
        ),
        BackHome => ("返回首页", "Go to the home page"),
        FeedbackQuestion => ("这个页面对您有帮助吗？", "Is this page useful?"),
        FeedbackYes => ("有帮助", "Yes"),
        FeedbackNo => ("没有帮助", "No"),
        FeedbackCommentLabel => ("哪里可以改进？（选填）", "What could be better? (optional)"),
        FeedbackCommentHint => (
            "请不要填写身份证号、手机号等个人信息。",
            "Do not include your ID or phone number.",
        ),
        FeedbackSend => ("发送", "Send"),
        FeedbackSending => ("正在发送…", "Sending…"),
        FeedbackThanks => ("谢谢您的反馈。", "Thank you for your feedback."),
        ErrorSummaryTitle => ("请修改以下问题", "There is a problem"),
        ErrorPrefix => ("错误：", "Error: "),
        Optional => ("（选填）", "(optional)"),
        SearchLabel => ("搜索事项", "Search for a service"),
        SearchHint => (
            "说说您要办的事，例如：开公司、上户口、租房备案",
            "Say what you need, e.g. 开公司 (start a company), 上户口 (register a birth)",
        ),
        SearchButton => ("搜索", "Search"),
        SearchTitle => ("搜索结果", "Search results"),
        ForPerson => ("个人办事", "For individuals"),
        ForCompany => ("法人办事", "For companies"),
        ByLifeEvent => ("按主题办", "By life event"),
        ForWhom => ("服务对象", "For"),
        Free => ("不收费", "Free"),
        QuestionOf => ("情形引导", "Your situation"),
        Continue => ("继续", "Continue"),
        ChooseOne => ("请选择一项。", "Choose one option."),
        Creating => ("正在生成告知单…", "Preparing your checklist…"),
        Print => ("打印告知单", "Print the checklist"),
        // Beside every QR code (checklist, receipt, draft), for people who do not know that a
        // long press in WeChat reads it.
        QrHint => ("长按识别或保存", "Press and hold to scan or save"),
        Yuan => ("元", "yuan"),
    };
    locale.pick(zh, en)
}

/// "N 个工作日" / "N working days".
pub fn working_days(locale: Locale, n: u32) -> String {
    match locale {
        Locale::Zh => format!("{n} 个工作日"),
        Locale::En if n == 1 => "1 working day".to_owned(),
        Locale::En => format!("{n} working days"),
    }
}

/// A fee in fen as "200.00 元" / "200.00 yuan"; zero is "不收费" / "Free".
pub fn money(locale: Locale, fen: u64) -> String {
    if fen == 0 {
        return text(locale, Key::Free).to_owned();
    }
    format!("{}.{:02} {}", fen / 100, fen % 100, text(locale, Key::Yuan))
}

/// Words for an error code from the domain or the API. Unknown codes get a general sentence,
/// never the raw code.
pub fn error_text(locale: Locale, code: &str) -> &'static str {
    let (zh, en) = match code {
        // Identifiers (crates/domain ident).
        "id_number.empty" => ("请填写身份证号码。", "Enter the ID card number."),
        "id_number.length" => (
            "身份证号码应为 18 位。",
            "An ID card number has 18 characters.",
        ),
        "id_number.format" => (
            "身份证号码前 17 位应为数字，最后一位为数字或 X。",
            "The first 17 characters are digits; the last is a digit or X.",
        ),
        "id_number.foreigner_permit" => (
            "以 9 开头的是外国人永久居留身份证，请在证件类型中选择它。",
            "Numbers starting with 9 are foreigner's permanent residence cards: choose that document type.",
        ),
        "id_number.province" => (
            "身份证号码前两位不是有效的省份代码，请核对。",
            "The first two digits are not a valid province code. Check the number.",
        ),
        "id_number.birth_date" => (
            "身份证号码中的出生日期不存在，请核对第 7–14 位。",
            "The birth date in the number (characters 7–14) is not a real date.",
        ),
        "id_number.birth_future" => (
            "身份证号码中的出生日期晚于今天，请核对。",
            "The birth date in the number is in the future.",
        ),
        "id_number.birth_too_early" => (
            "身份证号码中的出生日期早于 1800 年，请核对。",
            "The birth date in the number is before 1800.",
        ),
        "id_number.checksum" => (
            "身份证号码校验不通过，可能有一位填错了，请逐位核对。",
            "The check character does not match: one character is probably wrong.",
        ),
        "credit_code.empty" => (
            "请填写统一社会信用代码。",
            "Enter the unified social credit code.",
        ),
        "credit_code.length" => (
            "统一社会信用代码应为 18 位。",
            "The code has 18 characters.",
        ),
        "credit_code.charset" => (
            "统一社会信用代码不含字母 I、O、Z、S、V，请核对。",
            "The code never contains I, O, Z, S or V.",
        ),
        "credit_code.authority" => (
            "统一社会信用代码第 1 位不正确，请核对。",
            "The first character of the code is not valid.",
        ),
        "credit_code.division" => (
            "统一社会信用代码第 3–8 位应为数字（行政区划代码）。",
            "Characters 3–8 of the code are digits (the division code).",
        ),
        "credit_code.checksum" => (
            "统一社会信用代码校验不通过，可能有一位填错了。",
            "The check character does not match: one character is probably wrong.",
        ),
        "mobile.empty" => ("请填写手机号码。", "Enter a mobile number."),
        "mobile.format" => ("手机号码应为 11 位数字。", "A mobile number has 11 digits."),
        "mobile.prefix" => (
            "手机号码应以 13–19 开头，请核对。",
            "A mobile number starts with 13 to 19.",
        ),
        "postal_code.empty" => ("请填写邮政编码。", "Enter the postal code."),
        "postal_code.format" => ("邮政编码应为 6 位数字。", "A postal code has 6 digits."),
        "company_name.empty" => ("请填写企业名称。", "Enter the company name."),
        "company_name.too_long" => (
            "企业名称太长，最多 50 个字。",
            "The name is too long: at most 50 characters.",
        ),
        "company_name.chars" => (
            "企业名称只能使用规范汉字，不能有字母、数字或标点（地名括号除外）。",
            "Use Chinese characters only: no letters, digits or punctuation except the full-width brackets.",
        ),
        "company_name.half_width_brackets" => (
            "请使用中文括号（），不要用英文括号 ()。",
            "Use the full-width brackets （） instead of ( ).",
        ),
        "company_name.brackets" => (
            "企业名称中的括号只能有一对，且括号内应为地名。",
            "Only one pair of brackets, around the place name.",
        ),
        "company_name.form" => (
            "企业名称应以组织形式结尾，例如“有限公司”或“股份有限公司”。",
            "The name must end with the company form, such as 有限公司.",
        ),
        "company_name.trade_name" => (
            "字号至少两个汉字，例如“杭州云帆信息科技有限公司”中的“云帆”。",
            "The trade name needs at least two characters.",
        ),
        // Feedback (crates/domain feedback).
        "feedback.page" => ("页面地址有误。", "The page address is not valid."),
        "feedback.comment_too_long" => ("意见最多 500 个字。", "At most 500 characters, please."),
        "feedback.personal_data" => (
            "请删除意见中的身份证号或手机号，我们不需要这些信息。",
            "Remove the ID or phone number from your comment: we do not need it.",
        ),
        // Situational answers (crates/domain catalog::questions, checklist).
        "answers.missing" => (
            "还有问题没有回答，请回答后再继续。",
            "Some questions are not answered yet.",
        ),
        "answers.unknown_option" | "answers.unknown_question" | "answers.not_applicable" => (
            "办事指南已更新，请重新回答问题。",
            "The guide has changed: answer the questions again.",
        ),
        "catalog.field_conflict" => (
            "这项信息的要求有冲突，暂时无法在线填写，请拨打 12345。",
            "The requirements for this item conflict; call 12345 while we fix it.",
        ),
        // Search text (crates/domain catalog::search).
        "q.empty" => ("请输入要办的事。", "Type what you need to do."),
        "q.too_long" => (
            "搜索内容太长，请不要超过 50 个字。",
            "That is too long: at most 50 characters.",
        ),
        "q.personal_data" => (
            "请不要在搜索框输入身份证号或手机号，输入要办的事即可。",
            "Do not type an ID or phone number here: just say what you need to do.",
        ),
        "subject.unknown" => (
            "没有找到这个事项，可能已经调整，请返回首页重新选择。",
            "We could not find that service. Go back to the home page and choose again.",
        ),
        // API envelope codes.
        "bad_request"
        | "malformed_json"
        | "unsupported_media_type"
        | "idempotency_key.missing"
        | "idempotency_key.format" => (
            "请求有误，请刷新页面后重试。",
            "Something went wrong with the request. Reload the page and try again.",
        ),
        "idempotency_key.reused" => (
            "这次提交与上一次不一致，请刷新页面后重试。",
            "This does not match what was sent before. Reload the page and try again.",
        ),
        "payload_too_large" => ("提交的内容太大。", "What you sent is too large."),
        "validation" => (
            "填写的信息有误，请按提示修改。",
            "Some answers need correcting.",
        ),
        "not_found" => ("找不到您要的内容。", "We could not find that."),
        "method_not_allowed" => ("不支持这种操作。", "That action is not supported."),
        "cross_site" => (
            "请从一次办页面内操作。",
            "Please use the 一次办 pages to do this.",
        ),
        "forbidden" => (
            "没有权限打开，请从原来的链接进入或重新验证。",
            "Not allowed: open it from its link and verify again.",
        ),
        "unauthorized" => (
            "请先登录，或登录已超时，请重新登录。",
            "Sign in first, or sign in again: the session has ended.",
        ),
        "conflict" => (
            "办件刚刚有了变化，请刷新后再试。",
            "The application has just changed: reload and try again.",
        ),
        "rate_limited" => (
            "操作太频繁，请稍后再试。",
            "Too many attempts. Wait a moment and try again.",
        ),
        "maintenance" => (
            "系统维护中，请稍后再来。",
            "The service is down for maintenance. Come back later.",
        ),
        "internal" | "unavailable" | "network" => (
            "系统暂时出了问题，您填写的内容没有丢失，请稍后重试。",
            "Something went wrong on our side. Nothing you entered is lost; try again shortly.",
        ),
        _ => (
            "出了点问题，请稍后重试，或拨打 12345。",
            "Something went wrong. Try again later, or call 12345.",
        ),
    };
    locale.pick(zh, en)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code the domain or the API can return has its own words in both languages.
    #[test]
    fn every_error_code_has_words() {
        let fallback = error_text(Locale::Zh, "no.such.code");
        let mut codes: Vec<String> = onetrip_domain::all_codes()
            .into_iter()
            .map(str::to_owned)
            .collect();
        codes.extend(
            onetrip_api::ErrorCode::ALL
                .iter()
                .map(|c| c.as_str().to_owned()),
        );
        for code in &codes {
            let zh = crate::form_words::form_error_text(Locale::Zh, code);
            let en = crate::form_words::form_error_text(Locale::En, code);
            assert_ne!(zh, fallback, "no Chinese words for `{code}`");
            assert!(!en.is_empty() && en != zh, "no English words for `{code}`");
        }
        assert!(codes.len() > 40, "{}", codes.len());
    }

    #[test]
    fn money_is_exact_and_free_is_said() {
        assert_eq!(money(Locale::Zh, 0), "不收费");
        assert_eq!(money(Locale::Zh, 20_005), "200.05 元");
        assert_eq!(money(Locale::En, 1_000_000), "10000.00 yuan");
    }

    #[test]
    fn working_days_reads_naturally() {
        assert_eq!(working_days(Locale::Zh, 3), "3 个工作日");
        assert_eq!(working_days(Locale::En, 1), "1 working day");
        assert_eq!(working_days(Locale::En, 5), "5 working days");
    }
}
