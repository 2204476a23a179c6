"""Reading an org file (the area tree, departments, known staff) into an OrgSpec.

Two formats, picked by the file's suffix.

YAML (``.yaml``/``.yml``), see bot/examples/org.yaml::

    areas:          # a nested tree; kind: district|street|community|grid|building
      - code: SHUANGTA          # unique; stored upper case; letters, digits, - and _
        name: 双塔区
        kind: district
        parent: CHAOYANG        # optional, top entries only: an area already in the store
        children:
          - {code: ZHANNAN, name: 站南街道, kind: street, children: [...]}
    departments:    # optional; without this key DEFAULT_DEPARTMENTS are added (if missing)
      - {code: heating, name: 供暖, name_en: Heating}
    members:        # optional: people known in advance; most people join by invite instead
      - name: 杨超
        platform: telegram      # telegram | webchat
        user_id: "2001"         # telegram: the numeric user id
        locale: zh_CN           # optional: zh_CN | en
        roles:                  # a models.org.Role; department only (and always) for liaison
          - {role: worker, area: G0102}
          - {role: liaison, area: ZHANNAN, department: heating}

CSV (``.csv``, UTF-8 with or without BOM): areas only, one per row, header
``code,name,kind,parent`` (parent empty for a root; extra columns are ignored). The default
departments are added as for a YAML file without ``departments:``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from models.org.entry import Entry, OrgFileError
from models.org.fields import area_row, department_row, member_row
from models.org.rules import check_no_duplicates
from models.org.spec import OrgSpec
from models.org.yaml_file import read_yaml

CSV_COLUMNS = ("code", "name", "kind", "parent")


def _read_csv(text: str) -> list[Entry]:
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip().lower() for cell in next(reader, [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise OrgFileError(1, f"the header needs columns {','.join(CSV_COLUMNS)}; missing "
                              f"{','.join(missing)} / 表头缺少列 {','.join(missing)}")
    index = {column: header.index(column) for column in CSV_COLUMNS}
    rows = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # spreadsheets leave blank rows behind
            values = {c: (cells[i] if i < len(cells) else "") for c, i in index.items()}
            rows.append(Entry(reader.line_num, values))  # line_num: where this record ended
    except csv.Error as exc:
        raise OrgFileError(reader.line_num, f"not valid CSV / CSV 格式错误: {exc}") from None
    return rows


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise OrgFileError(line, "not UTF-8 text; save it as 'CSV UTF-8' "
                                 "/ 文件不是 UTF-8 编码，请另存为“CSV UTF-8”") from None


def read_org_file(path: Path) -> OrgSpec:
    """Parse and check everything that does not need the store."""
    suffix = path.suffix.lower()
    if suffix not in {".yaml", ".yml", ".csv"}:
        raise OrgFileError(None, "the file must end in .yaml, .yml or .csv / 文件类型不支持")
    text = _decode(path)
    if suffix == ".csv":
        areas, departments, members = _read_csv(text), None, []
    else:
        areas, departments, members = read_yaml(text)
    # Areas, then members, then departments: the order a bad file reports its first error in.
    spec = OrgSpec([area_row(e) for e in areas], None, [member_row(e) for e in members])
    if departments is not None:
        spec.departments = [department_row(e) for e in departments]
    check_no_duplicates(spec)
    return spec
