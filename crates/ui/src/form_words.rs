//! The words of the application flow (一表登记), used only by its own app, so they never reach
//! the guidance app's wasm. Error codes of the form come here too, with their words.

use crate::messages::{Locale, error_text};

/// Keys of the application flow's fixed texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum F {
    StepOf,
    ChooseOne,
    AllSteps,
    Continue,
    SaveLater,
    Optional,
    WhoNeeds,
    Prefilled,
    Dropped,
    AddRow,
    RemoveRow,
    Row,
    Yes,
    No,
    Yuan,
    DeliveryLegend,
    DeliveryEms,
    DeliveryPickup,
    DeclarationsTitle,
    DeclarationsHelp,
    DeclarationAccept,
    ReviewTitle,
    ReviewHelp,
    Change,
    Submit,
    Submitting,
    Saving,
    Offline,
    Saved,
    SavingsLine,
    PrivacyTitle,
    PrivacyText1,
    PrivacyText2,
    PrivacyText3,
    ConsentPrivacy,
    ConsentSensitive,
    ConsentStart,
    ConsentDecline,
    DeclinedTitle,
    DeclinedText,
    BackToChecklist,
    NoDraft,
    SaveTitle,
    SaveLinkHelp,
    SaveExpires,
    SaveFactorId,
    SaveFactorPin,
    PinLabel,
    PinHelp,
    PinSave,
    BackToForm,
    ResumeTitle,
    ResumeLabel,
    ResumeHelp,
    ResumeOpen,
    DraftQrAlt,
    DraftCode,
    DraftLink,
    Starting,
    MaterialsTitle,
    MaterialsHelp,
    TakePhoto,
    ChoosePdf,
    SideFront,
    SideBack,
    NeedCritical,
    NeedDeferrable,
    NeedOptional,
    NotNeededTitle,
    NotNeededHelp,
    SampleTitle,
    Limits,
    Checking,
    UploadingPct,
    District,
    AllDistricts,
    NearestFirst,
    Locating,
    NoLocation,
    BranchLine,
    Uploaded,
    RetryIn,
    UploadFailed,
    RetryNow,
    CancelUpload,
    RemoveFile,
    MoveUp,
    MoveDown,
    Retake,
    UseAnyway,
    Compressed,
    FileN,
    PdfPages,
    Pdf,
    CommitLabel,
    CommitText,
    Deferred,
    FilesCount,
    NotGiven,
    StillUploading,
    LeaveUploading,
    WarnedWaiting,
    SupplementTitle,
    SupplementHelp,
    SupplementSubmit,
    SupplementDone,
    NothingOutstanding,
    DueBy,
    ReasonLabel,
    BackToReceipt,
    OpenApplicationHelp,
    OpenApplication,
}

/// The text of a key; `{n}`-style placeholders are filled by the caller.
pub fn ftext(locale: Locale, key: F) -> &'static str {
    use F::*;
    let (zh, en) = match key {
        ChooseOne => ("请选择一项。", "Choose one."),
        StepOf => ("第 {n} 步，共 {total} 步", "Step {n} of {total}"),
        AllSteps => ("全部步骤", "All steps"),
        Continue => ("继续", "Continue"),
        SaveLater => ("保存并稍后继续", "Save and continue later"),
        Optional => ("（选填）", " (optional)"),
        WhoNeeds => ("哪些部门需要这项信息", "Which departments need this"),
        Prefilled => (
            "已根据您前面填写的信息预先填好，请核对，需要时可以修改。",
            "Filled in from what you gave earlier: check it and change it if needed.",
        ),
        Dropped => (
            "办事指南已更新，以下信息不再需要，已删除：",
            "The guide has changed; these answers are no longer needed and were removed: ",
        ),
        AddRow => ("再添加一位", "Add another"),
        RemoveRow => ("删除这一位", "Remove"),
        Row => ("第 {n} 位", "Person {n}"),
        Yes => ("是", "Yes"),
        No => ("否", "No"),
        Yuan => ("元", "yuan"),
        DeliveryLegend => (
            "办好后，证照怎么给您？",
            "How should the results reach you?",
        ),
        DeliveryEms => ("免费邮寄（EMS）", "Post it free (EMS)"),
        DeliveryPickup => ("到窗口领取", "Collect at the counter"),
        DeclarationsTitle => ("各部门的承诺", "Each department's declaration"),
        DeclarationsHelp => (
            "每个部门的承诺分别确认，确认一个部门的不代表确认了其他部门的。",
            "Each department's declaration is accepted on its own; accepting one does not accept another.",
        ),
        DeclarationAccept => (
            "我已阅读并同意{dept}的承诺",
            "I have read and accept the declaration of the {dept}",
        ),
        ReviewTitle => ("核对您填写的信息", "Check your answers"),
        ReviewHelp => (
            "提交前请逐项核对，需要修改的点“修改”。",
            "Check each answer before you submit; use Change to correct one.",
        ),
        Change => ("修改", "Change"),
        Submit => ("确认无误，提交申请", "Submit the application"),
        Submitting => ("正在提交…", "Submitting…"),
        Saving => ("正在保存…", "Saving…"),
        Offline => (
            "网络不通：您填写的内容还在本页，网络恢复后会自动保存。",
            "No connection: what you typed is kept on this page and will be saved when the connection is back.",
        ),
        Saved => ("已保存", "Saved"),
        SavingsLine => (
            "一张表：共填 {merged} 项信息，分别办理要填 {separate} 项；提交 {m_merged} 份材料，分别办理要交 {m_separate} 份。",
            "One form: {merged} items instead of {separate}; {m_merged} documents instead of {m_separate}.",
        ),
        PrivacyTitle => (
            "个人信息处理规则",
            "How we handle your personal information",
        ),
        PrivacyText1 => (
            "为办理您选择的事项，我们会收集您填写的信息和上传的材料，并只提供给办理这些事项的部门。",
            "To handle the matters you chose we collect what you type and upload and give it only to the departments that handle them.",
        ),
        PrivacyText2 => (
            "草稿保存 30 天后自动删除；提交的申请按档案管理规定保存。您可以查询、更正您的信息，也可以撤回同意（撤回后无法继续在线办理）。",
            "Drafts are deleted after 30 days; applications are kept as the archive rules require. You may see and correct your information and withdraw your consent (online applying then stops).",
        ),
        PrivacyText3 => (
            "身份证号码、证件照片属于敏感个人信息，需要您另外单独同意。",
            "ID numbers and photos of documents are sensitive personal information and need your separate consent.",
        ),
        ConsentPrivacy => (
            "我已阅读并同意《个人信息处理规则》",
            "I have read and agree to how my personal information is handled",
        ),
        ConsentSensitive => (
            "我单独同意处理我的敏感个人信息（身份证号码、证件照片），仅用于本次办理",
            "I separately agree to the processing of my sensitive personal information (ID numbers, photos of documents) for this application only",
        ),
        ConsentStart => ("同意并开始填写", "Agree and start"),
        ConsentDecline => ("不同意", "I do not agree"),
        DeclinedTitle => (
            "不同意也可以办",
            "You can still apply without agreeing online",
        ),
        DeclinedText => (
            "不同意处理个人信息（含敏感个人信息），就无法在线提交申请。您可以带上告知单上的材料到窗口办理，最多跑一次；也可以拨打 12345 政务服务热线咨询。",
            "Without consent the application cannot be made online. Take the documents on the checklist to the counter (one trip at most), or call 12345.",
        ),
        BackToChecklist => ("返回一次性告知单", "Back to the checklist"),
        NoDraft => (
            "没有找到进行中的申请。请从一次性告知单上的“在线申请”开始，或用续填链接打开。",
            "No application in progress here. Start from Apply online on a checklist, or open your resume link.",
        ),
        SaveTitle => ("保存并稍后继续", "Save and continue later"),
        SaveLinkHelp => (
            "用这个链接或二维码，在任何设备上继续填写。请不要把链接发给别人。",
            "Use this link or QR code to continue on any device. Do not share it.",
        ),
        SaveExpires => (
            "草稿保留到 {date}，之后自动删除。",
            "The draft is kept until {date} and then deleted.",
        ),
        SaveFactorId => (
            "在另一台设备打开时，需要输入{field}的后 6 位。",
            "On another device you will be asked for the last 6 characters of the {field}.",
        ),
        SaveFactorPin => (
            "在另一台设备打开时，需要输入您设置的 6 位数字密码。",
            "On another device you will be asked for the 6-digit PIN you chose.",
        ),
        PinLabel => ("设置 6 位数字密码", "Choose a 6-digit PIN"),
        PinHelp => (
            "还没有填写身份证号码，请设置一个密码，用来在其他设备上打开草稿。",
            "You have not entered an ID number yet: choose a PIN to open the draft on another device.",
        ),
        PinSave => ("设置密码并保存", "Set the PIN and save"),
        BackToForm => ("继续填写", "Continue filling in"),
        MaterialsTitle => ("上传材料", "Upload documents"),
        MaterialsHelp => (
            "每份材料只交一次，各部门共用。照片会在手机上先检查、压缩，再上传。",
            "Each document is given once and shared by every department. Photos are checked and made smaller on your phone before they are sent.",
        ),
        TakePhoto => ("拍照或选择照片", "Take or choose a photo"),
        ChoosePdf => ("选择 PDF 文件", "Choose a PDF"),
        SideFront => ("人像面", "Photo side"),
        SideBack => ("国徽面", "Emblem side"),
        NeedCritical => ("必须提交", "Required"),
        NeedDeferrable => (
            "可容缺：受理后 {days} 个工作日内补交",
            "May follow within {days} working days of acceptance",
        ),
        NeedOptional => ("选交", "Optional"),
        NotNeededTitle => ("无需提交的材料", "Documents you do not need to give"),
        NotNeededHelp => (
            "以下材料由政府部门通过数据共享或电子证照获取，您不用提交：",
            "These are obtained by the departments through data sharing or e-certificates; you do not give them:",
        ),
        SampleTitle => ("拍摄和上传要求", "How to photograph or upload it"),
        Limits => (
            "格式：{types}；每个文件不超过 {mb}",
            "Formats: {types}; at most {mb} per file",
        ),
        Checking => ("正在检查…", "Checking…"),
        UploadingPct => ("正在上传 {p}%", "Uploading {p}%"),
        District => ("网点所在区县", "District of the branch"),
        AllDistricts => ("全部区县", "All districts"),
        NearestFirst => (
            "按距离排序（使用我的位置）",
            "Nearest first (use my location)",
        ),
        Locating => ("正在获取位置…", "Finding your location…"),
        NoLocation => (
            "没有获得您的位置，请按区县选择网点。位置只在本机用于排序，不会上传。",
            "Your location is not available: choose the branch by district. A location is only used on this device to sort, never sent.",
        ),
        BranchLine => (
            "{address}；营业时间：工作日 {opens}–{closes}",
            "{address}; open on working days {opens}–{closes}",
        ),
        Uploaded => ("已上传", "Uploaded"),
        RetryIn => (
            "网络中断，稍后自动重试（第 {n} 次）",
            "Connection lost; retrying automatically (attempt {n})",
        ),
        UploadFailed => ("上传没有成功。", "The upload did not go through."),
        RetryNow => ("重试", "Try again"),
        CancelUpload => ("取消上传", "Cancel upload"),
        RemoveFile => ("删除", "Remove"),
        MoveUp => ("上移", "Move up"),
        MoveDown => ("下移", "Move down"),
        Retake => ("重新拍摄", "Take it again"),
        UseAnyway => ("仍然使用", "Use it anyway"),
        Compressed => ("已压缩：{from} → {to}", "Made smaller: {from} → {to}"),
        FileN => ("第 {n} 份", "File {n}"),
        PdfPages => ("PDF，约 {n} 页", "PDF, about {n} pages"),
        Pdf => ("PDF 文件", "PDF file"),
        CommitLabel => (
            "暂不上传，我承诺在受理后 {days} 个工作日内补交（容缺受理）",
            "Not now: I commit to supply it within {days} working days of acceptance",
        ),
        CommitText => (
            "承诺书：本人承诺在申请受理后 {days} 个工作日内向{depts}补交“{name}”。逾期未补交的，部门可以终止办理，已作出的决定可依法撤销。",
            "Commitment: I will supply “{name}” to {depts} within {days} working days of acceptance. If I do not, the departments may stop processing, and a decision already made may be revoked.",
        ),
        Deferred => (
            "容缺：受理后 {days} 个工作日内补交",
            "Follows within {days} working days of acceptance",
        ),
        FilesCount => ("已上传 {n} 份", "{n} file(s) uploaded"),
        NotGiven => ("未上传", "Not uploaded"),
        StillUploading => (
            "还有文件正在上传，请等上传完成后再继续。",
            "Some files are still uploading: wait until they finish.",
        ),
        LeaveUploading => (
            "还有文件正在上传，离开本页会中断上传。仍要离开吗？",
            "Some files are still uploading and leaving this page stops them. Leave anyway?",
        ),
        WarnedWaiting => (
            "有照片需要您决定：重新拍摄或仍然使用。",
            "Some photos need your decision: take again or use anyway.",
        ),
        SupplementTitle => ("补交材料", "Supply documents"),
        SupplementHelp => (
            "上传下列材料后，点“提交补正材料”。和提交申请时一样，照片会先检查再上传。",
            "Upload the documents below, then press “Hand in”. Photos are checked before they are sent, as before.",
        ),
        SupplementSubmit => ("提交补正材料", "Hand in the documents"),
        SupplementDone => (
            "已提交补正材料，部门审核后会更新办理进度。",
            "Handed in. The department will review them and update the progress.",
        ),
        NothingOutstanding => ("没有需要补交的材料。", "Nothing is waiting to be supplied."),
        DueBy => ("请在 {date} 前补交", "Supply it by {date}"),
        ReasonLabel => ("补正原因：", "Reason: "),
        BackToReceipt => ("返回申请回执", "Back to the receipt"),
        OpenApplication => ("打开申请", "Open the application"),
        OpenApplicationHelp => (
            "为保护您的信息，请输入申请时填写的身份证号码的后 6 位（或保存草稿时设置的 6 位密码）。",
            "To protect your information, enter the last 6 characters of the ID number in the application (or the 6-digit PIN set when saving the draft).",
        ),
        ResumeTitle => ("继续填写申请", "Continue your application"),
        ResumeLabel => (
            "身份证号码后 6 位，或您设置的 6 位密码",
            "Last 6 characters of the ID number, or your 6-digit PIN",
        ),
        ResumeHelp => (
            "为保护您的信息，打开草稿前需要验证。",
            "To protect your information, verify before the draft opens.",
        ),
        ResumeOpen => ("打开草稿", "Open the draft"),
        DraftQrAlt => ("续填链接二维码", "QR code of the resume link"),
        DraftCode => ("续填码", "Resume code"),
        DraftLink => ("续填链接", "Resume link"),
        Starting => ("正在准备表格…", "Preparing the form…"),
    };
    locale.pick(zh, en)
}

/// Words for an error code of the application flow, or of anything else (`error_text`).
pub fn form_error_text(locale: Locale, code: &str) -> &'static str {
    let (zh, en) = match code {
        // The merged application (crates/domain application).
        "field.required" => ("请填写这一项。", "This is required."),
        "field.too_short" => ("内容太短，请补充完整。", "Too short: please complete it."),
        "field.too_long" => ("内容太长，请精简。", "Too long: please shorten it."),
        "field.too_small" => ("数值太小，请核对。", "The number is too small."),
        "field.too_large" => ("数值太大，请核对。", "The number is too large."),
        "field.unknown" => (
            "办事指南已更新，这一项不再需要，请刷新页面。",
            "The guide has changed and this is no longer asked: reload the page.",
        ),
        "choice.unknown" => ("请从给出的选项中选择一项。", "Choose one of the options."),
        "person_name.chars" => (
            "姓名至少两个字，只能包含文字和间隔号“·”。",
            "A name has at least two letters and no digits or symbols.",
        ),
        "date.format" => (
            "日期不存在或格式不对，请按“年-月-日”填写，例如 2027-03-01。",
            "Not a real date: use year-month-day, for example 2027-03-01.",
        ),
        "money.format" => (
            "请填写金额（元），例如 100000 或 100000.50。",
            "Enter an amount in yuan, for example 100000 or 100000.50.",
        ),
        "percent.format" => (
            "请填写百分比数字，最多两位小数，例如 60 或 33.33。",
            "Enter a percentage with at most two decimals, for example 60 or 33.33.",
        ),
        "integer.format" => (
            "请填写整数，例如 5。",
            "Enter a whole number, for example 5.",
        ),
        "document_number.format" => (
            "证件号码应为 5–30 位字母或数字。",
            "A document number has 5 to 30 letters or digits.",
        ),
        "group.too_few" => ("请至少添加一位。", "Add at least one."),
        "group.too_many" => ("添加的人数太多了。", "Too many entries."),
        "shareholders.share_sum" => (
            "全体股东的持股比例合计须为 100%。",
            "The shareholders' shares must add up to 100%.",
        ),
        "shareholders.capital_sum" => (
            "全体股东的认缴出资额合计须等于注册资本。",
            "The subscribed capital must add up to the registered capital.",
        ),
        "shareholders.duplicate" => (
            "同一位股东填了两次，请删除重复的一位。",
            "The same person is entered twice: remove one.",
        ),
        "shareholders.legal_rep_count" => (
            "请在股东中选择一位、且只能选一位担任法定代表人。",
            "Mark exactly one shareholder as the legal representative.",
        ),
        "legal_rep.under_18" => (
            "法定代表人在提交当天须年满 18 周岁。",
            "The legal representative must be at least 18 on the day of submission.",
        ),
        "paid_by.past" => (
            "出资期限不能早于今天。",
            "The date to pay the capital cannot be in the past.",
        ),
        "paid_by.beyond_5_years" => (
            "有限责任公司的认缴出资须在成立之日起 5 年内缴足，请提前出资期限。",
            "A limited company's capital must be paid within 5 years: choose an earlier date.",
        ),
        "delivery.required" => ("请选择领取方式。", "Choose how to receive the result."),
        "delivery.unknown" => (
            "这种领取方式不适用，请重新选择。",
            "That way of receiving the result is not offered: choose again.",
        ),
        "declaration.required" => (
            "请阅读并勾选这个部门的承诺。",
            "Read and accept this department's declaration.",
        ),
        "declaration.unknown" => (
            "办事指南已更新，请重新确认各部门的承诺。",
            "The guide has changed: confirm the declarations again.",
        ),
        // Pre-review of uploaded documents (crates/domain files).
        "file.empty" => (
            "这个文件是空的（0 字节），请重新选择或重新拍摄。",
            "This file is empty (0 bytes): choose or take it again.",
        ),
        "file.type_unknown" => (
            "无法识别这个文件的格式。请上传 PDF，或 JPG、PNG 格式的照片；手机照片如果是 HEIC 格式，请在相机设置中改为“兼容性最佳”后重新拍摄，或截图后上传。",
            "This file's format is not recognised. Upload a PDF, or a JPG or PNG photo; if your phone saves HEIC photos, switch the camera to “Most Compatible” and take it again, or upload a screenshot.",
        ),
        "file.type_mismatch" => (
            "文件的实际格式与扩展名不符（例如把图片改名为 .pdf），请选择原始的 PDF 或照片。",
            "The file's real format does not match its name (for example a picture renamed .pdf): choose the original PDF or photo.",
        ),
        "file.type_not_allowed" => (
            "这份材料不接受这种格式，请按材料说明上传 PDF 或照片。",
            "This document is not accepted in this format: upload it as the description says (PDF or photo).",
        ),
        "file.too_large" => (
            "文件太大，请压缩后再上传：照片可以降低分辨率或截图，PDF 可以用较低的扫描精度重新扫描。",
            "The file is too large: make it smaller and upload again (a lower resolution or a screenshot for a photo, a lower scanning resolution for a PDF).",
        ),
        "file.too_many_pages" => (
            "PDF 页数太多，请只保留这份材料需要的页面后重新上传。",
            "The PDF has too many pages: keep only the pages this document needs and upload it again.",
        ),
        "file.too_small_px" => (
            "照片分辨率太低，看不清文字，请靠近文件、让文件占满画面后重新拍摄，不要上传缩略图。",
            "The photo's resolution is too low to read: take it again closer, with the document filling the frame, and do not upload a thumbnail.",
        ),
        "file.duplicate" => (
            "这份文件已经上传过了。如果要上传的是另一页或另一面，请选择对应的文件。",
            "This file has already been uploaded. If you meant another page or side, choose that file.",
        ),
        "file.too_dark" => (
            "照片太暗，请在光线充足处重新拍摄。也可以继续使用这张。",
            "The photo is too dark: take it again in good light. You may also keep this one.",
        ),
        "file.blurry" => (
            "照片不够清晰，请在光线充足处对准文件重新拍摄。也可以继续使用这张。",
            "The photo is not sharp: take it again in good light, holding the camera steady over the document. You may also keep this one.",
        ),
        "consent.required" => (
            "在线办理需要您同意个人信息处理规则。",
            "Applying online needs your consent to the processing of personal information.",
        ),
        "pin.format" => ("请设置 6 位数字密码。", "Choose a six-digit PIN."),
        "draft.factor_wrong" => (
            "验证信息不对，请核对后再试。多次输错会暂时锁定。",
            "That does not match. Too many wrong tries lock the draft for a while.",
        ),
        "draft.no_factor" => (
            "这份草稿还没有设置验证信息，请在原来的设备上保存时设置密码。",
            "This draft has no second factor yet: set a PIN when saving on the first device.",
        ),
        "file.undecodable" => (
            "文件已损坏或不完整（可能没有上传完），请重新选择或重新拍摄。",
            "The file is damaged or incomplete: choose it again or take a new photo.",
        ),
        "file.too_many_pixels" => (
            "照片像素太多，请用手机相机直接拍摄后上传，不要用超大的扫描图。",
            "The image has too many pixels: take a photo with the phone's camera instead.",
        ),
        "file.active_content" => (
            "这个 PDF 含有脚本、附件或自动操作，不能接收。请打印为普通 PDF，或拍照上传。",
            "This PDF contains scripts, attachments or actions and cannot be accepted: print it to a plain PDF or upload photos.",
        ),
        "file.material_unknown" => (
            "您的情形不需要这份材料，请刷新页面后重试。",
            "Your situation does not need this document: reload the page and try again.",
        ),
        "file.slot_unknown" => (
            "请选择人像面或国徽面上传。",
            "Choose the photo side or the emblem side.",
        ),
        "application.factor_wrong" => (
            "验证信息不对，请核对后再试。多次输错会暂时锁定。",
            "That does not match. Too many wrong tries lock the application for a while.",
        ),
        "application.no_factor" => (
            "这份申请没有设置验证信息，无法在其他设备上打开。请在提交申请的手机上补交，或拨打 12345。",
            "This application has no second factor: supply the documents on the phone that submitted it, or call 12345.",
        ),
        "request.unknown" => (
            "没有这项补交要求，请刷新页面后再试。",
            "There is no such request: reload the page and try again.",
        ),
        "material.missing" => (
            "这份材料必须上传后才能受理，请上传。",
            "This document is needed before the application can be accepted: upload it.",
        ),
        "material.commitment_required" => (
            "请上传这份材料，或者勾选承诺在期限内补交（容缺受理）。",
            "Upload this document, or tick the commitment to supply it within the deadline.",
        ),
        "material.not_deferrable" => (
            "这份材料不能容缺，必须现在上传。",
            "This document cannot follow later: upload it now.",
        ),
        "material.unknown" => (
            "办事指南已更新，请重新确认要补交的材料。",
            "The guide has changed: confirm again which documents follow later.",
        ),
        "tracking.format" => (
            "快递单号应为 13 位数字，或 2 个字母、9 位数字、2 个字母（如 EE473124829CN）。",
            "A tracking number is 13 digits, or 2 letters, 9 digits and 2 letters (EE473124829CN).",
        ),
        "tracking.check_digit" => (
            "快递单号的校验位不对，请核对后重新输入。",
            "The tracking number's check digit does not match: check it and type it again.",
        ),
        "workflow.not_now" => (
            "办件当前的状态不能进行这项操作，请刷新后查看最新进度。",
            "This cannot be done in the application's present status: reload to see where it is.",
        ),
        "workflow.not_yours" => ("这项操作不属于您的职责范围。", "This is not yours to do."),
        "workflow.unknown_matter" => (
            "这份办件里没有这个事项，请刷新后再试。",
            "This application has no such matter: reload and try again.",
        ),
        "workflow.outstanding" => (
            "还有容缺或补正材料没有补齐，补齐后才能作出准予决定。",
            "Some deferred or corrected documents are still outstanding: they must be in before the result is granted.",
        ),
        // 预约开户 (crates/domain bank).
        "bank.unknown" => ("请从列表中选择开户银行。", "Choose the bank from the list."),
        "branch.unknown" => (
            "请选择所选银行的一个网点。",
            "Choose a branch of the chosen bank.",
        ),
        "signing.time_format" => (
            "请按“时:分”填写面签时间，例如 10:00。",
            "Write the signing time as hours:minutes, for example 10:00.",
        ),
        "signing.past" => (
            "面签时间不能早于现在。",
            "The signing time cannot be in the past.",
        ),
        "signing.not_working_day" => (
            "面签日期须是工作日（节假日和周末不办理，调休上班日除外）。",
            "The signing must be on a working day (not a weekend or public holiday, unless it is a working day in lieu).",
        ),
        "signing.outside_hours" => (
            "面签时间须在网点营业时间内，且离下班至少半小时。",
            "The signing must be within the branch's hours, at least half an hour before it closes.",
        ),
        "signing.too_late" => (
            "面签日期最多可约在 60 天内。",
            "The signing can be set at most 60 days ahead.",
        ),
        // 办件码 (counter codes).
        "counter.unknown" => (
            "没有这个办件码，请核对后重新输入，或重新扫码。",
            "No such counter code: check it and type it again, or scan again.",
        ),
        "counter.expired" => (
            "这个办件码已过期，请申请人在手机上重新出示办件码。",
            "This counter code has expired: ask the applicant to show a new one.",
        ),
        "counter.revoked" => (
            "这个办件码已作废，请申请人在手机上重新出示办件码。",
            "This counter code was revoked: ask the applicant to show a new one.",
        ),
        "counter.not_needed" => (
            "这份申请现在不需要到窗口出示办件码。",
            "This application needs no counter code now.",
        ),
        _ => return error_text(locale, code),
    };
    locale.pick(zh, en)
}
