//! Every text the assistant says. `{name}` marks a value filled in ([`Msg::fill`](super::Msg::fill)).

use super::texts;

texts! {
    NO_RESULT = "I don't have your result yet. Fill in the form and confirm it, and I can answer with your own figures.",
        "我还没有您的评估结果。请先填写并确认表单，我就能根据您的实际数据回答。";
    REASONS_INTRO = "Your score is {score} (band {band}). The factors that lowered it most:",
        "您的分数是 {score}（{band} 等级）。拉低分数最多的因素：";
    REASON_LINE = "{text} — cost you {points} points", "{text} —— 使您少了 {points} 分";
    NO_REASONS = "Your score is {score} (band {band}). No single factor lowered it by a noticeable amount.",
        "您的分数是 {score}（{band} 等级）。没有哪一个因素明显拉低了分数。";
    IMPROVE_INTRO = "To reach band {target} ({target_score} points or more), any one of these changes would do:",
        "要进入 {target} 等级（{target_score} 分及以上），以下任一改变即可做到：";
    IMPROVE_PARTIAL = "No single change reaches band {target} ({target_score} points). These raise your score the most:",
        "没有单项改变能达到 {target} 等级（{target_score} 分）。以下改变最能提高您的分数：";
    CHANGE_LINE = "{label}: from {from} to {to} → score {score}", "{label}：从 {from} 改为 {to} → 分数 {score}";
    BEST_BAND = "You are already in the best band ({band}); there is no better band to reach.",
        "您已处于最好的等级（{band}），没有更高的等级了。";
    NO_CHANGE = "None of the things you can change would raise your score noticeably.",
        "您能改变的各项都不会明显提高您的分数。";
    BAND_YOURS = "You are in band {band} ({label}).", "您处于 {band} 等级（{label}）。";
    BAND_LIST = "Bands run from the lowest risk to the highest: {bands}. Each band is a range of scores; a higher score means a lower estimated risk of not repaying.",
        "等级从风险最低到最高依次为：{bands}。每个等级对应一段分数区间；分数越高，估计的违约风险越低。";
    DECISION_YOURS = "Your result: {decision}.", "您的结果：{decision}。";
    DECISION_EXPLAIN = "“Likely to be approved” means your score clears the lender's approval line. “Refer” means a person at the lender reviews your application before deciding. “Likely to be declined” means the score is below the line; a person can still review it if you ask. This check is an estimate, not a final decision.",
        "“很可能获批”表示您的分数达到了贷款机构的批准线。“转人工审核”表示由工作人员审核您的申请后再作决定。“很可能被拒绝”表示分数低于批准线；如您提出要求，仍可由工作人员复核。本评估只是估计，并非最终决定。";
    SCALE = "Scores run from {min} to {max}; higher is better. The scale follows the industry convention: every 20 points doubles the odds of repaying, and 600 points means odds of 50 to 1.",
        "分数范围为 {min} 至 {max}，越高越好。分数遵循行业惯例：每增加 20 分，按时还款的几率翻一倍；600 分对应 50 比 1 的还款几率。";
    SCALE_YOURS = "Yours is {score}.", "您的分数是 {score}。";
    PRODUCTS_INTRO = "Products you qualify for, best match first:", "您符合条件的产品（按匹配程度排序）：";
    PRODUCTS_NONE = "With your current result, no product in the catalog is open to you.", "根据您目前的结果，目录中暂无您符合条件的产品。";
    NO_CATALOG = "This page has no product catalog, so I cannot say which products you can get.", "本页面没有产品目录，因此我无法告诉您可以申请哪些产品。";
    PRODUCT_ABOUT = "{name}: {summary}", "{name}：{summary}";
    PRODUCT_RULES = "Who can get it: {rules}.", "申请条件：{rules}。";
    PRODUCT_NO_RULES = "It has no eligibility rules.", "没有申请限制。";
    PRODUCT_ELIGIBLE = "With your result, you qualify for it.", "根据您的结果，您符合申请条件。";
    PRODUCT_INELIGIBLE = "With your result it is not offered to you: {reason}.", "根据您的结果，暂不向您提供：{reason}。";
    NOT_ELIGIBLE = "{name} is not offered to you because: {reason}.", "未向您提供{name}，原因是：{reason}。";
    IS_ELIGIBLE = "You do qualify for {name}; it is among your products.", "您符合{name}的申请条件，它在您的可选产品中。";
    WHICH_PRODUCT = "Which product do you mean? The catalog has: {names}.", "您指的是哪一个产品？目录中有：{names}。";
    PRIVACY = "Nothing you enter leaves this device. The score, the reasons, the advice and these answers are all computed in this page; your answers and questions are not sent, stored or seen by anyone. Closing the page forgets them.",
        "您输入的任何信息都不会离开本设备。分数、原因、建议和这些回答都在本页面内计算；您的答案和问题不会被发送、保存或被任何人看到。关闭页面后即会清除。";
    MODEL = "The score comes from a statistical model trained on past loans. It uses only these fields: {fields}. Fields the lender marks as protected (such as sex, marital status or nationality) are never model inputs; they are used only to check the model for fairness.",
        "分数来自基于历史贷款数据训练的统计模型。它只使用以下字段：{fields}。贷款机构标记为受保护的字段（如性别、婚姻状况或国籍）从不作为模型输入，只用于检查模型的公平性。";
    MODEL_NO_SCHEMA = "The score comes from a statistical model trained on past loans, run entirely in this page. Fields the lender marks as protected (such as sex, marital status or nationality) are never model inputs.",
        "分数来自基于历史贷款数据训练的统计模型，完全在本页面内运行。贷款机构标记为受保护的字段（如性别、婚姻状况或国籍）从不作为模型输入。";
    HUMAN = "To speak to a person, ask for a review or dispute a decision, contact the lender directly (its contact details are on its website or your paperwork). This check is an estimate; a person makes the final decision.",
        "如需与工作人员沟通、申请复核或对决定提出异议，请直接联系贷款机构（联系方式见其网站或您的文件）。本评估只是估计，最终决定由工作人员作出。";
    NONE = "I can answer questions about your result, the reasons behind it, how to improve it, the products you can get, and your privacy.",
        "我可以回答关于您的结果、背后的原因、如何改善、可申请的产品以及隐私方面的问题。";
    DECISION_APPROVE = "likely to be approved", "很可能获批";
    DECISION_REFER = "referred to a person for review", "转人工审核";
    DECISION_DECLINE = "likely to be declined", "很可能被拒绝";
    ESTIMATED_RISK = "estimated risk", "估计风险";
    SCORE = "score", "分数";
    RULE_RANGE = "{label} from {min} to {max}", "{label} 在 {min} 至 {max}";
    RULE_MIN = "{label} at least {min}", "{label} 不低于 {min}";
    RULE_MAX = "{label} at most {max}", "{label} 不高于 {max}";
}

// Follow-up questions offered as buttons.
texts! {
    ASK_REASONS = "Why is my score what it is?", "为什么我是这个分数？";
    ASK_IMPROVE = "How can I improve my score?", "我怎样才能提高分数？";
    ASK_BAND = "What does my band mean?", "我的等级是什么意思？";
    ASK_DECISION = "What happens next?", "接下来会怎样？";
    ASK_SCALE = "What does the number mean?", "这个分数代表什么？";
    ASK_PRODUCTS = "Which products can I get?", "我可以申请哪些产品？";
    ASK_PRIVACY = "Is my data sent anywhere?", "我的数据会被发送出去吗？";
    ASK_MODEL = "How is the score computed?", "分数是怎么计算的？";
    ASK_HUMAN = "Can I speak to a person?", "我能和工作人员沟通吗？";
}
