"""Labels for the error codes the server sends (push rejections, API 4xx)
that the domain catalog does not already name. Keys: "error.<code>"."""
from __future__ import annotations

CATALOG: dict[str, dict[str, str]] = {
    "error.author_mismatch": {"zh-CN": "只能以自己的身份记录", "en": "You can only record as yourself"},
    "error.entity_mismatch": {"zh-CN": "记录类型不符", "en": "Record type does not match"},
    "error.grid_mismatch": {
        "zh-CN": "须与所属住户在同一网格",
        "en": "Must be in the same grid as its household",
    },
    "error.conflict": {
        "zh-CN": "与已有记录冲突，请同步后重试",
        "en": "Conflicts with a stored record; sync and retry",
    },
    "error.bad_hlc": {"zh-CN": "时间戳无效", "en": "Invalid timestamp"},
    "error.bad_device": {"zh-CN": "设备标识无效", "en": "Invalid device id"},
    "error.unknown_entity": {"zh-CN": "未知的记录类型", "en": "Unknown record type"},
    "error.too_many_ops": {
        "zh-CN": "一次提交的修改太多（最多{detail}条）",
        "en": "Too many changes at once (at most {detail})",
    },
    "error.bad_json": {"zh-CN": "数据格式错误", "en": "Malformed data"},
    "error.taken": {"zh-CN": "已被使用", "en": "Already taken"},
    "error.too_short": {"zh-CN": "太短（至少{detail}个字符）", "en": "Too short (at least {detail})"},
    "error.community_required": {"zh-CN": "须先指定社区", "en": "Name the community first"},
    "error.unavailable": {"zh-CN": "服务器忙，请稍后重试", "en": "Server busy, try again later"},
    "error.invalid": {"zh-CN": "输入无效", "en": "Invalid input"},
    "error.hash_mismatch": {"zh-CN": "照片校验失败，请重新上传", "en": "Photo check failed; upload again"},
}
