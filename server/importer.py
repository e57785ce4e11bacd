"""Import households (一户一档) from the community's Excel or CSV register.

`parse_households(path, grids_by_name)` reads a .xlsx (first sheet, or the
sheet named 住户) or a .csv (UTF-8 with or without BOM, else GB18030) laid out
as the template (`template_workbook()`, `template_csv()`, docs/IMPORT.md) and
returns the household records plus every bad row with its Excel row number
and a reason in Chinese. The caller imports nothing unless `errors` is empty.
Full ID numbers are masked here, before anything is kept.

Write the templates: `python -m server.importer docs/templates`
"""
from __future__ import annotations

import csv
import io
import re
import sys
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fieldapp.domain.checks import mask_id_number
from fieldapp.domain.enums import Relation, Tag
from fieldapp.domain.errors import ValidationError
from fieldapp.domain.labels import LABELS as DOMAIN_LABELS
from fieldapp.domain.records import validate_record

MAX_ROWS = 20_000
HEADER_SEARCH_ROWS = 5
SHEET_NAME = "住户"
GRID, STREET, BUILDING, UNIT, ROOM = "网格", "小区/街路", "楼栋", "单元", "室"
HEAD, PHONE, ID_NUMBER, BIRTH_YEAR = "户主姓名", "电话", "身份证号", "出生年份"
TAGS, MEMBERS, NOTES = "标签", "成员", "备注"
HEADERS = [GRID, STREET, BUILDING, UNIT, ROOM, HEAD, PHONE, ID_NUMBER, BIRTH_YEAR, TAGS, MEMBERS, NOTES]
REQUIRED_HEADERS = [GRID, BUILDING, HEAD]
HEADER_ALIASES = {"小区": STREET, "街路": STREET, "小区/街道": STREET, "楼号": BUILDING, "楼": BUILDING,
                  "栋": BUILDING, "房间": ROOM, "房号": ROOM, "户主": HEAD, "姓名": HEAD,
                  "联系电话": PHONE, "手机": PHONE, "手机号": PHONE, "身份证": ID_NUMBER,
                  "重点人群": TAGS, "家庭成员": MEMBERS}

TAG_ALIASES = {"孤寡老人": Tag.LIVING_ALONE, "独居": Tag.LIVING_ALONE, "独居老人": Tag.LIVING_ALONE,
               "空巢老人": Tag.EMPTY_NEST, "残疾人": Tag.DISABLED, "低保户": Tag.LOW_INCOME,
               "失独家庭": Tag.BEREAVED_ONLY_CHILD, "社区矫正对象": Tag.COMMUNITY_CORRECTION,
               "严重精神障碍": Tag.SEVERE_MENTAL_ILLNESS, "精神障碍患者": Tag.SEVERE_MENTAL_ILLNESS,
               "优抚对象": Tag.ENTITLED_GROUP}
RELATION_ALIASES = {"妻子": Relation.SPOUSE, "丈夫": Relation.SPOUSE, "妻": Relation.SPOUSE,
                    "夫": Relation.SPOUSE, "儿子": Relation.CHILD, "女儿": Relation.CHILD,
                    "子": Relation.CHILD, "女": Relation.CHILD, "父亲": Relation.PARENT,
                    "母亲": Relation.PARENT, "孙子": Relation.GRANDCHILD, "孙女": Relation.GRANDCHILD,
                    "外孙": Relation.GRANDCHILD, "外孙女": Relation.GRANDCHILD, "兄弟": Relation.SIBLING,
                    "姐妹": Relation.SIBLING, "哥哥": Relation.SIBLING, "弟弟": Relation.SIBLING,
                    "姐姐": Relation.SIBLING, "妹妹": Relation.SIBLING}
LIST_SPLIT = re.compile(r"[、,，;；\s]+")
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class RowError:
    row: int  # the row number as Excel shows it (1 = header row)
    field: str  # the column header, e.g. 户主姓名
    reason: str  # in Chinese, e.g. 必填

    def __str__(self) -> str:
        return f"第{self.row}行 {self.field}: {self.reason}"


@dataclass
class ImportResult:
    records: list[dict[str, Any]] = field(default_factory=list)  # household records, each with "id"
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class CellError(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def _label(key: str) -> str:
    return DOMAIN_LABELS[key]["zh-CN"]


def _lookup(enum: type, prefix: str, aliases: dict[str, Any]) -> dict[str, str]:
    """Chinese label, English label, wire code and common aliases -> wire code."""
    table = {str(k): str(v) for k, v in aliases.items()}
    for member in enum:
        labels = DOMAIN_LABELS[f"{prefix}.{member.value}"]
        for name in (labels["zh-CN"], labels["en"].lower(), member.value):
            table[name] = member.value
    return table


TAG_CODES = _lookup(Tag, "tag", TAG_ALIASES)
RELATION_CODES = _lookup(Relation, "relation", RELATION_ALIASES)


# ------------------------------------------------------------------ reading


def _cell_text(value: Any) -> str:
    """Excel hands numbers back as int/float: 301.0 is the room "301"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def _read_xlsx(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book[SHEET_NAME] if SHEET_NAME in book.sheetnames else book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        book.close()


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")  # what Excel on a Chinese Windows writes


def _read_csv(path: Path) -> list[list[Any]]:
    text = _decode(path.read_bytes())
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _read_rows(path: Path) -> list[list[Any]]:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix == ".csv":
        return _read_csv(path)
    raise CellError("文件", f"不支持的文件类型 {suffix or '(无扩展名)'}，请使用 .xlsx 或 .csv")


def _header_map(header: list[Any]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = _cell_text(raw).replace(" ", "").replace("*", "")
        name = HEADER_ALIASES.get(name, name)
        if name in HEADERS and name not in columns:
            columns[name] = index
    missing = [h for h in REQUIRED_HEADERS if h not in columns]
    if missing:
        raise CellError(missing[0], "缺少此列（请使用导入模板的表头）")
    return columns


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]]:
    """The header row: the first, or one of the first few under a title such as 住户登记表."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        try:
            return index, _header_map(row)
        except CellError:
            continue
    _header_map(rows[0])  # raises with the column the first row lacks
    raise AssertionError("unreachable")


# ------------------------------------------------------------------ one row


def _id_number(raw: Any) -> tuple[str, int | None]:
    """(masked number, birth year read from a full number — or None once masked)."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raise CellError(ID_NUMBER, "请以文本格式填写身份证号（数字格式会丢失末几位）")
    text = _cell_text(raw).replace(" ", "").upper()
    born = None
    if re.fullmatch(r"[0-9]{17}[0-9X]", text):
        total = sum(int(d) * w for d, w in zip(text[:17], ID_WEIGHTS, strict=True))
        if ID_CHECK[total % 11] != text[17]:
            raise CellError(ID_NUMBER, "身份证号校验位不对，请核对")
        born = int(text[6:10])
    try:
        return mask_id_number(text), born
    except ValidationError:
        raise CellError(ID_NUMBER, "身份证号应为18位（可已脱敏，如 2201**********1234）") from None


def _birth_year(raw: Any, column: str = BIRTH_YEAR) -> int:
    text = _cell_text(raw).removesuffix("年")
    this_year = datetime.now(UTC).year
    if not text.isdigit() or not 1900 <= int(text) <= this_year:
        raise CellError(column, f"出生年份应为1900到{this_year}之间的四位数字")
    return int(text)


def _phone(raw: Any, column: str = PHONE) -> str:
    text = _cell_text(raw).replace(" ", "").replace("-", "")
    if not re.fullmatch(r"\+?[0-9]{7,15}", text):
        raise CellError(column, f"电话号码格式不对：{text[:20]}")
    return text


def _tags(raw: Any) -> list[str]:
    out: list[str] = []
    for word in LIST_SPLIT.split(_cell_text(raw)):
        if not word:
            continue
        code = TAG_CODES.get(word) or TAG_CODES.get(word.lower())
        if code is None:
            known = "、".join(_label(f"tag.{t.value}") for t in Tag)
            raise CellError(TAGS, f"未知标签“{word}”（可选：{known}）")
        if code not in out:
            out.append(code)
    return out


def _members(raw: Any) -> list[dict[str, Any]]:
    """"姓名/关系/出生年份[/电话];…" — relation and year may be left empty."""
    members = []
    for number, part in enumerate(p for p in re.split(r"[;；\n]+", _cell_text(raw)) if p.strip()):
        bits = [b.strip() for b in re.split(r"[/／]", part)]
        where = f"{MEMBERS}(第{number + 1}人)"
        if not bits[0] or len(bits) > 4:
            raise CellError(where, "格式应为 姓名/关系/出生年份，多人用分号隔开")
        member: dict[str, Any] = {"name": bits[0]}
        if len(bits) > 1 and bits[1]:
            relation = RELATION_CODES.get(bits[1]) or RELATION_CODES.get(bits[1].lower())
            if relation is None:
                raise CellError(where, f"未知关系“{bits[1]}”（如 配偶、子女、父母、孙辈）")
            member["relation"] = relation
        if len(bits) > 2 and bits[2]:
            member["birth_year"] = _birth_year(bits[2], where)
        if len(bits) > 3 and bits[3]:
            member["phone"] = _phone(bits[3], where)
        members.append(member)
    return members


def _value(row: list[Any], columns: dict[str, int], name: str) -> Any:
    index = columns.get(name)
    return row[index] if index is not None and index < len(row) else None


def _household(row: list[Any], columns: dict[str, int], grids_by_name: dict[str, str],
               created_at: str) -> dict[str, Any]:
    def text(name: str) -> str:
        return _cell_text(_value(row, columns, name))

    grid_name = text(GRID)
    if not grid_name:
        raise CellError(GRID, "必填")
    if grid_name not in grids_by_name:
        raise CellError(GRID, f"未知网格“{grid_name}”（可选：{'、'.join(grids_by_name) or '无'}）")
    if not text(HEAD):
        raise CellError(HEAD, "必填")
    if not text(BUILDING):
        raise CellError(BUILDING, "必填")
    head: dict[str, Any] = {"name": text(HEAD), "relation": Relation.HEAD.value}
    if text(PHONE):
        head["phone"] = _phone(_value(row, columns, PHONE))
    born_by_id = None
    if text(ID_NUMBER):
        head["id_number"], born_by_id = _id_number(_value(row, columns, ID_NUMBER))
    if text(BIRTH_YEAR):
        head["birth_year"] = _birth_year(_value(row, columns, BIRTH_YEAR))
        if born_by_id and born_by_id != head["birth_year"]:
            raise CellError(BIRTH_YEAR, f"与身份证号中的出生年份（{born_by_id}）不符")
    elif born_by_id:
        head["birth_year"] = _birth_year(str(born_by_id), ID_NUMBER)  # read from the full number
    others = [m for m in _members(_value(row, columns, MEMBERS))
              if not (m["name"] == head["name"] and m.get("relation", "head") == "head")]
    address = {"street": text(STREET), "building": text(BUILDING), "unit": text(UNIT), "room": text(ROOM)}
    return {
        "grid_id": grids_by_name[grid_name], "address": address, "head_name": head["name"],
        "members": [head] + others, "tags": _tags(_value(row, columns, TAGS)), "notes": text(NOTES),
        "created_at": created_at, "archived": False,
    }


FIELD_COLUMNS = {"grid_id": GRID, "head_name": HEAD, "notes": NOTES, "tags": TAGS,
                 "address.building": BUILDING, "address.unit": UNIT, "address.room": ROOM,
                 "address.street": STREET}


def _check(record: dict[str, Any]) -> dict[str, Any]:
    """The domain's own validation, its error put in the row's words."""
    try:
        return validate_record("household", record)
    except ValidationError as err:
        path = err.field.removeprefix("address.") if err.field.startswith("address.") else err.field
        column = FIELD_COLUMNS.get(err.field) or (MEMBERS if err.field.startswith("members") else path)
        label = DOMAIN_LABELS.get(f"error.{err.code}", {}).get("zh-CN", err.code)
        raise CellError(column, label.format(detail=err.detail) if "{detail}" in label else label) from None


def _address_key(record: dict[str, Any]) -> tuple[str, ...]:
    a = record["address"]
    parts = (re.sub(r"\s+", "", a.get(k, "")) for k in ("street", "building", "unit", "room"))
    return (record["grid_id"], *parts)


def parse_households(path: str | Path, grids_by_name: dict[str, str]) -> ImportResult:
    """Every valid row becomes a household record (with a new "id"); every bad
    row an error. Import nothing unless `errors` is empty."""
    result = ImportResult()
    try:
        rows = _read_rows(Path(path))
    except CellError as problem:
        return ImportResult(errors=[RowError(0, problem.column, problem.reason)])
    except Exception as exc:  # a broken or mislabelled file: say so, never crash
        reason = f"无法读取文件（{type(exc).__name__}），请另存为 .xlsx 或 UTF-8 的 .csv"
        return ImportResult(errors=[RowError(0, "文件", reason)])
    if not rows:
        return ImportResult(errors=[RowError(1, "文件", "文件是空的")])
    if len(rows) > MAX_ROWS + 1:
        return ImportResult(errors=[RowError(0, "文件", f"一次最多导入{MAX_ROWS}户，请分批导入")])
    try:
        header_at, columns = _find_header(rows)
    except CellError as problem:
        return ImportResult(errors=[RowError(1, problem.column, problem.reason)])
    created_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    seen: dict[tuple[str, ...], int] = {}
    for number, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        if all(_cell_text(v) == "" for v in row):
            continue
        try:
            record = _check(_household(row, columns, grids_by_name, created_at))
        except CellError as problem:
            result.errors.append(RowError(number, problem.column, problem.reason))
            continue
        key = _address_key(record)
        if key in seen:
            result.errors.append(RowError(number, BUILDING, f"地址与第{seen[key]}行重复"))
            continue
        seen[key] = number
        result.records.append({"id": str(uuid.uuid4()), **record})
    if not result.records and not result.errors:
        result.errors.append(RowError(2, "文件", "没有可导入的住户"))
    return result


# ------------------------------------------------------------------ templates

EXAMPLE_ROWS: list[list[str]] = [
    ["第一网格", "幸福小区", "3栋", "2单元", "301", "王桂兰", "13904311234", "2201**********1246",
     "1946", "孤寡、残疾", "", "耳背，敲门要大声"],
    ["第一网格", "幸福小区", "3栋", "2单元", "302", "李建国", "13504317788", "", "1951",
     "空巢", "张秀英/配偶/1953", "子女在外地"],
    ["第二网格", "红旗街", "12号楼", "1单元", "502", "刘海涛", "18643125566", "", "1978",
     "", "陈丽/配偶/1980;刘浩然/子女/2008", ""],
]
INSTRUCTIONS = [
    ("网格", "必填。与系统中的网格名称完全一致，如“第一网格”。"),
    ("小区/街路", "选填。如“幸福小区”“红旗街”。"),
    ("楼栋", "必填。如“3栋”“12号楼”。"),
    ("单元、室", "选填。如“2单元”“301”。同一网格内地址不能重复。"),
    ("户主姓名", "必填。"),
    ("电话", "选填。手机或固话，只填数字。"),
    ("身份证号", "选填。18位，请设为文本格式；系统只保存脱敏后的号码（如 2201**********1234）。"),
    ("出生年份", "选填。户主的出生年份，四位数字，如 1946。"),
    ("标签", "选填。重点人群，多个用顿号或逗号隔开：" + "、".join(_label(f"tag.{t.value}") for t in Tag)),
    ("成员", "选填。户主以外的家庭成员：姓名/关系/出生年份[/电话]，多人用分号隔开，"
             "如“张秀英/配偶/1953;李浩/子女/1980”。关系：配偶、子女、父母、孙辈、兄弟姐妹、其他。"),
    ("备注", "选填。"),
    ("导入规则", "任何一行有错误时整个文件都不会导入；请按提示（第几行、哪一列、原因）改正后重新导入。"),
]


def template_workbook() -> bytes:
    """The .xlsx template: an empty 住户 sheet to fill in, 示例 and 说明 beside it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_NAME
    examples = book.create_sheet("示例")
    for target in (sheet, examples):
        target.append(HEADERS)
        for cell in target[1]:
            cell.font = Font(bold=True)
            if cell.value in REQUIRED_HEADERS:
                cell.fill = PatternFill("solid", fgColor="FFF2CC")
        for index, width in enumerate([10, 14, 8, 8, 8, 10, 14, 22, 9, 16, 34, 20]):
            column = target.column_dimensions[chr(ord("A") + index)]
            column.width = width
            column.number_format = "@"  # text: keeps ID numbers whole and leading zeros
        target.freeze_panes = "A2"
    for row in EXAMPLE_ROWS:
        examples.append(row)
    notes = book.create_sheet("说明")
    notes.append(["列", "填写说明"])
    for item in INSTRUCTIONS:
        notes.append(list(item))
    notes.column_dimensions["A"].width = 12
    notes.column_dimensions["B"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv(examples: bool = False) -> str:
    """The CSV template (header row; with `examples`, three example rows too)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    if examples:
        writer.writerows(EXAMPLE_ROWS)
    return out.getvalue()


def write_templates(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "households-template.xlsx": template_workbook(),
        # with a BOM so Excel on Windows opens the UTF-8 file with the right characters
        "households-template.csv": ("\ufeff" + template_csv()).encode("utf-8"),
        "households-example.csv": ("\ufeff" + template_csv(examples=True)).encode("utf-8"),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in files]


if __name__ == "__main__":
    for written in write_templates(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/templates")):
        print(written)
