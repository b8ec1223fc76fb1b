#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Extracts the inline test messages of CPython's test_email suite (PSF License) into python-inline/.

A string literal counts as a message when it starts with a header field and has a header/body
separator. Files are named after the enclosing test function. Deterministic.
"""
import ast, os, re, test, textwrap

SRC = os.path.join(os.path.dirname(test.__file__), "test_email")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "python-inline")
HEADER = re.compile(r"^(From |[A-Za-z][A-Za-z0-9-]*:)")


def messages(path):
    tree = ast.parse(open(path, encoding="utf-8").read())
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef) or not fn.name.startswith("test"):
            continue
        n = 0
        for node in ast.walk(fn):
            if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
                v = node.value if isinstance(node.value, str) else node.value.decode("latin-1")
                v = textwrap.dedent(v)
                if len(v) < 40 or not HEADER.match(v) or "\n\n" not in v:
                    continue
                if "Content-Type" not in v and "content-type" not in v.lower():
                    continue
                n += 1
                yield f"{fn.name}_{n}", v


def main():
    os.makedirs(OUT, exist_ok=True)
    seen = set()
    for module in ("test_defect_handling.py", "test_email.py", "test_contentmanager.py"):
        for name, text in messages(os.path.join(SRC, module)):
            data = text.encode("utf-8", "surrogateescape")
            if data in seen:
                continue
            seen.add(data)
            fname = module.replace(".py", "") + "-" + name + ".eml"
            with open(os.path.join(OUT, fname), "wb") as f:
                f.write(data)
    print(len(seen), "messages")


if __name__ == "__main__":
    main()
