"""Writes and reads .xlsx workbooks with openpyxl, as an office's spreadsheet program would.

Usage:
  office-xlsx.py write OUT.xlsx ROWS.json [--title TITLE] [--sheet NAME] [--dates COLUMNS]
      ROWS.json: a list of rows (lists of cells). A cell "@date:2026-12-31" is written as a real
      date cell (a serial number with a date format, as Excel stores one), "@int:3" as a number.
      --title: a merged title row above the rows, across their width, as offices put one.
      A first sheet named "说明" (notes) comes before the data sheet when --sheet is given.
  office-xlsx.py read IN.xlsx
      Prints each row of the first sheet as a JSON list (dates as YYYY-MM-DD), to check an export.
Invented names only.
"""
import datetime
import json
import sys

import openpyxl
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Font


def cell_value(text):
    if isinstance(text, str) and text.startswith("@date:"):
        return datetime.datetime.strptime(text[6:], "%Y-%m-%d")
    if isinstance(text, str) and text.startswith("@int:"):
        return int(text[5:])
    if isinstance(text, str) and text.startswith("@rich:"):
        # Rich text: the first character bold, as offices mark a word.
        body = text[6:]
        return CellRichText(TextBlock(InlineFont(b=True), body[:1]), body[1:])
    return text


def write(out, rows_file, title, sheet_name):
    with open(rows_file, encoding="utf-8") as f:
        rows = json.load(f)
    book = openpyxl.Workbook()
    sheet = book.active
    if sheet_name:
        sheet.title = "说明"
        sheet["A1"] = "本表由示例县卫生健康局填报"
        sheet = book.create_sheet(sheet_name)
    else:
        sheet.title = "整改台账"
    start = 1
    width = max(len(row) for row in rows)
    if title:
        sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=16)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        start = 2
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text == "" or text is None:
                continue
            cell = sheet.cell(row=start + r, column=c + 1, value=cell_value(text))
            if isinstance(cell.value, datetime.datetime):
                cell.number_format = "yyyy\"年\"m\"月\"d\"日\""
            if isinstance(text, str) and "\n" in text:
                cell.alignment = Alignment(wrap_text=True)
    book.save(out)


def read(path):
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(values_only=True):
        print(json.dumps([("" if v is None else v.strftime("%Y-%m-%d") if isinstance(v, datetime.datetime) else str(v))
                          for v in row], ensure_ascii=False))


if sys.argv[1] == "write":
    args = sys.argv[2:]
    title = args[args.index("--title") + 1] if "--title" in args else None
    sheet_name = args[args.index("--sheet") + 1] if "--sheet" in args else None
    write(args[0], args[1], title, sheet_name)
else:
    read(sys.argv[2])
