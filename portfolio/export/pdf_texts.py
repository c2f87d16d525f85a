"""The words of the portfolio document, each through Babel: printed in Dutch, and in the
owner's language beside it when chosen.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

TITLE = _l("Portfolio")
SUBTITLE = _l("My integration in the Netherlands: what I learned and achieved")
MADE_FOR = _l("Made for")
ISSUED_ON = _l("Date")
SIGNED_BY = _l("Signed digitally by")
CHECK_IT = _l(
    "Check this document: scan the code or open the address below, and upload the PDF. "
    "The page says whether this is exactly the document that was issued."
)
LOGO_ALT = _l("Logo of %(issuer)s")
QR_ALT = _l("QR code with the address of the verification page: %(address)s")
PHOTO_ALT = _l("Photo of the certificate: %(title)s")
TRUST_HEADING = _l("How to read the trust levels")
SELF_DECLARED = _l("Self-declared: written by the owner.")
VERIFIED_EXPLAINED = _l(
    "Verified: a regievoerder of the municipality checked it against the original."
)
VERIFIED_BY = _l("Verified by %(name)s, %(municipality)s, %(date)s")
SELF_DECLARED_SHORT = _l("Self-declared")
FROM_SOURCE = _l("Issued by the source: digitally signed by %(signer)s, %(date)s")
SOURCE_EXPLAINED = _l(
    "Issued by the source: the PDF of the certificate carries the issuer's own digital "
    "signature, checked when it was added."
)
DOMAINS_HEADING = _l("Summary per life domain")
DOMAINS_EXPLAINED = _l(
    "How the owner rates their own situation, from 1 (very hard) to 5 (very good)."
)
SCORE_NOW = _l("Now")
SCORE_START = _l("At the start")
IN_DOCUMENT = _l("Items in this document")
LANGUAGE_HEADING = _l("Dutch language")
SKILL = _l("Skill")
SELF_ASSESSED = _l("Own estimate")
EXAM = _l("Exam")
TARGET = _l("Target")
EXAMS_HEADING = _l("Exam results")
GOALS_HEADING = _l("Goals achieved")
STEPS_DONE = _l("%(done)d of %(total)d steps done")
CERTIFICATES_HEADING = _l("Certificates and diplomas")
EXPERIENCE_HEADING = _l("Work and volunteering")
PERIOD = _l("Period")
SINCE = _l("since %(date)s")
HOURS = _l("Hours")
PER_WEEK = _l("%(hours)d hours per week")
IN_TOTAL = _l("%(hours)d hours in total")
REFERENCE = _l("Reference")
LEARNED = _l("What I learned")
PIP_HEADING = _l("Personal plan (PIP), summary")
PIP_VERSION = _l("Version %(number)d")
AGREEMENTS = _l("Agreements")
KIND = _l("Kind")
