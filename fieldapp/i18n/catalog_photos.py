"""Messages for the photo pipeline's error codes (fieldapp.photos.PhotoError).
Keys: "photo_error.<code>"."""
from __future__ import annotations

CATALOG: dict[str, dict[str, str]] = {
    "photo_error.empty": {"zh-CN": "照片文件是空的。", "en": "The photo file is empty."},
    "photo_error.unreadable": {
        "zh-CN": "无法读取这张照片，请重新选择。",
        "en": "This photo could not be read. Please choose it again.",
    },
    "photo_error.too_large": {
        "zh-CN": "照片文件太大（超过 50 MB）。",
        "en": "The photo file is too large (over 50 MB).",
    },
    "photo_error.not_image": {
        "zh-CN": "这个文件不是图片。",
        "en": "This file is not a picture.",
    },
    "photo_error.heic_unsupported": {
        "zh-CN": "暂不支持 HEIC 格式。请在相机设置中选择“兼容性最佳”（JPEG）后重拍，或先转换为 JPEG。",
        "en": "HEIC photos are not supported yet. Set the camera to \"Most compatible\" (JPEG) "
        "and retake it, or convert it to JPEG first.",
    },
    "photo_error.unsupported_format": {
        "zh-CN": "不支持这种图片格式，请使用 JPEG、PNG 或 WebP。",
        "en": "This picture format is not supported. Please use JPEG, PNG or WebP.",
    },
    "photo_error.bad_dimensions": {
        "zh-CN": "图片尺寸异常（过长或过窄），无法使用。",
        "en": "The picture has unusable dimensions (too long or too narrow).",
    },
    "photo_error.bomb": {
        "zh-CN": "图片像素过多，无法处理。请用相机的普通模式拍摄。",
        "en": "The picture has too many pixels to process. Please use the camera's normal mode.",
    },
    "photo_error.truncated": {
        "zh-CN": "照片文件不完整（可能没有传完），请重新拍摄或选择。",
        "en": "The photo file is incomplete (perhaps not fully copied). Please take or choose it again.",
    },
    "photo_error.corrupt": {
        "zh-CN": "照片已损坏，无法打开。",
        "en": "The photo is damaged and cannot be opened.",
    },
    "photo_error.write_failed": {
        "zh-CN": "无法保存照片，请检查手机存储空间。",
        "en": "The photo could not be saved. Please check the phone's free storage.",
    },
}
