"""Household import from Excel/CSV: good files, every kind of bad row, masking."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from fieldapp.domain.checks import MASKED_ID_RE
from fieldapp.domain.records import validate_record
from server.importer import HEADERS, parse_households, template_csv, template_workbook

GRIDS = {"第一网格": "11111111-1111-4111-8111-111111111111",
         "第二网格": "22222222-2222-4222-8222-222222222222"}
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def full_id(first17: str) -> str:
    """An 18-digit number with a correct check character (GB 11643)."""
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


GOOD_ID = full_id("22010419460315124")
GOOD_ROWS = [
    ["第一网格", "幸福小区", "3栋", "2单元", "301", "王桂兰", "13904311234", GOOD_ID, "1946",
     "孤寡、残疾", "", "耳背"],
    ["第一网格", "幸福小区", "3栋", "2单元", "302", "李建国", "135 0431 7788", "", "1951", "empty_nest",
     "张秀英/配偶/1953", ""],
    ["第二网格", "红旗街", "12号楼", "1单元", "502", "刘海涛", "", "2201**********1234", "", "",
     "陈丽/妻子/1980/18643125566；刘浩然/子女/2008", "子女上学"],
]


def write_xlsx(path: Path, rows: list[list]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "住户"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8-sig") -> Path:
    lines = [",".join(HEADERS)] + [",".join(f'"{c}"' for c in row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def test_good_xlsx_gives_valid_households(tmp_path):
    result = parse_households(write_xlsx(tmp_path / "a.xlsx", GOOD_ROWS), GRIDS)
    assert result.errors == []
    assert len(result.records) == 3
    first, second, third = result.records
    assert first["grid_id"] == GRIDS["第一网格"] and third["grid_id"] == GRIDS["第二网格"]
    assert first["address"] == {"street": "幸福小区", "building": "3栋", "unit": "2单元", "room": "301"}
    assert first["tags"] == ["living_alone", "disabled"]
    assert second["members"][1] == {"name": "张秀英", "relation": "spouse", "birth_year": 1953}
    assert second["members"][0]["phone"] == "13504317788"
    assert [m["relation"] for m in third["members"]] == ["head", "spouse", "child"]
    assert third["members"][1]["phone"] == "18643125566"
    for record in result.records:
        fields = {k: v for k, v in record.items() if k != "id"}
        assert validate_record("household", fields) == fields


def test_full_id_numbers_are_masked_before_anything_is_kept(tmp_path):
    result = parse_households(write_xlsx(tmp_path / "a.xlsx", GOOD_ROWS), GRIDS)
    masked = result.records[0]["members"][0]["id_number"]
    assert MASKED_ID_RE.match(masked) and masked == GOOD_ID[:4] + "*" * 10 + GOOD_ID[-4:]
    assert GOOD_ID not in repr(result) and GOOD_ID[4:14] not in repr(result)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_good_csv_in_each_encoding(tmp_path, encoding):
    result = parse_households(write_csv(tmp_path / "a.csv", GOOD_ROWS, encoding), GRIDS)
    assert result.errors == []
    assert [r["head_name"] for r in result.records] == ["王桂兰", "李建国", "刘海涛"]
    assert result.records[0]["tags"] == ["living_alone", "disabled"]


def test_numbers_typed_as_excel_numbers_are_read_as_text(tmp_path):
    row = ["第一网格", "幸福小区", 3, 2, 301, "赵淑珍", 13904311234, "", 1950, "", "", ""]
    result = parse_households(write_xlsx(tmp_path / "a.xlsx", [row]), GRIDS)
    assert result.errors == []
    record = result.records[0]
    assert record["address"]["room"] == "301" and record["address"]["building"] == "3"
    assert record["members"][0] == {"name": "赵淑珍", "relation": "head", "birth_year": 1950,
                                    "phone": "13904311234"}


def bad(row_changes: dict[int, object]) -> list:
    row = list(GOOD_ROWS[1])
    for index, value in row_changes.items():
        row[index] = value
    return row


BAD_ROWS = [  # (what is wrong, the row, the column reported, words the reason must contain)
    ("head missing", bad({5: ""}), "户主姓名", "必填"),
    ("grid missing", bad({0: ""}), "网格", "必填"),
    ("unknown grid", bad({0: "第九网格"}), "网格", "未知网格“第九网格”"),
    ("building missing", bad({2: " "}), "楼栋", "必填"),
    ("id too short", bad({7: "22010419460315"}), "身份证号", "18位"),
    ("id bad check digit", bad({7: GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")}),
     "身份证号", "校验位"),
    ("id typed as a number", bad({7: 220104194603151240}), "身份证号", "文本格式"),
    ("unknown tag", bad({9: "空巢、困难户"}), "标签", "未知标签“困难户”"),
    ("bad phone", bad({6: "call me"}), "电话", "电话号码格式不对"),
    ("bad birth year", bad({8: "1851"}), "出生年份", "1900"),
    ("bad member relation", bad({10: "张秀英/邻居/1953"}), "成员(第1人)", "未知关系“邻居”"),
    ("bad member year", bad({10: "张秀英/配偶/五三年"}), "成员(第1人)", "出生年份"),
    ("too many member parts", bad({10: "张秀英/配偶/1953/139/x"}), "成员(第1人)", "格式应为"),
    ("head name too long", bad({5: "长" * 51}), "户主姓名", "太长"),
    ("birth year not the ID's", bad({7: GOOD_ID, 8: "1950"}), "出生年份", "身份证号中的出生年份（1946）"),
]


@pytest.mark.parametrize("what,row,column,words", BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_each_bad_row_is_reported_with_its_row_number_and_reason(tmp_path, what, row, column, words):
    rows = [GOOD_ROWS[0], [""] * 12, row, GOOD_ROWS[2]]  # a blank row: Excel numbering still counts it
    result = parse_households(write_xlsx(tmp_path / "a.xlsx", rows), GRIDS)
    assert len(result.errors) == 1, result.errors
    error = result.errors[0]
    assert (error.row, error.field) == (4, column)
    assert words in error.reason
    assert str(error).startswith(f"第4行 {column}: ")
    assert len(result.records) == 2  # the good rows parse; the caller imports nothing (errors non-empty)


def test_duplicate_address_within_the_file(tmp_path):
    again = list(GOOD_ROWS[0])
    again[5] = "王桂芝"
    again[3] = " 2单元 "
    result = parse_households(write_xlsx(tmp_path / "a.xlsx", GOOD_ROWS + [again]), GRIDS)
    assert [str(e) for e in result.errors] == ["第5行 楼栋: 地址与第2行重复"]
    other_grid = list(again)
    other_grid[0] = "第二网格"
    assert parse_households(write_xlsx(tmp_path / "b.xlsx", GOOD_ROWS + [other_grid]), GRIDS).errors == []


def test_every_bad_row_is_reported_not_only_the_first(tmp_path):
    rows = [bad({5: ""}), GOOD_ROWS[0], bad({0: "第九网格"}), bad({9: "困难户"})]
    result = parse_households(write_csv(tmp_path / "a.csv", rows), GRIDS)
    assert [(e.row, e.field) for e in result.errors] == [(2, "户主姓名"), (4, "网格"), (5, "标签")]


def test_missing_required_column_is_reported_on_the_header_row(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("网格,楼栋,电话\n第一网格,3栋,139\n", encoding="utf-8")
    result = parse_households(path, GRIDS)
    assert [str(e) for e in result.errors] == ["第1行 户主姓名: 缺少此列（请使用导入模板的表头）"]
    assert result.records == []


@pytest.mark.parametrize("name,data", [("a.xlsx", b"not a zip file"), ("a.txt", b"hello"),
                                       ("a.xlsx", b"PK\x03\x04broken")])
def test_unreadable_or_wrong_kind_of_file_is_an_error_not_a_crash(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    result = parse_households(path, GRIDS)
    assert result.records == [] and len(result.errors) == 1
    assert result.errors[0].row == 0 and result.errors[0].field == "文件"


def test_empty_file_and_header_only_file(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert parse_households(empty, GRIDS).errors[0].reason == "文件是空的"
    only_header = tmp_path / "header.csv"
    only_header.write_text(template_csv(), encoding="utf-8")
    assert parse_households(only_header, GRIDS).errors[0].reason == "没有可导入的住户"


def test_templates_round_trip(tmp_path):
    book = load_workbook(io.BytesIO(template_workbook()))
    assert book.sheetnames == ["住户", "示例", "说明"]
    assert [c.value for c in book["住户"][1]] == HEADERS
    examples = [[c.value for c in row] for row in book["示例"].iter_rows(min_row=2)]
    assert len(examples) == 3
    for row in examples:
        book["住户"].append(row)
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    result = parse_households(filled, GRIDS)
    assert result.errors == [] and len(result.records) == 3
    csv_path = tmp_path / "example.csv"
    csv_path.write_text(template_csv(examples=True), encoding="utf-8")
    assert [r["head_name"] for r in parse_households(csv_path, GRIDS).records] == [
        r["head_name"] for r in result.records]


def test_committed_templates_match_the_generator():
    folder = Path(__file__).resolve().parents[2] / "docs" / "templates"
    assert (folder / "households-template.csv").read_bytes().decode("utf-8-sig") == template_csv()
    example = (folder / "households-example.csv").read_bytes().decode("utf-8-sig")
    assert example == template_csv(examples=True)
    book = load_workbook(folder / "households-template.xlsx")
    assert [c.value for c in book["住户"][1]] == HEADERS


def test_a_title_row_above_the_header_is_allowed_and_row_numbers_stay_excel_numbers(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["幸福社区住户登记表"])
    sheet.append(HEADERS)
    sheet.append(GOOD_ROWS[0])
    sheet.append(bad({5: ""}))
    path = tmp_path / "titled.xlsx"
    book.save(path)
    result = parse_households(path, GRIDS)
    assert [str(e) for e in result.errors] == ["第4行 户主姓名: 必填"]
    assert [r["head_name"] for r in result.records] == ["王桂兰"]


def test_birth_year_is_read_from_a_full_id_number_when_left_empty(tmp_path):
    row = bad({7: GOOD_ID, 8: ""})
    result = parse_households(write_xlsx(tmp_path / "a.xlsx", [row]), GRIDS)
    assert result.errors == []
    assert result.records[0]["members"][0]["birth_year"] == 1946
