"""Closed vocabularies shared by app and server. Values are stable wire codes;
their visible labels live in fieldapp.i18n."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    WORKER = "worker"  # 网格员
    VOLUNTEER = "volunteer"  # 志愿者 / 小红帽
    COORDINATOR = "coordinator"  # 社区专干 / 书记
    ADMIN = "admin"


class Tag(StrEnum):
    """Special-household tags (重点人群); they drive visit cadence."""

    LIVING_ALONE = "living_alone"  # 孤寡
    EMPTY_NEST = "empty_nest"  # 空巢
    DISABLED = "disabled"  # 残疾
    LOW_INCOME = "low_income"  # 低保
    BEREAVED_ONLY_CHILD = "bereaved_only_child"  # 失独
    COMMUNITY_CORRECTION = "community_correction"  # 社区矫正
    SEVERE_MENTAL_ILLNESS = "severe_mental_illness"  # 精神障碍
    ENTITLED_GROUP = "entitled_group"  # 优抚


class VisitKind(StrEnum):
    REGULAR = "regular"  # 定期访
    SPECIAL = "special"  # 对口访
    ON_REQUEST = "on_request"  # 随时访
    FOLLOW_UP = "follow_up"  # 回访


class ServiceCategory(StrEnum):
    """The 14 service categories of a diary entry."""

    LAW = "law"
    FAMILY_PLANNING = "family_planning"
    CITY_UPKEEP = "city_upkeep"
    SAFETY = "safety"
    SOCIAL_SECURITY = "social_security"
    CULTURE_EDUCATION = "culture_education"
    HEALTH = "health"
    LOW_INCOME = "low_income"
    DISABILITY_AID = "disability_aid"
    HOUSING = "housing"
    ELDERLY_CARE = "elderly_care"
    DISPUTES = "disputes"
    CORRECTION = "correction"
    PUBLIC_FACILITIES = "public_facilities"


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"  # 急事
    CRITICAL = "critical"  # danger to people: escalate the same day


class Handling(StrEnum):
    IMMEDIATE = "immediate"  # 即办件
    PROMISED = "promised"  # 承诺件
    JOINT = "joint"  # 联办件
    ANSWER = "answer"  # 答复件


class NeedStatus(StrEnum):
    OPEN = "open"  # raised, not yet accepted
    ACCEPTED = "accepted"  # owner is working on it
    ESCALATED = "escalated"  # 一对接: handed up to staff or leader
    RESOLVED = "resolved"  # handled, outcome recorded; awaiting follow-up
    CLOSED = "closed"  # follow-up visit recorded: 办结


OPEN_NEED_STATUSES = frozenset({NeedStatus.OPEN, NeedStatus.ACCEPTED, NeedStatus.ESCALATED})


class NeedEventKind(StrEnum):
    RAISED = "raised"
    ACCEPTED = "accepted"
    HANDED_OFF = "handed_off"
    ESCALATED = "escalated"
    ASSIGNED_ERRAND = "assigned_errand"
    RESOLVED = "resolved"
    FOLLOWED_UP = "followed_up"
    CLOSED = "closed"
    NOTE = "note"


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASICALLY = "basically"  # 基本满意
    NOT_SATISFIED = "not_satisfied"  # 不满意


class ErrandType(StrEnum):
    MEDICAL_INSURANCE = "medical_insurance"  # 缴医保
    HEATING_SUBSIDY = "heating_subsidy"  # 取暖补贴
    PENSION_VERIFICATION = "pension_verification"  # 生存验证 / 面部认证
    ONE_CHILD_SUBSIDY = "one_child_subsidy"  # 独生子女补贴
    BUS_SUBSIDY = "bus_subsidy"  # 老年公交补贴
    LONGEVITY_ALLOWANCE = "longevity_allowance"  # 高龄津贴
    COPY_AND_STAMP = "copy_and_stamp"  # 复印盖章
    SHOPPING = "shopping"  # 代购
    OTHER = "other"


class ErrandStatus(StrEnum):
    REQUESTED = "requested"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CONFIRMED = "confirmed"  # resident confirmed


class Relation(StrEnum):
    HEAD = "head"  # 户主
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    GRANDCHILD = "grandchild"
    SIBLING = "sibling"
    OTHER = "other"
