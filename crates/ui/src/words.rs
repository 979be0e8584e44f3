//! The words of the read-only pages the server renders (guides, bundles, checklists, lists),
//! kept apart from the app's own words so that they never reach the citizen's wasm.

use crate::messages::{Key, Locale, text};

/// Keys of the pages' fixed texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum W {
    ApplyOnline,
    ApplyOnlineNote,
    ReceiptTitle,
    ReceiptQrAlt,
    ReceiptNumber,
    ReceiptSubmitted,
    ReceiptPromised,
    ReceiptProvisional,
    ReceiptAccepted,
    ReceiptNext,
    ReceiptNextText,
    ReceiptKeep,
    ReceiptNameReview,
    ReceiptDelivery,
    ReceiptEms,
    ReceiptPickup,
    ReceiptByMatter,
    ReceiptWho,
    ReceiptWhen,
    AfterPrefix,
    BothSides,
    BundlesHeading,
    ByDepartment,
    ChangedNote,
    ChecklistCode,
    ChecklistKeep,
    ChecklistLink,
    ChecklistTitle,
    Company,
    Conditional,
    Conditions,
    Copies,
    Delivery,
    Department,
    DepartmentsHeading,
    Electronic,
    Ems,
    Fee,
    FieldsHeading,
    Formats,
    GetChecklist,
    HotlineLabel,
    Illustrative,
    InBundles,
    LegalBasis,
    LegalDays,
    MaterialsHeading,
    MatterCount,
    MattersHeading,
    MattersIncluded,
    NeedCritical,
    NeedDeferrable,
    NeedOptional,
    NeedShared,
    NeededBy,
    Office,
    Person,
    Pickup,
    Popular,
    QrAlt,
    Regenerate,
    Result,
    Sample,
    Savings,
    SavingsDays,
    SavingsFields,
    SavingsItem,
    SavingsMaterials,
    SavingsNote,
    SavingsTrips,
    SearchNone,
    SeparateCol,
    Source,
    StartHint,
    StartQuestions,
    SupplyCounter,
    SupplyLabel,
    SupplyUpload,
    TogetherCol,
    TripReasonHeading,
    Trips,
    WhereToGo,
    YourAnswers,
}

pub fn word(locale: Locale, key: W) -> &'static str {
    use W::*;
    let (zh, en) = match key {
        AfterPrefix => ("需先办好：", "Needs first: "),
        BothSides => ("需正反两面", "Both sides needed"),
        BundlesHeading => ("一件事，一次办", "Several services, one application"),
        ByDepartment => ("按部门", "By department"),
        ChangedNote => (
            "这张告知单生成后，办事指南有了更新。下面是当时的内容；请重新回答问题以获取最新要求。",
            "The guide has changed since this checklist was made. Below is what it said then; answer the questions again for the current requirements.",
        ),
        ChecklistCode => ("告知单编号", "Checklist number"),
        ApplyOnline => ("在线申请", "Apply online"),
        ApplyOnlineNote => (
            "按这张告知单在线填写一张表，各部门共用，每项信息只填一次。",
            "Fill in one form for every department, each item once, for this checklist.",
        ),
        ReceiptTitle => ("申请回执", "Application receipt"),
        ReceiptNumber => ("申请编号", "Application number"),
        ReceiptSubmitted => ("提交时间", "Submitted"),
        ReceiptPromised => ("承诺办结日期", "Promised by"),
        ReceiptProvisional => (
            "（暂定：该年节假日安排尚未公布，日期可能调整）",
            " (provisional: that year's public holidays are not yet published)",
        ),
        ReceiptAccepted => (
            "申请已提交，各部门将同时办理。请保存申请编号。",
            "Your application is submitted; the departments work on it at the same time. Keep the application number.",
        ),
        ReceiptNext => ("接下来", "What happens next"),
        ReceiptNextText => (
            "各部门审核您的申请，结果会以短信通知申请人。需要补正时，我们会告诉您缺什么、怎么补。",
            "Each department reviews your application and the applicant gets a text message with the result. If anything is missing we say what and how to supply it.",
        ),
        ReceiptKeep => (
            "长按二维码可保存图片，扫码或打开链接可再次查看本回执。",
            "Long-press the code to save it; scan it or open the link to see this receipt again.",
        ),
        ReceiptNameReview => (
            "企业名称以“中国”“中华”“全国”开头，需由登记机关人工审核，可能需要更长时间。",
            "Names starting with 中国, 中华 or 全国 are reviewed by a person and may take longer.",
        ),
        ReceiptDelivery => ("领取方式", "Receiving the result"),
        ReceiptEms => (
            "免费邮寄（EMS）到您填写的地址",
            "Posted free (EMS) to the address you gave",
        ),
        ReceiptPickup => (
            "到窗口领取，办结后短信通知",
            "Collect at the counter; a text message says when",
        ),
        ReceiptByMatter => ("各部门办理", "Department by department"),
        ReceiptWho => ("办理部门", "Department"),
        ReceiptWhen => ("承诺日期", "Promised by"),
        ReceiptQrAlt => (
            "申请回执二维码，长按可识别或保存",
            "QR code of this receipt; long-press to scan or save",
        ),
        ChecklistKeep => (
            "扫码或打开链接，随时查看这张告知单；到窗口时出示即可。",
            "Scan the code or open the link to see this checklist any time; show it at the counter.",
        ),
        ChecklistLink => ("告知单链接", "Link"),
        ChecklistTitle => ("一次性告知单", "One-time checklist"),
        Company => ("法人", "Companies"),
        Conditional => ("视情形", "Depends on your situation"),
        Conditions => ("受理条件", "Conditions"),
        Copies => ("份数", "Copies"),
        Delivery => ("送达方式", "Delivery"),
        Department => ("办理部门", "Department"),
        DepartmentsHeading => ("涉及部门", "Departments"),
        Electronic => ("电子证照", "Electronic certificate"),
        Ems => ("免费邮寄", "Free post (EMS)"),
        Fee => ("收费", "Fee"),
        FieldsHeading => ("需要填写的信息", "Information you will give"),
        Formats => ("格式与大小", "Format and size"),
        GetChecklist => ("获取一次性告知单", "Get your one-time checklist"),
        HotlineLabel => ("咨询电话", "Hotline"),
        Illustrative => (
            "示例：本页部分内容为示意，以当地政务服务中心公布为准。",
            "Example: some details here are illustrative; your local service centre's guide prevails.",
        ),
        InBundles => (
            "也可以和相关事项一起办",
            "Can also be done together with related services",
        ),
        LegalBasis => ("设定依据", "Legal basis"),
        LegalDays => ("法定时限", "Legal time limit"),
        MaterialsHeading => ("申请材料", "Documents"),
        MatterCount => ("包含事项", "Services included"),
        MattersHeading => ("单个事项", "Single services"),
        MattersIncluded => ("办理事项", "Services"),
        NeedCritical => ("必须提交", "Required"),
        NeedDeferrable => (
            "可以先办理，之后补交（容缺受理）",
            "Can follow later (accepted without it)",
        ),
        NeedOptional => ("选择提交", "Optional"),
        NeedShared => (
            "无需提交：政府部门已有",
            "Not needed: the government already has it",
        ),
        NeededBy => ("需要的部门", "Needed by"),
        Office => ("办理地点", "Where to go"),
        Person => ("个人", "Individuals"),
        Pickup => ("窗口领取", "Pickup at the counter"),
        Popular => ("常用事项", "Most used"),
        QrAlt => (
            "告知单二维码，长按可识别或保存",
            "QR code of this checklist; long-press to scan or save",
        ),
        Regenerate => ("重新回答", "Answer again"),
        Result => ("办理结果", "Result"),
        Sample => ("样本说明", "What a good copy looks like"),
        Savings => ("一起办，省了什么", "What doing them together saves"),
        SavingsDays => ("办理时间（工作日）", "Working days"),
        SavingsFields => ("填写项目", "Form fields"),
        SavingsItem => ("项目", "Item"),
        SavingsMaterials => ("提交材料", "Documents"),
        SavingsNote => (
            "按最常见的情形计算；回答问题后按您的情形计算。",
            "For the most common situation; answer the questions for yours.",
        ),
        SavingsTrips => ("跑动次数", "Trips"),
        SearchNone => (
            "没有找到相关事项。换个说法试试，或拨打 12345 咨询。",
            "Nothing found. Try other words, or call 12345.",
        ),
        SeparateCol => ("分别办理", "One by one"),
        Source => ("信息来源", "Source"),
        StartHint => (
            "回答几个简单的问题，我们一次告诉您需要准备的全部材料。",
            "Answer a few simple questions and we tell you, once, everything to prepare.",
        ),
        StartQuestions => (
            "回答问题，获取一次性告知单",
            "Answer a few questions for your checklist",
        ),
        SupplyCounter => (
            "上传，并在窗口出示原件",
            "Upload, and show the original at the counter",
        ),
        SupplyLabel => ("提交方式", "How to supply"),
        SupplyUpload => ("网上上传", "Upload"),
        TogetherCol => ("一件事办理", "Together"),
        TripReasonHeading => ("为什么需要跑一次", "Why one trip is needed"),
        Trips => ("跑动次数", "Trips to an office"),
        WhereToGo => ("需要跑一次的事项", "The one trip"),
        YourAnswers => ("您的情况", "Your situation"),
    };
    locale.pick(zh, en)
}

/// Either kind of key, for the page builders.
pub trait Words: Copy {
    fn words(self, locale: Locale) -> &'static str;
}

impl Words for W {
    fn words(self, locale: Locale) -> &'static str {
        word(locale, self)
    }
}

impl Words for Key {
    fn words(self, locale: Locale) -> &'static str {
        text(locale, self)
    }
}
