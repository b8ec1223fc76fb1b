#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Every SASL mechanism with real Python clients (issue 5 points 4 and 7, issue 6 point 2).

Usage: auth_mechanisms.py DEMO_JSON
Gets a Pro Santé Connect access token from the demo's test PSC (password grant), then:
- smtplib submits one message with each of PLAIN, LOGIN, EXTERNAL (personal CPS-like certificate,
  PER box), EXTERNAL (organisation certificate, APP box), XOAUTH2 and OAUTHBEARER;
- imaplib logs in with LOGIN and authenticates with PLAIN, EXTERNAL (both certificates), XOAUTH2 and
  OAUTHBEARER, then SELECTs INBOX;
- a tampered token is refused by both.
Prints one JSON line: {"smtp_<mech>": "ok" | error, "imap_<mech>": "ok" | error, ...}.
"""
import imaplib
import json
import smtplib
import ssl
import sys
import urllib.parse
import urllib.request


def context(ca, cert=None, key=None):
    ctx = ssl.create_default_context(cafile=ca)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.check_hostname = False  # demo endpoints are reached by IP; the chain is still verified
    if cert:
        ctx.load_cert_chain(cert, key)
    return ctx


def psc_token(demo, mailbox):
    psc = demo["authority"]["psc"]
    form = urllib.parse.urlencode({
        "grant_type": "password", "username": mailbox["rpps"], "password": mailbox["pscPassword"],
        "client_id": psc["clientId"], "client_secret": psc["clientSecret"], "scope": psc["scope"],
    }).encode()
    with urllib.request.urlopen(psc["tokenEndpoint"], data=form, context=context(demo["ca"]), timeout=30) as r:
        return json.load(r)["access_token"]


def xoauth2(user, token):
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


def oauthbearer(user, token, host, port):
    return f"n,a={user},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01"


def attempt(results, name, action):
    try:
        action()
        results[name] = "ok"
    except Exception as e:  # the test prints what failed
        results[name] = f"{type(e).__name__}: {e}"


def main():
    demo = json.load(open(sys.argv[1]))
    op = demo["operators"][0]
    per = next(m for m in op["mailboxes"] if m["kind"] == "PER")
    org = next(m for m in op["mailboxes"] if m["kind"] == "ORG")
    app = next(m for m in op["mailboxes"] if m["kind"] == "APP")
    token = psc_token(demo, per)
    tampered = token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")
    s_host, s_port = op["submission"].rsplit(":", 1)
    i_host, i_port = op["imap"].rsplit(":", 1)
    results = {"token_length": len(token)}

    def smtp(sender, mechanism, authobject, cert=None, key=None):
        with smtplib.SMTP(s_host, int(s_port), timeout=30) as s:
            s.ehlo("interop.test")
            s.starttls(context=context(demo["ca"], cert, key))
            s.ehlo("interop.test")
            results.setdefault("smtp_offered", s.esmtp_features.get("auth", "").split())
            if mechanism == "LOGIN":
                s.user, s.password = sender["address"], sender["password"]
                s.auth("LOGIN", s.auth_login, initial_response_ok=False)
            else:
                s.auth(mechanism, authobject)
            msg = (f"From: <{sender['address']}>\r\nTo: <{org['address']}>\r\n"
                   f"Subject: auth {mechanism}\r\n\r\nsent with {mechanism}\r\n")
            refused = s.sendmail(sender["address"], [org["address"]], msg.encode())
            if refused:
                raise RuntimeError(f"refused {refused}")

    def ir(text):
        # smtplib calls authobject() for the initial response, then authobject(challenge) on a 334:
        # after an error challenge the client answers with an empty response (RFC 7628 §3.2.2).
        return lambda challenge=None: text if challenge is None else ""

    attempt(results, "smtp_PLAIN", lambda: smtp(per, "PLAIN", ir(f"\0{per['address']}\0{per['password']}")))
    attempt(results, "smtp_LOGIN", lambda: smtp(per, "LOGIN", None))
    attempt(results, "smtp_EXTERNAL_personal", lambda: smtp(per, "EXTERNAL", ir(""), per["cert"], per["key"]))
    attempt(results, "smtp_EXTERNAL_app", lambda: smtp(app, "EXTERNAL", ir(app["address"]), app["cert"], app["key"]))
    attempt(results, "smtp_XOAUTH2", lambda: smtp(per, "XOAUTH2", ir(xoauth2(per["address"], token))))
    attempt(results, "smtp_OAUTHBEARER", lambda: smtp(per, "OAUTHBEARER", ir(oauthbearer(per["address"], token, s_host, s_port))))
    attempt(results, "smtp_XOAUTH2_tampered", lambda: smtp(per, "XOAUTH2", ir(xoauth2(per["address"], tampered))))

    def imap(mechanism, authobject, cert=None, key=None):
        m = imaplib.IMAP4(i_host, int(i_port), timeout=30)
        try:
            m.starttls(ssl_context=context(demo["ca"], cert, key))
            # EXTERNAL is offered only when the handshake carried a client certificate.
            results.setdefault("imap_capabilities_with_certificate" if cert else "imap_capabilities", list(m.capabilities))
            if mechanism == "LOGIN":
                m.login(per["address"], per["password"])
            else:
                m.authenticate(mechanism, authobject)
            typ, _ = m.select("INBOX")
            if typ != "OK":
                raise RuntimeError("SELECT " + typ)
        finally:
            try:
                m.logout()
            except Exception:
                pass

    attempt(results, "imap_LOGIN", lambda: imap("LOGIN", None))
    attempt(results, "imap_PLAIN", lambda: imap("PLAIN", lambda _: f"\0{per['address']}\0{per['password']}".encode()))
    attempt(results, "imap_EXTERNAL_personal", lambda: imap("EXTERNAL", lambda _: b"", per["cert"], per["key"]))
    attempt(results, "imap_EXTERNAL_app", lambda: imap("EXTERNAL", lambda _: app["address"].encode(), app["cert"], app["key"]))
    attempt(results, "imap_XOAUTH2", lambda: imap("XOAUTH2", lambda _: xoauth2(per["address"], token).encode()))
    attempt(results, "imap_OAUTHBEARER", lambda: imap("OAUTHBEARER", lambda _: oauthbearer(per["address"], token, i_host, i_port).encode()))
    attempt(results, "imap_OAUTHBEARER_tampered", lambda: imap("OAUTHBEARER", lambda _: oauthbearer(per["address"], tampered, i_host, i_port).encode()))
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
