"""The desk's person page (accounts, devices, grids: views/desk/person.py) and the
audit log (views/desk/audit.py)."""
from __future__ import annotations

CATALOG: dict[str, dict[str, str]] = {
    "desk.person.title": {"zh-CN": "人员账号", "en": "Account"},
    "desk.person.missing": {"zh-CN": "找不到这个人员", "en": "Person not found"},
    "desk.person.manage": {"zh-CN": "管理", "en": "Manage"},
    "desk.person.active": {"zh-CN": "账号在用", "en": "Active"},
    "desk.person.inactive": {"zh-CN": "账号已停用", "en": "Deactivated"},
    "desk.person.devices": {"zh-CN": "设备", "en": "Devices"},
    "desk.person.no_devices": {"zh-CN": "还没有登录过任何设备", "en": "Not signed in on any device yet"},
    "desk.person.revoke": {"zh-CN": "注销此设备", "en": "Sign this device out"},
    "desk.person.revoke_hint": {
        "zh-CN": "手机丢失或转交他人时，注销该设备：它立即无法再同步，本人换手机后重新登录即可",
        "en": "If a phone is lost or handed on, sign it out: it can no longer sync; the owner logs in again "
              "on a new phone"},
    "desk.person.revoked": {"zh-CN": "已注销该设备（{count}个登录）",
                            "en": "Device signed out ({count} sign-ins)"},
    "desk.person.account": {"zh-CN": "账号", "en": "Account"},
    "desk.person.deactivate": {"zh-CN": "停用账号", "en": "Deactivate"},
    "desk.person.activate": {"zh-CN": "重新启用账号", "en": "Activate again"},
    "desk.person.deactivate_title": {"zh-CN": "停用{name}的账号？", "en": "Deactivate {name}?"},
    "desk.person.deactivate_hint": {
        "zh-CN": "停用后不能再登录，所有设备立即停止同步；已上传的记录都保留，可随时重新启用",
        "en": "They can no longer log in and every device stops syncing; everything already sent is kept. "
              "You can activate the account again at any time"},
    "desk.person.deactivated": {"zh-CN": "账号已停用（注销了{count}个登录）",
                                "en": "Deactivated ({count} sign-ins ended)"},
    "desk.person.activated": {"zh-CN": "账号已重新启用，请本人重新登录",
                              "en": "Active again; they log in anew"},
    "desk.person.new_password": {"zh-CN": "新密码（至少6位）", "en": "New password (6+ characters)"},
    "desk.person.set_password": {"zh-CN": "设置新密码", "en": "Set password"},
    "desk.person.password_hint": {
        "zh-CN": "设置新密码后，本人在每部手机上都要用新密码重新登录；手机上未上传的记录不会丢失",
        "en": "After a new password they log in again on each phone; nothing unsent on a phone is lost"},
    "desk.person.password_set": {"zh-CN": "新密码已设置（注销了{count}个登录）",
                                 "en": "Password set ({count} sign-ins ended)"},
    "desk.person.grids": {"zh-CN": "负责网格", "en": "Grids"},
    "desk.person.grids_hint": {
        "zh-CN": "调出的网格会从其手机上移除（还没上传的记录先上传并给出结果）；"
                 "调入的网格在下次同步时全部下载",
        "en": "Grids taken away leave the phone (unsent work is sent and answered first); grids added arrive "
              "in full at the next sync"},
    "desk.person.save_grids": {"zh-CN": "保存网格", "en": "Save grids"},
    "desk.person.grids_saved": {"zh-CN": "网格已保存", "en": "Grids saved"},
    "desk.col.device": {"zh-CN": "设备", "en": "Device"},
    "desk.col.signed_in": {"zh-CN": "登录状态", "en": "Sign-in"},
    "desk.person.signed_in": {"zh-CN": "已登录", "en": "Signed in"},
    "desk.person.signed_out": {"zh-CN": "已注销", "en": "Signed out"},
    "desk.nav.audit": {"zh-CN": "审计日志", "en": "Audit log"},
    "desk.audit.help": {"zh-CN": "最近{n}条：谁查看了哪户重点人群的档案或走访记录，谁调整了哪个账号",
                        "en": "The latest {n}: who read which special household's record or visit, "
                              "who changed which account"},
    "desk.audit.none": {"zh-CN": "还没有记录", "en": "Nothing yet"},
    "desk.col.time": {"zh-CN": "时间", "en": "Time"},
    "desk.col.actor": {"zh-CN": "操作人", "en": "By"},
    "desk.col.action": {"zh-CN": "操作", "en": "Action"},
    "desk.col.about": {"zh-CN": "对象", "en": "About"},
    "desk.col.detail": {"zh-CN": "说明", "en": "Detail"},
    "desk.audit.action.read_household": {"zh-CN": "查看重点户档案", "en": "Read a special household"},
    "desk.audit.action.read_entry": {"zh-CN": "查看重点户走访记录", "en": "Read a special household's visit"},
    "desk.audit.action.account_revoke": {"zh-CN": "注销设备", "en": "Signed a device out"},
    "desk.audit.action.account_deactivate": {"zh-CN": "停用账号", "en": "Deactivated an account"},
    "desk.audit.action.account_activate": {"zh-CN": "启用账号", "en": "Activated an account"},
    "desk.audit.action.account_password": {"zh-CN": "设置新密码", "en": "Set a new password"},
    "desk.audit.action.account_grids": {"zh-CN": "调整网格", "en": "Changed grids"},
    "desk.audit.signed_out": {"zh-CN": "注销{count}个登录", "en": "{count} sign-ins ended"},
    "desk.audit.grids": {"zh-CN": "调入{added}个网格，调出{removed}个",
                         "en": "{added} grids added, {removed} removed"},
    "error.self": {"zh-CN": "不能停用自己的账号", "en": "You cannot deactivate yourself"},
    "error.no_grids": {"zh-CN": "只有网格员负责网格", "en": "Only grid workers have grids"},
}
