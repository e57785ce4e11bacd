"""Data for realistic demo residents of a Changchun street community:
surnames by real frequency, given names by generation and sex, streets,
and the words grid workers write in their diaries."""
from __future__ import annotations

# (surname, weight ≈ share per mille of the population; north-east names a bit heavier)
SURNAMES: list[tuple[str, int]] = [
    ("王", 71), ("李", 70), ("张", 67), ("刘", 54), ("陈", 45), ("杨", 31), ("赵", 26),
    ("黄", 22), ("周", 21), ("吴", 20), ("徐", 17), ("孙", 17), ("胡", 13), ("朱", 13),
    ("高", 12), ("林", 12), ("何", 12), ("郭", 11), ("马", 11), ("于", 10), ("罗", 9),
    ("梁", 9), ("宋", 8), ("郑", 8), ("谢", 7), ("韩", 7), ("唐", 6), ("冯", 6),
    ("董", 6), ("曲", 5), ("姜", 5), ("崔", 5), ("孟", 5), ("邹", 4), ("白", 4),
    ("付", 4), ("吕", 4), ("金", 4), ("曹", 4), ("田", 4), ("潘", 3), ("袁", 3),
    ("蒋", 3), ("蔡", 3), ("贾", 3), ("丁", 3), ("魏", 3), ("薛", 3), ("闫", 3),
    ("苏", 3), ("任", 3), ("姚", 2), ("谭", 2), ("廖", 2), ("邵", 2), ("石", 2),
]

# Given names by birth cohort; one- and two-character names as people really carry them.
GIVEN_NAMES: dict[tuple[str, str], list[str]] = {
    ("old", "m"): [
        "建国", "国庆", "振华", "德胜", "永林", "春生", "福来", "广林", "玉山", "长海",
        "宝山", "凤山", "树林", "国良", "文斌", "德才", "洪亮", "继红", "跃进", "庆祥",
        "占奎", "殿臣", "福", "明", "林", "忠", "贵", "山", "海", "军",
    ],
    ("old", "f"): [
        "秀英", "桂兰", "玉兰", "凤兰", "淑珍", "桂芝", "秀兰", "玉珍", "淑华", "凤芝",
        "桂荣", "秀珍", "丽华", "淑芬", "玉梅", "春花", "兰英", "素琴", "桂香", "淑琴",
        "凤琴", "玉芬", "翠兰", "芳", "英", "珍", "兰", "霞",
    ],
    ("mid", "m"): [
        "海涛", "志强", "建军", "永刚", "晓东", "立新", "卫东", "红军", "国栋", "立军",
        "志勇", "海波", "宏伟", "春雷", "铁军", "文革", "大勇", "东升", "伟", "勇",
        "军", "涛", "磊", "斌", "鹏", "刚", "强", "辉",
    ],
    ("mid", "f"): [
        "丽", "红梅", "艳", "丽娟", "秀梅", "晓燕", "春燕", "艳华", "敏", "静",
        "娟", "玲", "海燕", "丽丽", "红霞", "冬梅", "雪梅", "晓丽", "淑艳", "艳秋",
        "凤霞", "丽萍", "颖", "莉",
    ],
    ("young", "m"): [
        "浩", "浩然", "子轩", "宇航", "一鸣", "俊杰", "宇", "博文", "天宇", "子豪",
        "明轩", "鑫", "帅", "旭", "泽宇", "嘉豪", "睿", "晨阳", "思远", "家乐",
    ],
    ("young", "f"): [
        "欣怡", "梓涵", "雨涵", "诗涵", "思琪", "佳怡", "子涵", "可欣", "婷", "雪",
        "佳琪", "梦瑶", "雨桐", "一诺", "悦", "萌", "丹", "璐", "楠", "晶",
    ],
}

COMMUNITY_NAME = "长春市朝阳区红旗街道幸福社区"

# Per grid: the 小区 or 街路 and how many buildings it has.
GRID_STREETS: list[list[tuple[str, int]]] = [
    [("幸福小区", 8), ("红旗街", 3)],
    [("和顺家园", 10), ("工农大路", 4)],
    [("林业局家属楼", 6), ("明珠花园", 6)],
    [("长青路", 5), ("福安小区", 8)],
    [("春城名苑", 12)],
    [("松江小区", 9), ("建设街", 4)],
]
GRID_NAMES = ["第一网格", "第二网格", "第三网格", "第四网格", "第五网格", "第六网格",
              "第七网格", "第八网格", "第九网格", "第十网格"]

MOBILE_PREFIXES = ["130", "131", "132", "135", "136", "137", "138", "139", "150", "151",
                   "155", "158", "159", "177", "186", "187", "188", "189", "199"]
ID_PREFIXES = ["2201", "2202", "2224"]  # 长春, 吉林市, 延边: where most residents were born

# What a worker writes after a visit, per tag (and for ordinary households).
VISIT_NOTES: dict[str, list[str]] = {
    "living_alone": [
        "老人独自在家，精神状态不错，查看了煤气和电线，叮嘱晚上锁好门。",
        "老人说最近腿脚不好，下楼不方便，帮忙买了米和面。",
        "测了血压，偏高，提醒按时吃药，留了我的电话。",
    ],
    "empty_nest": [
        "老两口身体还好，子女在外地工作，每周视频一次。",
        "老人想学用手机挂号，教了一遍，下次再来巩固。",
        "检查了暖气，温度正常；提醒冬季防滑。",
    ],
    "disabled": [
        "轮椅使用正常，陪同去银行办了业务。",
        "了解残疾补贴发放情况，已按月到账。",
        "家中扶手松动，已联系物业维修。",
    ],
    "low_income": [
        "核实家庭收入变化，低保材料齐全。",
        "户主想找份零工，登记了求职意向，推荐社区公益岗位。",
        "孩子上学费用有困难，讲解了教育救助政策。",
    ],
    "bereaved_only_child": [
        "陪老人聊了一个小时，情绪比上次好。",
        "家里保险丝烧了，帮忙换好，检查了其他线路。",
        "提醒老人参加社区的老年活动，她说下周去看看。",
    ],
    "community_correction": [
        "按规定报到谈话，思想稳定，遵守规定。",
        "了解就业情况，目前在物流公司上班。",
    ],
    "severe_mental_illness": [
        "患者按时服药，家属看护到位，无异常。",
        "家属反映近期睡眠不好，已联系社区医生随访。",
    ],
    "entitled_group": [
        "老党员身体硬朗，送去了慰问品，聊了当年的事。",
        "核对优抚待遇发放，无问题。",
    ],
    "": [
        "入户走访，家庭情况无变化，宣传了防诈骗知识。",
        "宣传垃圾分类，发放了宣传单。",
        "了解家庭成员变化，更新了联系电话。",
        "居民反映楼道堆放杂物，已提醒清理。",
        "宣传冬季防火和燃气安全。",
    ],
}

TAG_CATEGORIES: dict[str, list[str]] = {
    "living_alone": ["elderly_care", "health", "safety"],
    "empty_nest": ["elderly_care", "health"],
    "disabled": ["disability_aid", "health"],
    "low_income": ["low_income", "social_security"],
    "bereaved_only_child": ["family_planning", "elderly_care"],
    "community_correction": ["correction", "law"],
    "severe_mental_illness": ["health", "safety"],
    "entitled_group": ["social_security", "elderly_care"],
    "": ["safety", "city_upkeep", "culture_education", "public_facilities", "law"],
}

# (title, details, handling, urgency, category) of the needs residents raise
NEED_TEMPLATES: list[tuple[str, str, str, str]] = [
    ("申请低保", "户主无收入，妻子住院，想申请最低生活保障。", "promised", "urgent"),
    ("家里保险丝烧了", "晚上停电，老人一个人在家害怕。", "immediate", "urgent"),
    ("需要一辆轮椅", "腿脚不便，出门看病困难。", "promised", "normal"),
    ("楼道灯不亮", "三楼到五楼的声控灯坏了，晚上上下楼危险。", "joint", "normal"),
    ("暖气不热", "室温只有14度，老人受不了。", "joint", "urgent"),
    ("下水道堵塞", "厨房下水返水。", "joint", "normal"),
    ("咨询高龄津贴", "老人刚满80岁，问怎么申请高龄津贴。", "answer", "normal"),
    ("孩子入学咨询", "外地户口孩子明年上小学，问需要什么材料。", "answer", "normal"),
    ("邻里噪音纠纷", "楼上装修噪音大，双方有矛盾。", "promised", "normal"),
    ("屋顶漏水", "顶楼下雨漏水，墙皮脱落。", "joint", "urgent"),
    ("办理残疾证", "需要帮忙预约残疾鉴定。", "promised", "normal"),
    ("病情不稳定影响邻居", "家属反映患者近几天情绪激动，夜里砸东西，邻居害怕。", "joint", "critical"),
    ("找份工作", "63岁，没有收入，想找份看门或保洁的活。", "promised", "normal"),
    ("代缴医保", "老人行动不便，想请社区帮忙缴纳城乡居民医保。", "immediate", "normal"),
    ("煤气有异味", "厨房闻到煤气味。", "immediate", "critical"),
]

OUTCOMES = [
    "已办理完毕，居民表示感谢。",
    "已联系相关部门解决。",
    "材料已提交，审批通过，补助已到账。",
    "已现场解决。",
    "已答复居民政策要求和办理流程。",
]

# needs that become a volunteer's errand: (need template, errand type)
ERRAND_NEEDS: list[tuple[tuple[str, str, str, str], str]] = [
    (("代缴医保", "老人腿脚不便，想请社区帮忙缴纳城乡居民医保。", "promised", "normal"), "medical_insurance"),
    (("养老金认证", "老人卧床，去不了社保大厅做生存认证。", "promised", "urgent"), "pension_verification"),
    (("申请高龄津贴", "材料需要复印盖章后递交街道。", "promised", "normal"), "copy_and_stamp"),
    (("领取暖补贴", "不会在手机上申请取暖补贴。", "promised", "normal"), "heating_subsidy"),
]

# (type, details) of errands the volunteers run
ERRAND_TEMPLATES: list[tuple[str, str]] = [
    ("medical_insurance", "代缴城乡居民医保，需身份证和社保卡。"),
    ("heating_subsidy", "代领取暖补贴，需户口本、身份证复印件。"),
    ("pension_verification", "老人行动不便，上门协助养老金面部认证。"),
    ("copy_and_stamp", "复印户口本、身份证各两份，到社区盖章。"),
    ("bus_subsidy", "代办65岁以上老年公交卡补贴。"),
    ("longevity_allowance", "代办高龄津贴申请，需出生证明材料。"),
    ("one_child_subsidy", "代领独生子女父母奖励金。"),
    ("shopping", "帮买米、面、油和常用药。"),
]

REVIEW_COMMENTS = [
    "记录详细，继续保持。",
    "注意跟进低保申请进度，下周回访。",
    "请补充老人用药情况。",
    "对口访按时完成，很好。",
    "问题已上报，请持续关注。",
]
