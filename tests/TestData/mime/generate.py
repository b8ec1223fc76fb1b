#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes the generated part of the MIME corpus (tests/TestData/mime/generated/*.eml).

Deterministic: re-running produces identical files. Every message here is synthetic (no real mail).
"""
import base64, hashlib, os, quopri

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated")


def blob(seed, n):
    out = bytearray()
    h = seed.encode()
    while len(out) < n:
        h = hashlib.sha256(h).digest()
        out += h
    return bytes(out[:n])


def b64(data):
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76))


def pdf(seed, n=3000):
    return b"%PDF-1.4\n" + blob(seed, n) + b"\n%%EOF\n"


def write(name, text, crlf=False, raw=None):
    os.makedirs(OUT, exist_ok=True)
    data = raw if raw is not None else text.encode("utf-8")
    if crlf:
        data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


HDR = """Date: Mon, 3 Nov 2025 09:15:00 +0100
Message-ID: <{id}@hopital.mssante.fr>
MIME-Version: 1.0
"""

FR_QP = quopri.encodestring("Bonjour,\n\nVeuillez trouver ci-joint le dossier du patient.\nÀ bientôt, cordialement.\nDr Hélène Dupré\n".encode("utf-8")).decode()

XDM = b64(b"PK\x03\x04" + blob("xdm", 2048))
write("mss-xdm.eml", HDR.format(id="xdm1") + f"""From: "Dr =?UTF-8?Q?H=C3=A9l=C3=A8ne_Dupr=C3=A9?=" <helene.dupre@hopital.mssante.fr>
To: secretariat@cabinet.medecin.mssante.fr
Subject: =?UTF-8?Q?Compte_rendu_d=27hospitalisation_=E2=80=93_s=C3=A9jour?=
X-MSS-Version: 1.0
X-MSS-Identifiant-Patient: 1234567890123^^^&1.2.250.1.213.1.4.8&ISO^NH
X-Mailer: Caducee-Generator
Content-Type: multipart/mixed; boundary="=_xdm_boundary_01"

This is a multi-part message in MIME format.

--=_xdm_boundary_01
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

{FR_QP}
--=_xdm_boundary_01
Content-Type: application/zip; name="IHE_XDM.zip"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="IHE_XDM.zip"

{XDM}
--=_xdm_boundary_01--
""")

write("mss-pdf-alternative.eml", HDR.format(id="pdf1") + f"""From: =?iso-8859-1?Q?Fran=E7ois_L=E9v=EAque?= <francois.leveque@labo.mssante.fr>
To: "Dr. Martin, Paul" <paul.martin@cabinet.mssante.fr>, compta@cabinet.mssante.fr
Cc: Secretariat: a@x.mssante.fr, b@x.mssante.fr;
Subject: =?ISO-8859-1?Q?R=E9sultats_d=27analyses_=E0_v=E9rifier?=
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

R=E9sultats ci-joints. Tr=E8s cordialement.
--inner
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: base64

{b64("<html><body><p>Résultats ci-joints. Très cordialement.</p></body></html>".encode())}
--inner--

--outer
Content-Type: application/pdf
Content-Transfer-Encoding: base64
Content-Disposition: attachment;
 filename*=utf-8''Compte%20rendu%20op%C3%A9ratoire%20%E2%80%93%20d%C3%A9cembre.pdf

{b64(pdf("cr"))}
--outer--
""")

write("mss-pdf-crlf.eml", HDR.format(id="pdf2") + f"""From: lab@labo.mssante.fr
To: medecin@cabinet.mssante.fr
Subject: =?utf-8?B?UsOpc3VsdGF0cyDDoCB2w6lyaWZpZXI=?=
Content-Type: multipart/mixed; boundary=simple

--simple
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Résultats joints, en CRLF.
--simple
Content-Type: application/pdf; name="resultat.pdf"
Content-Transfer-Encoding: base64

{b64(pdf("crlf", 1500))}
--simple--
""", crlf=True)

write("mss-mdn.eml", HDR.format(id="mdn1") + """From: medecin@cabinet.mssante.fr
To: helene.dupre@hopital.mssante.fr
Subject: =?UTF-8?Q?Accus=C3=A9_de_lecture?=
Content-Type: multipart/report; report-type=disposition-notification;
	boundary="mdn-boundary"

--mdn-boundary
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Le message a été affiché par le destinataire.
--mdn-boundary
Content-Type: message/disposition-notification

Reporting-UA: cabinet.mssante.fr; Caducee
Final-Recipient: rfc822;medecin@cabinet.mssante.fr
Original-Message-ID: <xdm1@hopital.mssante.fr>
Disposition: manual-action/MDN-sent-manually; displayed

--mdn-boundary
Content-Type: text/rfc822-headers

From: "Dr Hélène Dupré" <helene.dupre@hopital.mssante.fr>
Subject: Compte rendu
Message-ID: <xdm1@hopital.mssante.fr>

--mdn-boundary--
""")

write("mss-dsn.eml", HDR.format(id="dsn1") + """From: MAILER-DAEMON@relais.mssante.fr
To: helene.dupre@hopital.mssante.fr
Subject: Delivery Status Notification (Failure)
Auto-Submitted: auto-replied
Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"

--dsn
Content-Type: text/plain; charset=us-ascii

The message could not be delivered.
--dsn
Content-Type: message/delivery-status

Reporting-MTA: dns; relais.mssante.fr

Final-Recipient: rfc822; inconnu@cabinet.mssante.fr
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 unknown user

--dsn
Content-Type: message/rfc822

From: helene.dupre@hopital.mssante.fr
To: inconnu@cabinet.mssante.fr
Subject: test

Original body.
--dsn--
""")

write("rfc2231-continuations.eml", HDR.format(id="2231") + """From: a@b.example
To: c@d.example
Subject: RFC 2231 continuations
Content-Type: multipart/mixed; boundary="b2231"

--b2231
Content-Type: application/octet-stream;
 name*0*=iso-8859-1'fr'Ordonnance%20pour%20;
 name*1*=M.%20L%E9on%20;
 name*2="Ch\\"arles.txt"
Content-Disposition: attachment;
 filename*0*=utf-8''Ordonnance%20pour%20;
 filename*1*=M.%20L%C3%A9on%20;
 filename*2="Charles.txt"

aGVsbG8=
--b2231
Content-Type: text/plain; name="=?utf-8?Q?Lettre_d=C3=A9j=C3=A0_lue.txt?="
Content-Disposition: inline; filename="Lettre =?utf-8?Q?d=C3=A9j=C3=A0?= lue.txt"

plain
--b2231
Content-Type: application/octet-stream; name=unquoted name with spaces.bin
Content-Transfer-Encoding: base64

AAECAwQF
--b2231--
""")

write("encoded-word-breakage.eml", HDR.format(id="ew") + """From: =?utf-8?b?w4lsb8Ovc2U=?= <eloise@x.example>
To: "=?utf-8?q?Jos=C3=A9?=" <jose@x.example>
Subject: =?utf-8?B?w6k=?= =?utf-8?B?w6g=?=split=?UTF-8?q?_=C3?= =?UTF-8?q?=A0_fin?= =?unknown-charset?Q?caf=E9?= =?iso-8859-15?q?=A4uro?=
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Sujet cassé.
""")

write("latin1-8bit.eml", HDR.format(id="l1") + "From: x@y.example\nTo: z@y.example\nSubject: =?ISO-8859-1?Q?Pr=E9l=E8vement_sanguin?=\nContent-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: 8bit\n\nPr\xe9l\xe8vement effectu\xe9 \xe0 8h.\n", raw=(HDR.format(id="l1") + "From: x@y.example\nTo: z@y.example\nSubject: =?ISO-8859-1?Q?Pr=E9l=E8vement_sanguin?=\nContent-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: 8bit\n\n").encode() + "Prélèvement effectué à 8h.\n".encode("latin-1"))

write("utf8-headers-rfc6532.eml", HDR.format(id="6532") + """From: Zoë Ångström <zoë@exemple.français.fr>
To: "Ünïcödé Group": josé@xn--exempl-gva.fr;
Subject: Sujet en UTF-8 brut : été
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Corps UTF-8 : ça marche.
""")

write("addresses-obsolete.eml", HDR.format(id="addr") + """From: John Q. Public <@relay1.example,@relay2.example:jqp@example.com>
Sender: "Joe \\"the\\" Sender" (comment) <joe@example.com>
Reply-To: undisclosed-recipients:;
To: "quoted local"@example.com, plain@example.com (Plain Name), <angle@example.com>
Cc: A Group:Chris Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;, Mary Smith <mary@x.test>
Subject: addresses
In-Reply-To: <parent@example.com>

body
""")

write("unterminated-nested.eml", HDR.format(id="unterm") + """From: a@b.example
To: c@d.example
Subject: unterminated inner multipart
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain

inner text never closed
--outer
Content-Type: text/plain

second outer part
--outer--
""")

write("missing-start-boundary.eml", HDR.format(id="nostart") + """From: a@b.example
Subject: no start boundary
Content-Type: multipart/mixed; boundary="never"

just text, no boundary at all
""")

write("missing-close-boundary.eml", HDR.format(id="noclose") + """From: a@b.example
Subject: no close boundary
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain

last part runs to the end
""")

write("header-oddities.eml", """ continuation as the first line
From: a@b.example
Subject : space before colon
X-Long: folded
  over
	three lines
this line has no colon
Content-Type: text/plain

body text
""")

write("headers-only.eml", "From: a@b.example\nSubject: headers only, no body, no final newline")

write("empty.eml", "")

write("garbage.eml", "", raw=bytes(range(256)) + b"\r\n\r\n--\x00--\n" + blob("garbage", 300))

write("base64-broken.eml", HDR.format(id="b64") + """From: a@b.example
Subject: broken base64
Content-Type: application/octet-stream; name="broken.bin"
Content-Transfer-Encoding: base64

SGVsbG8g!!d29y
bGQ*
""")

write("qp-soft-breaks.eml", HDR.format(id="qp") + """From: a@b.example
Subject: qp
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Ligne longue coup=C3=A9e =
ici, espace finale   
bad =ZZ escape and =3d lower =c3=a9
""")

nested = "From: inner@b.example\nSubject: =?utf-8?Q?Transf=C3=A9r=C3=A9?=\nContent-Type: multipart/mixed; boundary=in\n\n--in\nContent-Type: text/plain\n\ninner body\n--in\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=inner.pdf\n\n" + b64(pdf("inner", 600)) + "\n--in--\n"
write("forwarded-rfc822.eml", HDR.format(id="fwd") + f"""From: a@b.example
To: c@d.example
Subject: Fwd: message
Content-Type: multipart/mixed; boundary="fwd"

--fwd
Content-Type: text/plain

see attached
--fwd
Content-Type: message/rfc822
Content-Disposition: attachment; filename="original.eml"

{nested}
--fwd--
""")

digest_parts = "".join(f"--dig\n\nFrom: d{i}@x.example\nSubject: digest {i}\n\nbody {i}\n" for i in range(3))
write("digest.eml", HDR.format(id="dig") + f"""From: list@x.example
Subject: digest
Content-Type: multipart/digest; boundary="dig"

{digest_parts}--dig--
""")

deep = ""
for i in range(70):
    deep += f"Content-Type: multipart/mixed; boundary=\"d{i}\"\n\n--d{i}\n"
deep += "Content-Type: text/plain\n\nbottom\n" + "".join(f"--d{i}--\n" for i in reversed(range(70)))
write("deep-nesting.eml", "From: a@b.example\nSubject: 70 levels\n" + deep)

write("rfc3501-example.eml", """Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)
From: Terry Gray <gray@cac.washington.edu>
Subject: IMAP4rev1 WG mtg summary and minutes
To: imap@cac.washington.edu
cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>
Message-Id: <B27397-0100000@cac.washington.edu>
MIME-Version: 1.0
Content-Type: TEXT/PLAIN; CHARSET=US-ASCII

Hello Joe, do you think we can meet at 3:30 tomorrow?
""", crlf=True)

write("boundary-prefix.eml", HDR.format(id="prefix") + """From: a@b.example
Subject: boundaries that prefix each other
Content-Type: multipart/mixed; boundary="abc"

--abc
Content-Type: multipart/alternative; boundary="abcd"

--abcd
Content-Type: text/plain

one
--abcd
Content-Type: text/html

<p>two</p>
--abcd--
--abc
Content-Type: text/plain

three -- not a boundary
--abc-- trailing junk is not a close delimiter
--abc--  
epilogue
""")

write("uuencode.eml", HDR.format(id="uu") + """From: a@b.example
Subject: uuencoded
Content-Type: application/octet-stream; name="hello.txt"
Content-Transfer-Encoding: x-uuencode

begin 644 hello.txt
,:&5L;&\\@=V]R;&0*
`
end
""")
print("ok")
