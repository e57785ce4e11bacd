"""zh-CN and English labels of every record field (fieldapp.domain.records),
keyed "field.<entity>.<field>": what a person calls the field, e.g. on the
sync screen's conflict cards or in a column header. Pure data."""
from __future__ import annotations

_FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    "community": {
        "name": ("社区名称", "Community name"),
        "cadence_days": ("走访周期（按标签）", "Visit interval per tag"),
        "regular_interval_days": ("定期走访间隔（天）", "Regular visit interval (days)"),
        "monthly_visit_quota": ("每月走访任务", "Monthly visit quota"),
    },
    "grid": {
        "community_id": ("所属社区", "Community"),
        "name": ("网格名称", "Grid name"),
    },
    "user": {
        "username": ("用户名", "Username"),
        "display_name": ("姓名", "Name"),
        "role": ("角色", "Role"),
        "community_id": ("所属社区", "Community"),
        "grid_ids": ("负责网格", "Grids"),
        "phone": ("电话", "Phone"),
    },
    "household": {
        "grid_id": ("网格", "Grid"),
        "address": ("地址", "Address"),
        "head_name": ("户主姓名", "Head of household"),
        "members": ("家庭成员", "Members"),
        "tags": ("重点人群标签", "Special-household tags"),
        "notes": ("备注", "Notes"),
        "created_at": ("建档时间", "Registered"),
        "archived": ("已归档（迁出/去世）", "Archived (moved away / deceased)"),
    },
    "diary_entry": {
        "household_id": ("住户", "Household"),
        "grid_id": ("网格", "Grid"),
        "worker_id": ("走访人", "Visited by"),
        "visited_at": ("走访时间", "Visited"),
        "kind": ("走访类型", "Kind of visit"),
        "notes": ("所见所闻", "What was seen and said"),
        "categories": ("服务类别", "Service categories"),
        "photos": ("照片", "Photos"),
    },
    "need": {
        "household_id": ("住户", "Household"),
        "grid_id": ("网格", "Grid"),
        "raised_in_entry_id": ("登记于哪次走访", "Raised in visit"),
        "first_responder_id": ("首问负责人", "First responder"),
        "owner_id": ("负责人", "Owner"),
        "assignee_id": ("承办人", "Assignee"),
        "title": ("诉求内容", "What is needed"),
        "details": ("详细说明", "Details"),
        "urgency": ("紧急程度", "Urgency"),
        "handling": ("办理方式", "Handling"),
        "deadline": ("办理期限", "Deadline"),
        "status": ("办理状态", "Status"),
        "raised_at": ("登记时间", "Raised"),
        "outcome": ("办理结果", "Outcome"),
        "resolved_at": ("办结时间", "Resolved"),
        "follow_up": ("回访", "Follow-up visit"),
        "closed_at": ("关闭时间", "Closed"),
    },
    "need_event": {
        "need_id": ("诉求", "Need"),
        "grid_id": ("网格", "Grid"),
        "kind": ("办理步骤", "Step"),
        "actor_id": ("办理人", "By"),
        "at": ("时间", "Time"),
        "to_user_id": ("交给", "To"),
        "note": ("说明", "Note"),
    },
    "errand": {
        "household_id": ("住户", "Household"),
        "grid_id": ("网格", "Grid"),
        "need_id": ("诉求", "Need"),
        "type": ("代办事项", "Errand"),
        "details": ("需要的材料/说明", "Papers needed / details"),
        "volunteer_id": ("志愿者", "Volunteer"),
        "status": ("办理状态", "Status"),
        "requested_at": ("申请时间", "Requested"),
        "started_at": ("开始办理时间", "Started"),
        "done_at": ("办完时间", "Done"),
        "receipt_photo": ("回执照片", "Receipt photo"),
        "resident_confirmed": ("居民已确认", "Resident confirmed"),
        "confirmation_note": ("确认说明", "Confirmation note"),
        "confirmed_at": ("居民确认时间", "Confirmed"),
    },
    "comment": {
        "entry_id": ("民情日记", "Diary entry"),
        "grid_id": ("网格", "Grid"),
        "author_id": ("点评人", "Reviewer"),
        "at": ("时间", "Time"),
        "text": ("点评内容", "Comment"),
    },
}

FIELD_LABELS: dict[str, dict[str, str]] = {
    f"field.{entity}.{name}": {"zh-CN": zh, "en": en}
    for entity, fields in _FIELDS.items()
    for name, (zh, en) in fields.items()
}
