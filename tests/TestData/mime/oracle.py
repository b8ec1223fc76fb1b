#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Oracle for the MIME corpus test: prints, for each .eml under the given directories, a normalised
part tree computed by Python's email package (policy=default), as one JSON object keyed by path.

Per part: contentType, params (lower-case names), filename, text (text/* leaves), decodedSize
(leaves), parts (children; an encapsulated message/rfc822 is the single child). message/* other than
rfc822/global are leaves here (Python parses them as header blocks; IMAP and Caducee do not).
"""
import email, email.policy, json, os, sys


def node(m):
    ct = m.get_content_type()
    out = {"contentType": ct}
    try:
        params = {k.lower(): str(v) for k, v in (m["content-type"].params.items() if m["content-type"] is not None else [])}
    except Exception as e:  # noqa: BLE001 - oracle must report, not crash
        params = {"!error": type(e).__name__}
    out["params"] = params
    try:
        out["filename"] = m.get_filename()
    except Exception as e:  # noqa: BLE001
        out["filename"] = "!error " + type(e).__name__
    maintype = m.get_content_maintype()
    encapsulated = ct in ("message/rfc822", "message/global")
    if m.is_multipart() and (maintype == "multipart" or encapsulated):
        out["parts"] = [node(p) for p in m.get_payload()]
        out["text"] = None
        out["decodedSize"] = None
        return out
    out["parts"] = []
    if maintype == "message" or (maintype == "multipart"):
        # A message/* leaf (Python parsed it as headers) or a multipart Python could not split.
        out["text"] = None
        out["decodedSize"] = None
        return out
    try:
        payload = m.get_payload(decode=True)
        out["decodedSize"] = None if payload is None else len(payload)
    except Exception as e:  # noqa: BLE001
        out["decodedSize"] = "!error " + type(e).__name__
    if maintype == "text":
        try:
            out["text"] = m.get_content()
        except Exception as e:  # noqa: BLE001
            out["text"] = "!error " + type(e).__name__
    else:
        out["text"] = None
    return out


def main():
    result = {}
    for root in sys.argv[1:]:
        for dirpath, _, files in os.walk(root):
            for f in sorted(files):
                if not f.endswith(".eml"):
                    continue
                path = os.path.join(dirpath, f)
                rel = os.path.relpath(path, os.path.dirname(os.path.abspath(__file__)))
                with open(path, "rb") as fh:
                    data = fh.read()
                try:
                    m = email.message_from_bytes(data, policy=email.policy.default)
                    result[rel.replace(os.sep, "/")] = node(m)
                except Exception as e:  # noqa: BLE001
                    result[rel.replace(os.sep, "/")] = {"!error": type(e).__name__ + ": " + str(e)}
    json.dump(result, sys.stdout, ensure_ascii=False, sort_keys=True, indent=1)


if __name__ == "__main__":
    main()
