#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Python imaplib against a Caducée IMAP node (issue 6 point 4): more than login and fetch.

Usage: imaplib_commands.py CONFIG_JSON
CONFIG_JSON: {"host", "imap", "imaps", "ca", "user", "password"}; the mailbox holds the sample messages 0..9 in
its INBOX (X-MSS-NIL 1000000 + index) and an empty Archive. Over implicit TLS: SELECT, SEARCH (flags, charset,
header, UID), STORE and UID STORE, FETCH, UID COPY and UID MOVE (COPYUID), EXPUNGE. Over STARTTLS: IDLE (raw
commands: imaplib 3.11 has no idle()) while a second connection appends, flags and expunges. Prints one JSON line.
"""
import imaplib
import json
import re
import ssl
import sys
import time


def context(ca):
    ctx = ssl.create_default_context(cafile=ca)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx  # the host name is checked too: the node's certificate names "localhost"


def ok(result):
    typ, data = result
    if typ != "OK":
        raise RuntimeError(f"{typ} {data}")
    return data


def main():
    cfg = json.load(open(sys.argv[1]))
    out = {}
    m = imaplib.IMAP4_SSL(cfg["host"], int(cfg["imaps"]), ssl_context=context(cfg["ca"]), timeout=30)
    out["capabilities"] = list(m.capabilities)
    ok(m.login(cfg["user"], cfg["password"]))
    out["select"] = int(ok(m.select("INBOX"))[0])
    out["search_all"] = ok(m.search(None, "ALL"))[0].decode()
    out["search_unseen"] = ok(m.search(None, "UNSEEN"))[0].decode()
    out["search_charset"] = ok(m.search("UTF-8", "SUBJECT", '"de biologie"'))[0].decode()
    out["search_header_uid"] = ok(m.uid("SEARCH", "HEADER", "X-MSS-NIL", "1000004"))[0].decode()
    out["search_or"] = ok(m.search(None, "OR", "SEEN", "LARGER", "6000"))[0].decode()

    out["store"] = [d.decode() for d in ok(m.store("1:2", "+FLAGS", "(\\Flagged $Urgent)")) if d]
    uid3 = out["search_header_uid"].split()[0] if out["search_header_uid"] else ""
    out["uid_store"] = [d.decode() for d in ok(m.uid("STORE", uid3, "+FLAGS.SILENT", "(\\Answered)")) if d]
    out["search_flagged"] = ok(m.search(None, "FLAGGED", "KEYWORD", "$Urgent"))[0].decode()
    fetched = ok(m.fetch("5", "(UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (X-MSS-NIL)])"))
    out["fetch"] = fetched[0][0].decode()
    out["fetch_header"] = fetched[0][1].decode()

    typ, data = m.uid("COPY", "1:3", "Archive")
    out["uid_copy"] = typ
    out["copyuid_copy"] = [d.decode() for d in (m.response("COPYUID")[1] or []) if d]
    typ, data = m.uid("MOVE", uid3, "Archive")
    out["uid_move"] = typ
    out["copyuid_move"] = [d.decode() for d in (m.response("COPYUID")[1] or []) if d]
    out["expunged_by_move"] = [d.decode() for d in (m.response("EXPUNGE")[1] or []) if d]
    ok(m.store("9", "+FLAGS", "(\\Deleted)"))  # the last one (the MOVE left 9)
    out["expunge"] = [d.decode() for d in ok(m.expunge()) if d]
    out["after"] = int(ok(m.select("INBOX"))[0])
    out["archive"] = int(ok(m.select("Archive", readonly=True))[0])

    # IDLE on a STARTTLS connection; another connection changes the INBOX meanwhile.
    a = imaplib.IMAP4(cfg["host"], int(cfg["imap"]), timeout=30)
    out["logindisabled_before_tls"] = "LOGINDISABLED" in a.capabilities
    a.starttls(ssl_context=context(cfg["ca"]))
    ok(a.login(cfg["user"], cfg["password"]))
    exists = int(ok(a.select("INBOX"))[0])
    out["idle_uids_before"] = [int(u) for u in ok(a.uid("SEARCH", "ALL"))[0].split()]
    tag = a._new_tag().decode()
    a.send(f"{tag} IDLE\r\n".encode())
    out["idle_continuation"] = a.readline().decode().strip()
    ok(m.select("INBOX"))
    ok(m.append("INBOX", None, None, b"From: <idle@cabinet-sud.mssante.test>\r\nSubject: pendant IDLE\r\n\r\nnouveau\r\n"))
    ok(m.store("3", "+FLAGS", "(\\Seen)"))
    ok(m.store("2", "+FLAGS", "(\\Deleted)"))
    ok(m.expunge())
    pushed = []
    deadline = time.time() + 20
    while time.time() < deadline and not (any(l.endswith("EXISTS") for l in pushed) and any("EXPUNGE" in l for l in pushed) and any("FETCH" in l for l in pushed)):
        line = a.readline().decode().strip()
        if not line:
            break
        pushed.append(line)
    a.send(b"DONE\r\n")
    done = a.readline().decode().strip()
    while not done.startswith(tag):
        pushed.append(done)
        done = a.readline().decode().strip()
    out["idle_exists_before"] = exists
    out["idle_pushed"] = pushed
    out["idle_done"] = done
    out["noop_after_idle"] = int(ok(a.select("INBOX"))[0])
    a.logout()
    m.logout()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
