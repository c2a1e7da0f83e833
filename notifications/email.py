"""Email to citizens: subject/text/html template triplets per message kind and language.

Templates live in ``templates/notifications/email/<language>/<kind>{_subject.txt,.txt,.html}``;
the citizen's language (``Submission.language``) picks the directory, Vietnamese when unknown.
"""
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

EMAIL_LANGUAGES = ("vi", "en")


def message_language(language):
    code = (language or "").split("-")[0].lower()
    return code if code in EMAIL_LANGUAGES else "vi"


def render_email(*, kind, language, context):
    """(subject, text, html) for one message kind in one language."""
    language = message_language(language)
    base = f"notifications/email/{language}/{kind}"
    with translation.override(language):
        subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
        text = render_to_string(f"{base}.txt", context)
        html = render_to_string(f"{base}.html", context)
    return subject, text, html


def render_sms(*, kind, language, context):
    language = message_language(language)
    with translation.override(language):
        return render_to_string(f"notifications/sms/{language}/{kind}.txt", context)


def send_email(*, to, subject, text, html, headers=None):
    """Send now through the configured EMAIL_BACKEND; raises on failure (the outbox retries)."""
    message = EmailMultiAlternatives(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to],
                                     headers=headers or None)
    if html:
        message.attach_alternative(html, "text/html")
    message.send(fail_silently=False)
