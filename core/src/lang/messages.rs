//! Every text the scoring side of `core` writes: warnings, reasons, product reasons and
//! exclusions, the risk bands' names, the suitability questionnaire, and punctuation.
//! `{name}` marks a value filled in ([`Msg::fill`](super::Msg::fill)).

use super::texts;

// Punctuation between parts of a text.
texts! {
    LABEL_SEP = ": ", "：";
    LIST_SEP = "; ", "；";
    ENUM_SEP = ", ", "、";
    CLAUSE_SEP = ", ", "，";
    OR = " or ", " 或 ";
}

// Scoring: the text of a reason, and warnings about an input.
texts! {
    NOT_GIVEN = "not given", "未提供";
    WARN_NOT_GIVEN = "{label}: not given; scored as missing", "{label}：未提供，按缺失值评分";
    WARN_OUTSIDE = "{label}: outside the training range {lo}–{hi}; scored as at the nearest end",
        "{label}：超出训练数据范围 {lo}–{hi}，按边界值评分";
}

// Recommendations: why a product is offered, or why not.
texts! {
    SCORE = "Score", "评分";
    PROBABILITY = "Probability of default", "违约概率";
    RISK_WITHIN = "risk class {class} is within your risk class {client}", "风险等级 {class} 不高于您的风险等级 {client}";
    RISK_ABOVE = "its risk class {class} is above your risk class {client}", "风险等级 {class} 高于您的风险等级 {client}";
    NEEDS_QUESTIONNAIRE = "needs the suitability questionnaire first", "需要先完成适当性问卷";
    INTEREST = "estimated interest: {pct}%", "模型估计的意向：{pct}%";
    VALUE_NOT_ALLOWED = "{shown} does not qualify", "{shown} 不符合条件";
    VALUE_ALLOWED = "{label}: {shown} qualifies", "{label}：{shown} 符合条件";
    BELOW_MIN = "{shown} is below the minimum {min}", "{shown} 低于最低要求 {min}";
    ABOVE_MAX = "{shown} is above the maximum {max}", "{shown} 高于上限 {max}";
    MEETS = "{label}: {shown} meets the requirement", "{label}：{shown} 符合要求";
}

// The risk bands `advisor-train` cuts, best first.
texts! {
    BAND_A = "Very low risk", "风险很低";
    BAND_B = "Low risk", "风险较低";
    BAND_C = "Moderate risk", "风险中等";
    BAND_D = "High risk", "风险较高";
    BAND_E = "Very high risk", "风险很高";
}

/// The bands' names and texts, best first.
pub const BANDS: [(&str, super::Msg); 5] = [("A", BAND_A), ("B", BAND_B), ("C", BAND_C), ("D", BAND_D), ("E", BAND_E)];

// The suitability questionnaire, in the order of `Answers::KEYS`: a question and its five options.
texts! {
    Q_OBJECTIVE = "What is the money for?", "这笔钱的投资目标是什么？";
    Q_OBJECTIVE_1 = "Keep it safe", "保本";
    Q_OBJECTIVE_2 = "A steady income", "稳定收益";
    Q_OBJECTIVE_3 = "Balanced growth", "平衡增长";
    Q_OBJECTIVE_4 = "Growth", "增长";
    Q_OBJECTIVE_5 = "Maximum growth", "最大化增长";
    Q_HORIZON = "How long can you leave it invested?", "您可以投资多长时间？";
    Q_HORIZON_1 = "Under 1 year", "不到 1 年";
    Q_HORIZON_2 = "1–3 years", "1–3 年";
    Q_HORIZON_3 = "3–5 years", "3–5 年";
    Q_HORIZON_4 = "5–10 years", "5–10 年";
    Q_HORIZON_5 = "Over 10 years", "10 年以上";
    Q_TOLERANCE = "How much may its value swing?", "您能接受多大的价值波动？";
    Q_TOLERANCE_1 = "Not at all", "完全不能";
    Q_TOLERANCE_2 = "A little", "小幅";
    Q_TOLERANCE_3 = "Moderately", "中等";
    Q_TOLERANCE_4 = "A lot", "大幅";
    Q_TOLERANCE_5 = "Very much", "非常大";
    Q_LOSS = "How much could you lose without hardship?", "在不影响生活的情况下，您最多能承受多少损失？";
    Q_LOSS_1 = "Nothing", "完全不能损失";
    Q_LOSS_2 = "Up to 10 %", "最多 10%";
    Q_LOSS_3 = "Up to 25 %", "最多 25%";
    Q_LOSS_4 = "Up to 50 %", "最多 50%";
    Q_LOSS_5 = "All of it", "全部";
    Q_KNOWLEDGE = "Your investment knowledge and experience", "您的投资知识与经验";
    Q_KNOWLEDGE_1 = "None", "无";
    Q_KNOWLEDGE_2 = "Basic", "基础";
    Q_KNOWLEDGE_3 = "Informed", "了解";
    Q_KNOWLEDGE_4 = "Advanced", "丰富";
    Q_KNOWLEDGE_5 = "Professional", "专业";
}

/// The questionnaire's questions and options, in the order of `Answers::KEYS`.
pub const QUESTIONNAIRE: [(super::Msg, [super::Msg; 5]); 5] = [
    (Q_OBJECTIVE, [Q_OBJECTIVE_1, Q_OBJECTIVE_2, Q_OBJECTIVE_3, Q_OBJECTIVE_4, Q_OBJECTIVE_5]),
    (Q_HORIZON, [Q_HORIZON_1, Q_HORIZON_2, Q_HORIZON_3, Q_HORIZON_4, Q_HORIZON_5]),
    (Q_TOLERANCE, [Q_TOLERANCE_1, Q_TOLERANCE_2, Q_TOLERANCE_3, Q_TOLERANCE_4, Q_TOLERANCE_5]),
    (Q_LOSS, [Q_LOSS_1, Q_LOSS_2, Q_LOSS_3, Q_LOSS_4, Q_LOSS_5]),
    (Q_KNOWLEDGE, [Q_KNOWLEDGE_1, Q_KNOWLEDGE_2, Q_KNOWLEDGE_3, Q_KNOWLEDGE_4, Q_KNOWLEDGE_5]),
];
