#!/usr/bin/env python3
"""Validates Atom feeds against RFC 4287: the RELAX NG schema of its Appendix B
(fixtures/atom/atom.rnc, converted with rnc2rng, validated with lxml), the appendix's two Schematron
rules, and RFC 3339 dates (section 3.3). Usage: atom-validate.py FILE_OR_DIR... (a directory: every
*.atom under it). Prints each problem and exits 1 if there is one, 2 if there is no feed at all."""
import pathlib
import re
import sys

import rnc2rng
from lxml import etree

ROOT = pathlib.Path(__file__).resolve().parent.parent
A = "{http://www.w3.org/2005/Atom}"
# RFC 3339 section 5.6 date-time (with a time-offset; xsd:dateTime alone allows none).
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def schema():
    rng = rnc2rng.dumps(rnc2rng.load(str(ROOT / "fixtures/atom/atom.rnc")))
    # `namespace local = ""` comes out as an xmlns:local="" declaration, which XML 1.0 forbids;
    # the names it qualifies are written with ns="" anyway.
    rng = rng.replace(' xmlns:local=""', "")
    return etree.RelaxNG(etree.fromstring(rng.encode("utf-8")))


def problems(path, relaxng):
    try:
        doc = etree.parse(str(path))
    except etree.XMLSyntaxError as e:
        return [f"not well-formed XML: {e}"]
    out = []
    if not relaxng.validate(doc):
        out += [f"line {e.line}: {e.message}" for e in relaxng.error_log]
    root = doc.getroot()
    feeds_author = root.tag == A + "feed" and root.find(A + "author") is not None
    entries = root.findall(A + "entry") if root.tag == A + "feed" else [root]
    for i, entry in enumerate(entries, 1):
        links = entry.findall(A + "link")
        if not (any(l.get("rel", "alternate") == "alternate" for l in links) or entry.find(A + "content") is not None):
            out.append(f"entry {i}: no atom:link rel=alternate and no atom:content (RFC 4287 4.1.2)")
        if not (feeds_author or entry.find(A + "author") is not None or entry.find(f"{A}source/{A}author") is not None):
            out.append(f"entry {i}: no atom:author, and its feed has none (RFC 4287 4.1.2)")
    for d in root.iter(A + "updated", A + "published"):
        if not RFC3339.match((d.text or "").strip()):
            out.append(f"line {d.sourceline}: {d.tag[len(A):]} {d.text!r} is not an RFC 3339 date-time")
    return out


def main(args):
    files = []
    for a in map(pathlib.Path, args):
        files += sorted(a.rglob("*.atom")) if a.is_dir() else [a]
    if not files:
        print("atom-validate: no feed given", file=sys.stderr)
        return 2
    relaxng = schema()
    bad = 0
    for f in files:
        for p in problems(f, relaxng):
            print(f"{f}: {p}", file=sys.stderr)
            bad += 1
    print(f"atom-validate: {len(files)} feed(s), {bad} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
