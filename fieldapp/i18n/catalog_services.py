"""Strings for the errors and states the services layer (fieldapp/services) produces."""
from __future__ import annotations

CATALOG: dict[str, dict[str, str]] = {
    "error.consent_required": {
        "zh-CN": "须经居民同意才能保存照片",
        "en": "The resident must agree before a photo is kept",
    },
    "error.storage_failed": {
        "zh-CN": "保存失败：手机存储空间不足或不可写。已输入的内容仍在屏幕上。",
        "en": "Could not save: the phone's storage is full or read-only. What you typed is still here.",
    },
    "error.same_user": {"zh-CN": "不能交给自己", "en": "Choose someone other than yourself"},
    "error.bad_url": {
        "zh-CN": "服务器地址应以 http:// 或 https:// 开头",
        "en": "The server address must start with http:// or https://",
    },
    "error.photo.empty": {"zh-CN": "照片文件是空的", "en": "The photo file is empty"},
    "error.photo.unreadable": {"zh-CN": "无法读取照片文件", "en": "The photo file cannot be read"},
    "error.photo.too_large": {"zh-CN": "照片文件太大", "en": "The photo file is too large"},
    "error.photo.not_image": {"zh-CN": "不是图片", "en": "Not an image"},
    "error.photo.heic_unsupported": {
        "zh-CN": "不支持 HEIC 格式，请用 JPEG",
        "en": "HEIC is not supported; use JPEG",
    },
    "error.photo.unsupported_format": {
        "zh-CN": "只支持 JPEG、PNG、WebP",
        "en": "Only JPEG, PNG and WebP are supported",
    },
    "error.photo.bad_dimensions": {"zh-CN": "图片尺寸异常", "en": "The image has impossible dimensions"},
    "error.photo.bomb": {"zh-CN": "图片像素过多", "en": "The image has too many pixels"},
    "error.photo.truncated": {"zh-CN": "照片文件不完整", "en": "The photo file is incomplete"},
    "error.photo.corrupt": {"zh-CN": "照片已损坏", "en": "The photo is damaged"},
    "error.photo.write_failed": {
        "zh-CN": "照片保存失败（存储空间不足？）",
        "en": "Could not save the photo (storage full?)",
    },
    "logout.unsynced": {
        "zh-CN": "还有 {ops} 条记录和 {photos} 张照片未同步。请先同步，否则退出后需重新登录才能上传。",
        "en": ("{ops} changes and {photos} photos are not synced yet. Sync first; they are kept "
               "and sent after you log in again."),
    },
    "conflict.title": {"zh-CN": "修改冲突", "en": "Conflicting change"},
    "conflict.keep_mine": {"zh-CN": "保留我的", "en": "Keep mine"},
    "conflict.accept_theirs": {"zh-CN": "采用对方的", "en": "Accept theirs"},
    "conflict.explain": {
        "zh-CN": "{who} 修改了「{field}」：我的是「{mine}」，对方的是「{theirs}」",
        "en": "{who} changed \"{field}\": mine was \"{mine}\", theirs is \"{theirs}\"",
    },
    "needs.bucket.open": {"zh-CN": "办理中", "en": "Open"},
    "needs.bucket.due_soon": {"zh-CN": "即将到期", "en": "Due soon"},
    "needs.bucket.overdue": {"zh-CN": "已超期", "en": "Overdue"},
    "needs.bucket.to_follow_up": {"zh-CN": "待回访", "en": "To follow up"},
    "needs.bucket.all": {"zh-CN": "全部", "en": "All"},
    "deadline.overdue": {"zh-CN": "超期 {days} 天", "en": "{days} days overdue"},
    "deadline.due_soon": {"zh-CN": "剩 {days} 天", "en": "{days} days left"},
    "deadline.ok": {"zh-CN": "剩 {days} 天", "en": "{days} days left"},
}
