"""Build raw e-mails for the tests."""

from email.message import EmailMessage


def make_mail(
    *,
    to: str,
    sender: str = "Lucie Vernet <lucie.vernet@example.test>",
    subject: str = "Vente en vrac dans notre épicerie",
    body: str = "Bonjour,\nnous voulons vendre du vrac. Quelle règle s'applique ?\n",
    message_id: str | None = "<m1@example.test>",
    in_reply_to: str | None = None,
    html: str | None = None,
    attachment: tuple[str, bytes] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = "Tue, 05 Mar 2019 09:30:00 +0100"
    if message_id:
        msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    if html is not None and body is None:
        msg.set_content(html, subtype="html")
    else:
        msg.set_content(body)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    if attachment:
        name, content = attachment
        msg.add_attachment(content, maintype="application", subtype="pdf", filename=name)
    return msg.as_bytes()
