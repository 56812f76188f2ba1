//! The assistant's intents: fixed ids (documented in docs/assistant.md) and, for each, example
//! wordings in English and Chinese that the matcher indexes. The dev set
//! (`tests/fixtures/assist/devset.json`) holds other wordings, never these.

use serde::Serialize;

/// What a question asks for; serialised as its [`Intent::id`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Why this score / why declined / what lowered it.
    Reasons,
    /// How to raise the score or reach a better band.
    Improve,
    /// What a risk band means, which exist, which one the applicant is in.
    Band,
    /// What approve / refer / decline mean and what happens next.
    Decision,
    /// What the number means, its range and scaling.
    ScoreScale,
    /// Which products the applicant can get.
    Products,
    /// What a given product is.
    Product,
    /// Why a given product is not offered.
    NotEligible,
    /// Whether data is sent, stored or seen.
    Privacy,
    /// How the score is computed, what data it uses.
    Model,
    /// Speak to a person, appeal, dispute.
    Human,
    /// An entry of the lender's FAQ.
    Faq,
    /// Greetings, off-topic or unintelligible input.
    None,
}

impl Intent {
    /// Every intent, in documentation order.
    pub const ALL: [Intent; 13] = [
        Intent::Reasons,
        Intent::Improve,
        Intent::Band,
        Intent::Decision,
        Intent::ScoreScale,
        Intent::Products,
        Intent::Product,
        Intent::NotEligible,
        Intent::Privacy,
        Intent::Model,
        Intent::Human,
        Intent::Faq,
        Intent::None,
    ];

    /// The intent's id, as serialised.
    pub fn id(self) -> &'static str {
        match self {
            Intent::Reasons => "reasons",
            Intent::Improve => "improve",
            Intent::Band => "band",
            Intent::Decision => "decision",
            Intent::ScoreScale => "score_scale",
            Intent::Products => "products",
            Intent::Product => "product",
            Intent::NotEligible => "not_eligible",
            Intent::Privacy => "privacy",
            Intent::Model => "model",
            Intent::Human => "human",
            Intent::Faq => "faq",
            Intent::None => "none",
        }
    }
}

impl Serialize for Intent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// Example wordings of the intents the matcher recognises by their words (product and FAQ
/// questions are recognised by the catalog and the FAQ themselves).
pub const EXAMPLES: &[(Intent, &str)] = &[
    (Intent::Reasons, "why is my score so low"),
    (Intent::Reasons, "why was I declined rejected refused turned down"),
    (Intent::Reasons, "what lowered hurt my score, what are the reasons factors behind my result"),
    (Intent::Reasons, "explain my score, what counts against me, why not approved"),
    (Intent::Reasons, "为什么我的分数这么低"),
    (Intent::Reasons, "为什么被拒绝了，拒绝的原因是什么"),
    (Intent::Reasons, "哪些因素拉低了我的评分，影响分数的原因"),
    (Intent::Improve, "how can I improve raise increase boost my score"),
    (Intent::Improve, "what can I do to get approved, what should I change to qualify"),
    (Intent::Improve, "how do I reach a better band, tips advice to do better next time"),
    (Intent::Improve, "怎样提高我的分数，如何提升评分"),
    (Intent::Improve, "我该怎么做才能获得批准，需要改变什么"),
    (Intent::Improve, "怎么才能进入更好的等级，有什么建议改善"),
    (Intent::Band, "what does my risk band mean, what is band A B C D E"),
    (Intent::Band, "which bands grades categories levels are there, what band grade am I in"),
    (Intent::Band, "我的风险等级是什么意思"),
    (Intent::Band, "有哪些等级，我属于哪个等级档次"),
    (Intent::Decision, "what does refer referral mean, what does approve decline mean"),
    (Intent::Decision, "what happens next after the decision, what is the outcome status of my application"),
    (Intent::Decision, "转人工审核是什么意思，批准和拒绝是什么意思"),
    (Intent::Decision, "决定之后会发生什么，下一步是什么，申请结果"),
    (Intent::ScoreScale, "what does the number mean, what is a good score, score range maximum minimum"),
    (Intent::ScoreScale, "how is the score scale points out of what, is my number high or low"),
    (Intent::ScoreScale, "分数代表什么，满分是多少，分数范围"),
    (Intent::ScoreScale, "多少分算好，这个数字高还是低，分值区间"),
    (Intent::Products, "which products can I get, what could I sign up for, what do you offer recommend me"),
    (Intent::Products, "what cards loans accounts am I eligible for, show my options offers"),
    (Intent::Products, "我能申请哪些产品，有什么推荐"),
    (Intent::Products, "我有资格办理哪些卡贷款账户，给我看看可选的产品"),
    (Intent::Privacy, "is my data sent stored shared anywhere, who can see my information"),
    (Intent::Privacy, "privacy, do you keep save upload my personal details to a server"),
    (Intent::Privacy, "我的数据会被发送或保存吗，谁能看到我的信息"),
    (Intent::Privacy, "隐私，个人信息会上传到服务器吗"),
    (Intent::Model, "how is the score computed calculated, what data information does the model use"),
    (Intent::Model, "does the model use my gender sex marital status nationality race religion age, is it fair"),
    (Intent::Model, "what algorithm machine learning is behind it, which fields inputs count"),
    (Intent::Model, "分数是怎么计算的，模型使用了哪些数据"),
    (Intent::Model, "模型会考虑性别婚姻状况国籍吗，公平吗，用的什么算法"),
    (Intent::Human, "I want to speak talk to a person human agent staff, call me back"),
    (Intent::Human, "how do I appeal dispute complain about the decision, contact customer service phone number"),
    (Intent::Human, "我想和真人客服人工交谈，请给我回电话"),
    (Intent::Human, "如何申诉投诉这个决定，联系客服电话"),
    (Intent::Reasons, "what is the main reason for my result, what is wrong with my application"),
    (Intent::Reasons, "我的评分低的原因，什么让我的分数下降，我的申请哪里有问题"),
    (Intent::Reasons, "解释原因，为什么没有批准，扣分的地方"),
    (Intent::Improve, "what steps would improve my result, how to fix my score, what would make me eligible"),
    (Intent::Improve, "怎么改进，要做哪些改变才能通过，提高通过率的方法"),
    (Intent::Band, "which letter band did I get, what is my risk level"),
    (Intent::Band, "我被分到哪个档，A 等级和 E 等级是什么，等级代表什么意思"),
    (Intent::Decision, "is this decision final, can I apply again, what should I do now"),
    (Intent::Decision, "这是最终结果吗，还能再次申请吗，现在我该怎么办"),
    (Intent::ScoreScale, "what is the highest lowest score possible, how many points are good"),
    (Intent::ScoreScale, "分数最低和满分是多少，分数高低代表什么水平"),
    (Intent::Products, "what services can I use, which products suit fit me"),
    (Intent::Products, "可以办理哪些服务，适合我的产品有哪些，可以选什么"),
    (Intent::Privacy, "is my information kept private, does anything leave my device, are my answers saved"),
    (Intent::Privacy, "我的信息安全吗，会保存我的信息吗，信息会离开我的设备吗"),
    (Intent::Model, "how was this score decided, which factors does the model consider, is it biased"),
    (Intent::Model, "评分是怎么得出的，模型考虑哪些因素，会不会歧视"),
    (Intent::Human, "I need help from a person, get me an agent, I disagree with the decision"),
    (Intent::Human, "我需要人工帮助，我不同意这个结果，找人工"),
    (Intent::Reasons, "what is holding my score back, what drags my rating down, which of my answers count against me"),
    (Intent::Reasons, "what went against me, why did I get this result, the biggest factors behind my score"),
    (Intent::Reasons, "是什么让我的分数不高，我的申请为什么不行，哪一项对我影响最大"),
    (Intent::Reasons, "结果不好是因为什么，拒绝我的理由，我哪里扣分了，什么对我不利"),
    (Intent::Improve, "how do I get to a higher band, how can I reach band B, what would move me up a band"),
    (Intent::Improve, "what can I change to get a better result, how to get approved in future, what would make my score go up"),
    (Intent::Improve, "怎样才能达到更好的等级，要升到上一个等级需要做什么，怎么做分数才会上去"),
    (Intent::Improve, "有没有提高通过机会的办法，下次怎样才能被批准，我应该怎么做"),
    (Intent::Band, "how many risk bands are there, what does my letter mean, explain band C, what risk category am I in"),
    (Intent::Band, "总共有多少个等级，我是哪一级，这个等级说明什么，风险等级怎么划分"),
    (Intent::Decision, "what does likely to be declined mean, what does referred to a person mean, what does approved mean for me"),
    (Intent::Decision, "can I try again, when can I apply again, what now"),
    (Intent::Decision, "可能会被拒绝是什么意思，审核是什么意思，批准意味着什么"),
    (Intent::Decision, "我还能重新申请吗，多久以后可以再申请，现在我该做什么"),
    (Intent::ScoreScale, "how far does the scale go, how do I read the number"),
    (Intent::ScoreScale, "分数越高越好吗，分数是几分制，这个分数怎么看"),
    (Intent::Products, "what accounts could I open, are there products for me, which cards could I get, what am I eligible for"),
    (Intent::Products, "你们有什么产品，能开通哪种账户，我符合哪些产品的条件"),
    (Intent::Privacy, "where does my information go, is my data passed to the bank, do you record my answers, is this confidential"),
    (Intent::Privacy, "我的数据会去哪里，数据会传给银行吗，会记录我的回答吗，这个保密吗"),
    (Intent::Model, "what is the score based on, how do you work out my score, how is my score determined, does my age matter"),
    (Intent::Model, "分数是根据什么算出来的，评分依据是什么，模型用到哪些信息，年龄会影响评分吗"),
    (Intent::Human, "connect me with an advisor, how do I reach customer support, I want a real person, what number can I call"),
    (Intent::Human, "我想找人工，转接客服，给我一个联系电话，我要和工作人员说话"),
    (Intent::None, "good afternoon, ok, okay, great, cool, goodbye"),
    (Intent::None, "a joke please, weather forecast, sports news, play some music, a recipe, what day is it"),
    (Intent::None, "晚上好 下午好 嗨 哈喽 好的 嗯 拜拜"),
    (Intent::None, "来个笑话吧，天气预报，体育新闻，放首歌，今天星期几，你是谁"),
    (Intent::Reasons, "what pulled my result down, tell me why my score is what it is, which items lowered it"),
    (Intent::Reasons, "为什么我的评分不理想，哪些项目拉低了分数，分数低的原因有哪些"),
    (Intent::Improve, "how can I become eligible, how could I qualify later, what would get me a yes"),
    (Intent::Improve, "怎样才能符合条件，怎么做才能让申请通过，分数要怎么涨"),
    (Intent::Band, "what do bands A to E stand for, which band is the best"),
    (Intent::Band, "我在第几档，哪个等级最好，各个等级的含义"),
    (Intent::Decision, "was I approved, what is my decision, am I accepted, what are my next steps after a refusal"),
    (Intent::Decision, "我被批准了吗，我的申请结果是什么，被拒以后下一步怎么办"),
    (Intent::ScoreScale, "is 500 a good score, is 380 low, what counts as a high score, how is the number scaled"),
    (Intent::ScoreScale, "500 分高吗，多少分算低，分数是怎么换算的"),
    (Intent::Model, "how does it work, how does the system score me, what goes into the model, what does the score look at"),
    (Intent::Model, "系统是怎么打分的，模型的原理是什么，评分考虑了什么"),
    (Intent::Privacy, "does my data leave this page, is anything saved on your servers, can the lender read what I entered"),
    (Intent::Privacy, "数据会离开这个页面吗，会存到你们的服务器上吗，银行能看到我填的内容吗"),
    (Intent::Human, "can a person review my case, I want to object to the result, who can I contact"),
    (Intent::Human, "能找人复核吗，我对结果有异议，我该联系谁"),
    (Intent::Products, "list the products I can have, what financial products fit me"),
    (Intent::Products, "列出我能办的产品，有什么理财产品适合我"),
    (Intent::None, "capital city, history question, translate this, do some maths, what is the news"),
    (Intent::None, "首都在哪里，帮我翻译，算一道数学题，讲讲历史"),
    (Intent::None, "hello hi hey good morning thanks thank you bye"),
    (Intent::None, "你好 您好 谢谢 再见 早上好"),
];

/// Words that turn a question about a product into why it is not offered.
pub const NOT_ELIGIBLE_CUES: &[&str] = &[
    "why not",
    "why can't",
    "why cant",
    "why can i not",
    "why don't",
    "why dont",
    "why isn't",
    "not eligible",
    "ineligible",
    "not offered",
    "not available",
    "not qualify",
    "don't qualify",
    "excluded",
    "can't i get",
    "cannot get",
    "can't get",
    "can't have",
    "no access",
    "为什么不",
    "为什么没有",
    "为何不",
    "不能",
    "不可以",
    "没有资格",
    "不符合",
    "不能申请",
    "不给",
    "不提供",
    "拿不到",
    "办不了",
    "不了",
];
