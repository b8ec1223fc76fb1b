#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Interop check with real clients (issue 2, point 6): Python's smtplib submits, imaplib reads.

Usage: demo_roundtrip.py DEMO_JSON MARKER
Submits a message (STARTTLS + AUTH PLAIN) from the first mailbox of operator 0 to the first mailbox
of operator 1, then polls operator 1 over IMAP (STARTTLS + LOGIN), fetches BODY[] and checks that the
submitted body arrived byte for byte, under trace headers. Prints one JSON line with what it saw.
"""
import imaplib
import json
import smtplib
import ssl
import sys
import time


def context(ca):
    ctx = ssl.create_default_context(cafile=ca)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.check_hostname = False  # demo endpoints are reached by IP; the chain is still verified
    return ctx


def main():
    demo = json.load(open(sys.argv[1]))
    marker = sys.argv[2]
    sender_op, receiver_op = demo["operators"][0], demo["operators"][1]
    sender, receiver = sender_op["mailboxes"][0], receiver_op["mailboxes"][0]
    body = (
        f"Bonjour,\r\nRésultat de biologie {marker}: hémoglobine 13,2 g/dL.\r\n"
        ".ligne commençant par un point\r\nConfraternellement\r\n"
    )
    message = (
        f"From: <{sender['address']}>\r\nTo: <{receiver['address']}>\r\n"
        f"Subject: Interop {marker}\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
        f"X-MSS-NIL: INTEROP-TEST\r\n\r\n{body}"
    ).encode("utf-8")

    host, port = sender_op["submission"].rsplit(":", 1)
    with smtplib.SMTP(host, int(port), timeout=30) as smtp:
        smtp.ehlo("interop.test")
        before_tls = smtp.esmtp_features.copy()
        smtp.starttls(context=context(demo["ca"]))
        smtp.ehlo("interop.test")
        after_tls = smtp.esmtp_features.copy()
        smtp.login(sender["address"], sender["password"])
        refused = smtp.sendmail(sender["address"], [receiver["address"]], message)

    host, port = receiver_op["imap"].rsplit(":", 1)
    imap = imaplib.IMAP4(host, int(port), timeout=30)
    caps_before = list(imap.capabilities)
    imap.starttls(ssl_context=context(demo["ca"]))
    imap.login(receiver["address"], receiver["password"])
    fetched = None
    deadline = time.time() + 60
    while time.time() < deadline and fetched is None:
        typ, data = imap.select("INBOX")
        count = int(data[0])
        for n in range(count, 0, -1):
            typ, msg = imap.fetch(str(n), "(BODY[])")
            raw = msg[0][1]
            if marker.encode() in raw:
                fetched = raw
                break
        if fetched is None:
            time.sleep(0.5)
    imap.logout()

    result = {
        "auth_before_tls": "auth" in before_tls,
        "starttls_offered": "starttls" in before_tls,
        "auth_after_tls": after_tls.get("auth", ""),
        "imap_caps_before_tls": caps_before,
        "refused": refused,
        "delivered": fetched is not None,
        "body_intact": fetched is not None and fetched.endswith(body.encode("utf-8")),
        "has_received": fetched is not None and fetched.startswith(b"Received: "),
        "x_mss_kept": fetched is not None and b"X-MSS-NIL: INTEROP-TEST\r\n" in fetched,
    }
    print(json.dumps(result))
    return 0 if result["body_intact"] else 1


if __name__ == "__main__":
    sys.exit(main())
