"""Strings for what a sync can report (fieldapp.sync): SyncReport.error codes,
photo refusals from the server, and a synthetic op rejection. Shown through
ViewContext.error_text as "error.<code>"."""
CATALOG = {
    "error.server_error": {"zh-CN": "服务器暂时出错，稍后会自动重试",
                           "en": "The server had a problem; sync will try again later"},
    "error.login_needed": {"zh-CN": "登录已失效，请重新登录", "en": "Your login expired: log in again"},
    "error.op_too_large": {"zh-CN": "这条记录太大，服务器无法接收",
                           "en": "This change is too large for the server"},
    "error.missing_file": {"zh-CN": "照片文件丢失，无法上传",
                           "en": "The photo file is missing and cannot be uploaded"},
    "error.bomb": {"zh-CN": "照片尺寸异常，服务器拒收",
                   "en": "The photo's size is implausible; the server refused it"},
    "error.corrupt": {"zh-CN": "照片已损坏，服务器拒收", "en": "The photo is damaged; the server refused it"},
    "error.empty": {"zh-CN": "照片是空文件", "en": "The photo file is empty"},
    "error.has_location": {"zh-CN": "照片带有位置信息，服务器拒收",
                           "en": "The photo carries a location; the server refused it"},
    "error.not_image": {"zh-CN": "这不是照片文件", "en": "This is not a photo"},
    "error.not_jpeg": {"zh-CN": "照片格式不对（需要 JPEG）", "en": "Wrong photo format (JPEG needed)"},
}
