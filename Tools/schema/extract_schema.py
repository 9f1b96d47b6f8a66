#!/usr/bin/env python3
"""Extract the .tflite schema's facts (enums, union members, table fields with ids,
types and defaults) from TensorFlow's generated Python schema module, as JSON.

Usage: extract_schema.py PATH/TO/schema_py_generated.py > schema.json
The Swift catalogue is then written by generate_swift.py from that JSON.
"""
import json
import re
import sys

src = open(sys.argv[1]).read()

def camel_to_snake(name):
    s = re.sub(r'(?<=[a-z0-9])([A-Z])', r'_\1', name)
    s = re.sub(r'(?<=[A-Z])([A-Z][a-z])', r'_\1', s)
    return s.lower()

# Enums and unions: "class X(object):" followed by "    NAME = value" lines only.
enums = {}
for m in re.finditer(r'^class (\w+)\(object\):\n((?:    \w+ = -?\d+\n)+)', src, re.M):
    enums[m.group(1)] = [(k, int(v)) for k, v in re.findall(r'    (\w+) = (-?\d+)', m.group(2))]

tables = {}
for m in re.finditer(r'^def (\w+)Start\(builder\):\n    builder\.StartObject\((\d+)\)', src, re.M):
    tables[m.group(1)] = {"field_count": int(m.group(2)), "fields": []}

slot_re = re.compile(r'^def (\w+)Add(\w+)\(builder, (\w+)\):\n    builder\.Prepend(\w+)Slot\((\d+), [^,]+, ([^)]*)\)', re.M)
for m in slot_re.finditer(src):
    table, field, param, kind, slot, default = m.groups()
    if table not in tables:
        continue
    fld = {"name": camel_to_snake(param), "accessor": field, "id": int(slot), "slot_kind": kind, "default": default}
    if kind == "UOffsetTRelative":
        vec = re.search(r'^def %sStart%sVector\(builder, numElems\):\n    return builder\.StartVector\((\d+), numElems, (\d+)\)' % (table, field), src, re.M)
        cls = re.search(r'^class %s\(object\):(.*?)(?=^\S)' % table, src, re.M | re.S).group(1)
        acc = re.search(r'    def %s\(self(, j)?\):\n(.*?)(?=\n    #|\Z)' % field, cls, re.S)
        body = acc.group(2) if acc else ""
        if vec:
            fld["kind"] = "vector"
            fld["element_size"] = int(vec.group(1))
            t = re.search(r'number_types\.(\w+)Flags, a \+', body)
            if t:
                fld["element"] = t.group(1)
            elif "String(a +" in body:
                fld["element"] = "string"
            else:
                t = re.search(r"obj = (\w+)\(\)", body)
                fld["element"] = ("table:" + t.group(1)) if t else "unknown"
        elif "self._tab.String(" in body:
            fld["kind"] = "string"
        elif "Table(bytearray(), 0)" in body or "Union(" in body:
            fld["kind"] = "union"
        else:
            t = re.search(r"obj = (\w+)\(\)", body)
            fld["kind"] = ("table:" + t.group(1)) if t else "unknown"
    else:
        fld["kind"] = kind
    tables[table]["fields"].append(fld)

for t in tables.values():
    t["fields"].sort(key=lambda f: f["id"])

json.dump({"enums": enums, "tables": tables}, sys.stdout, indent=1, sort_keys=True)
