"""Vague-term check: finds obligations that carry no measure a third party could check.

The lexicon is data (``rules/vague/<kind>.yml``, see ``rules/vague/README.md``); this
module implements the one check type the data needs (a regular-expression
"existence" check, in Vale's terms) and the guards that keep it from flagging
words that are not vague *in their place*.

How one sentence is judged
--------------------------
1. Skip it whole when it is a heading, a definition (``"X" means ...``), or a
   recital/background statement.
2. Find every pattern of every selected rule. A pattern may contain a named group
   ``term``: only that group is reported (the rest of the pattern is context,
   e.g. the verb in "use ... reasonable efforts"). A rule's ``exceptions`` are
   regexes over the sentence; a match inside an exception's span is dropped
   ("material breach", "effective date", "as amended from time to time").
3. Where matches overlap, the longest one wins (one finding per place).
4. Each surviving match is then checked against the guards, in the *unit* it
   stands in: the sentence cut at ``;``, at list items and where a coordinated
   clause brings its own modal ("..., and will complete ...").

   - defined term: inside a capitalised term the document defines or quotes
     ("Reasonable Efforts", "Good Industry Practice"), or inside quotes;
   - heading line inside the sentence text ("3.5 Periodic Progress Meetings");
   - local negation ("shall not unreasonably", "is not reasonably practical",
     "will generally not");
   - obligation: the nearest modal or duty marker before the match (else after
     it) decides. A duty (shall, must, will, we'll, agrees to, is required to,
     warrants, an imperative list item, "we respond ...", "are promptly
     assigned", a list item under "The Supplier shall:") keeps the match; a
     negated duty ("is not required to", "will not"), a prediction ("would",
     "there will be", "will result in") or nothing at all drops it. A permission
     ("may", "can", "is entitled to") drops it unless the rule says otherwise
     (``under_permission``): frequency words stay flagged ("may meet
     periodically"), discretion words stay flagged unless the permission is the
     customer's. A vague word in a leading condition ("If the allowance is
     regularly exceeded, the Supplier may ...") is a vague trigger and is kept.
     Rules whose phrase carries its own commitment ("use reasonable efforts",
     "within agreed timescales") set ``obligation: self`` and need no marker.
   - purpose clause: a match after "in order to" / "so that" qualifies the
     purpose, not the duty;
   - measure (``unless_measured``): a measure of the kind the rule lacks, in the
     same unit (or within ``measure_window`` words), rescues the match:
     "promptly, and in any event within 4 hours" is met, not vague;
   - cross-reference (``unless_referenced``): "promptly, as set out in the table
     in Schedule 2" or "in accordance with the Service Levels" points to the
     place that measures the obligation, which decides (the checklist judges
     that table). Effort rules do *not* take this rescue: "reasonable efforts to
     respond within the Target Response Time" still softens the measured duty.
     "notwithstanding the requirements of this agreement" (a promise on top of
     measured requirements) rescues every kind.
   - discretion owned by the customer ("at the Customer's discretion",
     "the Customer may, as needed, ...") is the customer's right, not a weakness.
5. Adjacent findings joined only by a comma or "and"/"or" ("timely, responsive
   and effective") merge into one finding; findings are unique per (rule, start).
"""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import yaml

from reviewer import yamlfile
from reviewer.paths import RULES_DIR

KINDS = ("time", "effort", "frequency", "quality", "discretion")
SEVERITIES = ("high", "medium", "low")
FINDING_KIND = "vague_term"

# --------------------------------------------------------------------------- #
# Public records
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class SentenceInput:
    """One sentence as the pipeline hands it over."""

    text: str
    start: int  # offset of the sentence in the document text
    end: int
    page: Optional[int]
    clause: Optional[str]  # clause id / number
    clause_text: str  # the whole clause the sentence stands in
    is_heading: bool = False
    is_definition: bool = False


@dataclass(frozen=True)
class Finding:
    """One vague term in an obligation (fields as in spec/output.md)."""

    rule: str
    kind: str  # always "vague_term"
    vague_kind: str
    severity: str
    message: str
    text: str
    sentence: str
    clause: Optional[str]
    page: Optional[int]
    start: int  # document offsets
    end: int
    why: str
    suggest: str

    def to_dict(self) -> dict:
        return {
            "rule": self.rule, "kind": self.kind, "vague_kind": self.vague_kind,
            "severity": self.severity, "message": self.message, "text": self.text,
            "sentence": self.sentence, "clause": self.clause, "page": self.page,
            "start": self.start, "end": self.end, "why": self.why, "suggest": self.suggest,
        }


# --------------------------------------------------------------------------- #
# Measures, markers and other shared vocabulary
# --------------------------------------------------------------------------- #

_I = re.IGNORECASE
_NUMWORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
            r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|forty-eight|fifty|"
            r"sixty|seventy|eighty|ninety|hundred|seventy-two|twenty-four|forty-five)")
_NUM_STRICT = rf"(?:\d+(?:[.,]\d+)?|{_NUMWORD}(?:[\s-]+{_NUMWORD})*)"
_UNIT = (r"(?:(?:business|working|calendar|clock|consecutive|processing)\s+)?"
         r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|quarters?)\b")
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tue|Wed|Thu|Fri|Sat|Sun)"

MEASURES: dict[str, re.Pattern] = {
    # a number with a time unit: "within 4 hours", "thirty (30) days", "one hour", "24h"
    "duration": re.compile(
        rf"\b{_NUM_STRICT}\s*(?:\(\s*\d+\s*\)\s*)?[\s-]*{_UNIT}|"
        r"\b(?:an?|half\s+an?)\s+(?:(?:business|working|calendar)\s+)?(?:minute|hour|day|week|month|year|quarter)\b|"
        r"\b\d+\s*(?:h|hrs|mins?)\b", _I),
    # a time of day as a deadline: "by 5 p.m.", "no later than 09:00"
    "clock": re.compile(
        r"\b(?:by|before|until|no\s+later\s+than|not\s+later\s+than)\s+(?:\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)|"
        r"(?:[01]?\d|2[0-3])[:.][0-5]\d\b|noon\b|midnight\b)", _I),
    # a window of hours or days, a coverage: "09:00-18:00 Monday-Friday", "24x7"
    "window": re.compile(
        r"\b\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)|\b\d{1,2}[:.]\d{2}\s*(?:-|–|to)\s*\d{1,2}[:.]\d{2}|"
        r"\b(?:[01]?\d|2[0-3]):[0-5]\d\b|\bnoon\b|\bmidnight\b|"
        rf"\b{_DAY}\s*(?:-|–|to|through|thru)\s*{_DAY}\b|"
        r"\b24\s*[x×/]\s*7\b|\b24/7/365\b|\b(?:twenty-four|24)\s+hours\s+a\s+day\b|\bround[- ]the[- ]clock\b", _I),
    # a deadline or a date
    "deadline": re.compile(
        r"\b(?:next|same|following|subsequent)\s+(?:business\s+|working\s+|calendar\s+)?day\b|"
        r"\bclose\s+of\s+(?:the\s+)?business\b|\bCOB\b|\bend\s+of\s+(?:the\s+)?(?:business\s+|working\s+)?day\b|"
        rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b|"
        r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|"
        r"\b\d{1,2}(?:st|nd|rd|th)\s+(?:calendar\s+|business\s+|working\s+)?day\b", _I),
    "percent": re.compile(r"\d+(?:\.\d+)?\s*(?:%|per\s?cent\b|percent\b)", _I),
    "frequency": re.compile(
        r"\b(?:hourly|daily|nightly|weekly|fortnightly|bi-?weekly|semi-?monthly|bi-?monthly|monthly|"
        r"quarterly|semi-?annual(?:ly)?|bi-?annual(?:ly)?|annual(?:ly)?|yearly)\b|"
        rf"\b(?:every|each|per|once\s+(?:a|per|every)|twice\s+(?:a|per|every)|{_NUM_STRICT}\s+times\s+(?:a|per|each|every))\s+"
        rf"(?:{_NUM_STRICT}\s+|other\s+)?(?:calendar\s+|business\s+|working\s+)?(?:hour|day|week|month|quarter|year)s?\b|"
        rf"\b(?:once|twice|{_NUM_STRICT}\s+times)\s+(?:in|during|within)\s+(?:any|each|every|a)\s+(?:{_NUM_STRICT}[\s-]+)?"
        r"(?:calendar\s+|business\s+|working\s+)?(?:hour|day|week|month|quarter|year|period)s?\b|"
        rf"\bintervals?\s+of\s+(?:not\s+more\s+than\s+|no\s+more\s+than\s+|up\s+to\s+|at\s+most\s+)?{_NUM_STRICT}\s*{_UNIT}",
        _I),
    # counts and limits: "no more than 5", "at least two", "a minimum of one", "20 engineers"
    "quantity": re.compile(
        rf"\b(?:no|not)\s+(?:more|fewer|less)\s+than\s+{_NUM_STRICT}\b|"
        rf"\b(?:at\s+least|a\s+minimum\s+of|minimum\s+of|a\s+maximum\s+of|maximum\s+of|up\s+to|fewer\s+than|"
        rf"less\s+than|more\s+than|in\s+excess\s+of|not\s+exceeding|exceeding)\s+{_NUM_STRICT}\b|"
        r"\b\d+(?:[.,]\d+)?\s*(?:users?|engineers?|staff|personnel|FTEs?|complaints?|incidents?|tickets?|"
        r"calls?|GB|TB|MB|Mbps|Gbps|copies|sites?|servers?|devices?|seats?)\b", _I),
    # a named, checkable standard
    "standard": re.compile(
        r"\bISO(?:/IEC)?\s*\d{4,5}|\bSOC\s*[123]\b|\bPCI[- ]DSS\b|\bNIST\s+(?:SP\s+)?\d{3}|\bFedRAMP\b|"
        r"\bCyber\s+Essentials\b|\bWCAG\s*\d|\bBS\s*\d{4,5}|\bSSAE\s*\d+|\bSAS\s*70\b|\bCIS\s+Benchmarks?\b", _I),
}
# what each kind counts as "measured" unless a rule says otherwise
KIND_MEASURES = {
    "time": ("duration", "clock", "deadline"),
    "effort": ("duration", "clock", "deadline", "percent"),
    "frequency": ("frequency", "deadline"),
    "quality": ("percent", "quantity", "duration", "standard"),
    "discretion": ("duration", "clock", "window", "deadline", "percent", "frequency"),
}
KIND_MEASURE_WINDOW = {"quality": 10}
KIND_HEAD_NOUN = {"quality": True}
# Performance work statements write their standards in the present tense ("Reports are
# submitted ...", "Evaluations are thorough"); in such a document "is/are" states a duty.
PERFORMANCE_STANDARDS = re.compile(
    r"\bperformance\s+(?:work\s+statement|standards?|requirements\s+summary)\b|\bacceptable\s+quality\s+levels?\b|"
    r"\bquality\s+assurance\s+surveillance\s+plan\b", _I)
# ... but only where a work product is the subject: "Product evaluations are thorough", not
# "users of information technology are aware"
_COPULA = re.compile(
    r"\b(?:reports?|evaluations?|requests?|calls?|tickets?|actions?|services?|support|procedures?|deliverables?|"
    r"documentation|documents?|entries|updates?|work|issues?|problems?|incidents?|messages?|e-?mails?|responses?|"
    r"repairs?|reviews?|surveys?|forms?|projects?|backups?|logs?|changes|records?|plans?|tasks?|referrals?|"
    r"complaints?|minutes|agendas?|invoices?|statistics|analys[ie]s|assessments?|tests?|fixes|patches|upgrades?|"
    r"installations?|staff|personnel|technicians?|engineers?)\s+(?P<cop>is|are)\b", _I)
# words that end the noun phrase after a vague adjective ("adequate workforce | for ...")
_STOP = set("""a an the this that these those and or but nor for to of in on at by with from as than then if when where
while which who whom whose what is are was were be been being will shall must may can could would should has have had
do does did not no its their his her our your my it they we you he she there here so such all any each every some per
via into onto upon within without between among across after before during under over through throughout until unless
because since also only just even more most less least very quite rather""".split())
KIND_UNDER_PERMISSION = {"frequency": "flag", "discretion": "unless_customer"}
KIND_OBLIGATION = {"effort": "self"}
KIND_REFERENCED = {"effort": False}

# A pointer to the table / schedule / service levels that measure the obligation.
_REF_TARGET = (r"(?:the\s+)?(?:(?:applicable|relevant|following|attached|agreed)\s+)?"
               r"(?:table|schedule|appendix|annex(?:ure)?|exhibit|attachment|service\s+levels?|service\s+level\s+"
               r"(?:agreement|schedule|table|matrix)|sla|order\s+form|statement\s+of\s+work|sow|response\s+(?:and\s+"
               r"resolution\s+)?times?|resolution\s+times?|target\s+times?|timetable|priority\s+(?:table|matrix)|"
               r"kpis?|key\s+performance\s+indicators?|below|above)")
CROSS_REFERENCE = re.compile(
    r"\b(?:as|where|when)\s+(?:(?:further|more\s+fully|more\s+particularly)\s+)?"
    r"(?:set\s+out|set\s+forth|specified|described|defined|detailed|stated|provided|listed|shown|identified|"
    r"prescribed|agreed|measured)\s+(?:in|at|under|by|within)\s+" + _REF_TARGET + r"|"
    r"\b(?:in\s+accordance\s+with|pursuant\s+to|subject\s+to|consistent\s+with|in\s+line\s+with|as\s+per|per)\s+"
    + _REF_TARGET + r"|"
    r"\bwithin\s+the\s+(?:(?:applicable|relevant|agreed)\s+)?(?:\w+\s+){0,3}?(?:times?|periods?|timescales?|"
    r"time\s?frames?|deadlines?|service\s+levels?)\s+(?:set\s+out|set\s+forth|specified|stated|defined|described|"
    r"listed|shown|prescribed)\s+(?:in|at|under|below|above)\b", _I)
CROSS_REFERENCE_CS = re.compile(  # "within the Response Times", "in accordance with the Service Levels"
    r"\b(?:within|in\s+accordance\s+with)\s+the\s+(?:applicable\s+|relevant\s+)?"
    r"(?:[A-Z][\w-]*\s+){0,3}(?:Times?|Periods?|Levels?|Targets?|Timescales?|Windows?|Matrix|KPIs?)\b")
# "… notwithstanding the requirements of this agreement": a promise on top of measured duties
BEYOND_MEASURE = re.compile(
    r"\b(?:notwithstanding|in\s+addition\s+to|over\s+and\s+above|without\s+prejudice\s+to)\s+(?:the|any|its)\s+"
    r"(?:\w+\s+)?(?:requirements|service\s+levels|targets|obligations|response\s+times|commitments)\b", _I)

# --- obligation markers ------------------------------------------------------
DUTY, PERM, NEG, NONDUTY = "duty", "permission", "negated", "non-duty"
# Each alternative of these starts at a word boundary: "\b(?:A|B|...)" tries the alternatives only
# where a word starts, and is the same as "\bA|\bB|...".
_NEG_RE = re.compile(
    r"\b(?:(?:shall|will|must|should|may)\s+not\s+(?:be\s+)?(?:required|obliged|obligated|bound|expected|responsible|"
    r"liable)\s+(?:to|for)\b|"
    r"(?:shall|will|must|should|may|can|need|do|does|did)\s+not\b|(?:shan't|won't|mustn't|can't|cannot|"
    r"needn't|doesn't|don't)\b|(?:is|are|be|was|were)\s+not\s+(?:required|obliged|obligated|bound|responsible|"
    r"expected|committed|liable)\b|(?:has|have|bears?|assumes?)\s+no\s+(?:obligation|duty|responsibility|"
    r"liability)\b|(?:is|are)\s+under\s+no\s+obligation\b|nothing\s+(?:in|herein|contained|under)\b|"
    r"neither\b[^.;]{0,60}\bnor\b|never\b|"
    r"nothing\s+(?:in|herein|contained|under|in\s+this)\b[^.;]{0,100}?\b(?:shall|will|is\s+intended\s+to|may|obliges?|"
    r"requires?)\b|(?:neither|no)\s+party\s+(?:shall|will|may|is)\b)", _I)
_NONDUTY_RE = re.compile(
    r"\b(?:(?:would|might)\b|there\s+(?:will|shall)\s+(?:\w+ly\s+)?be\b|"
    r"will\s+(?:\w+ly\s+)?(?:result\s+in|be\s+deemed|constitute|mean|imply|depend|survive|prevail|govern|"
    r"expire|lapse|vary|apply)\b)", _I)
_PERM_RE = re.compile(
    r"\b(?:(?:may|can|could)\b|(?:is|are|be|shall\s+be|will\s+be)\s+(?:entitled|permitted|allowed|free|authori[sz]ed)"
    r"\s+to\b|(?:has|have|shall\s+have|will\s+have)\s+the\s+(?:right|option)\b|reserves?\s+the\s+right\b|"
    r"at\s+(?:its|their|our|his|her)\s+(?:sole\s+|absolute\s+)?option\b|(?:chooses|elects?|decides)\s+to\b)", _I)
# "'ll" cannot start where a word does, so it may come last
_DUTY_RE = re.compile(
    r"\b(?:(?:shall|must|should)\b|will\b|(?:agree[sd]?|undertakes?|undertook|commits?|committed|"
    r"covenants?|promises?|pledges?)\s+to\b|(?:is|are|be|remains?|shall\s+be|will\s+be)\s+(?:required|obliged|"
    r"obligated|expected|requested|asked|responsible|committed|bound)\s+(?:to|for)\b|(?:is|are)\s+to\s+be\b|"
    r"(?:has|have)\s+to\b|needs?\s+to\b|warrants?\b|warranties\b|guarantees?\b|guaranteed\b|"
    r"(?:aims?|strives?|endeavou?rs?|seeks?|tries|attempts?|intends?|targets?)\s+to\b|represents?\s+(?:and\s+"
    r"warrants?\s+)?that\b|"
    r"our\s+(?:goal|aim|objective|target|commitment|promise|policy)\s+is\b|we\s+are\s+committed\b)|'ll\b", _I)
_AGREE_THAT = re.compile(r"\b(?:agree[sd]?|accepts?|confirms?)\s+that\b", _I)
# "we respond …", "our team resolves …": a present-tense promise in a support policy
_WE_PROMISE = re.compile(
    r"\b(?:[Ww]e|[Oo]ur\s+(?:\w+\s+)?(?:team|staff|engineers|technicians|support|helpdesk|help\s+desk|service\s+desk))"
    r"\s+(?:\w+ly\s+)?(?!(?:may|might|can|could|would|should|will|shall|must|do|did|does|are|were|was|is|have|had|"
    r"has|believe|think|understand|hope|feel|know|expect|assume|consider|anticipate|reserve|regret|see|want|wish|"
    r"need|also|not|only|cannot|use|call|refer|mean|classify|define|describe|categori[sz]e|list|explain|outline|"
    r"recommend|suggest|treat|note|aim|strive|try|endeavou?r|seek|target)\b)[a-z]{3,}\b")
_PARTY_PROMISE = re.compile(
    r"\b(?:supplier|provider|vendor|contractor|licensor|reseller|consultant|msp)\s+(?:\w+ly\s+)?"
    r"(?:responds|provides|resolves|offers|delivers|performs|maintains|monitors|ensures|guarantees|commits|"
    r"undertakes|acknowledges|restores|repairs|notifies|supplies|supports|handles|represents|"
    r"has\s+(?:in\s+place|established|implemented|adopted|taken))\b", _I)
# "are immediately assigned", "is promptly notified": a performance standard in the present tense
_MANNER_ADVERBS = {"thoroughly", "properly", "adequately", "appropriately", "suitably", "sufficiently",
                   "effectively", "efficiently", "professionally", "satisfactorily", "diligently"}
_PASSIVE_PROMISE = re.compile(
    r"\b(?:is|are|gets?)\s+(?:\w+ly\s+)?(?:(?:[a-z]+(?:ed|en|wn)|made|kept|sent|set|put|held|built|run|done|dealt\s+with)\s+)?$",
    _I)
_IMPERATIVE = re.compile(
    r"(?:provide|maintain|ensure|respond|deliver|submit|notify|inform|advise|resolve|restore|repair|replace|perform|"
    r"attend|prepare|keep|report|review|update|monitor|assist|support|conduct|develop|establish|implement|take|"
    r"make|give|track|test|install|apply|escalate|investigate|document|correct|fix|complete|communicate|"
    r"coordinate|protect|comply|cooperate|co-operate|help|produce|survey|forward|convey|evaluate|answer|dispatch|"
    r"log|record|secure|train|manage|operate|facilitate|schedule|meet|send|issue|offer|supply|handle|address|"
    r"remediate|patch|upgrade|verify|confirm|participate|reply|contact|deploy|configure|acknowledge|back\s+up|"
    r"retain|store|delete|return|remove|carry\s+out|follow|adhere|set\s+up|keep|have|not)"
    r"\s+(?!of\b|is\b|are\b|was\b|were\b|will\b|shall\b|must\b|may\b|and\b|or\b|for\b|to\b|by\b|in\b|on\b|at\b)", _I)
_CONDITION_START = re.compile(
    r"(?:if|where|when|whenever|unless|should|in\s+the\s+event|in\s+case|to\s+the\s+extent)\b", _I)
_LEADING_PURPOSE = re.compile(
    r"\s*(?:to\s+(?:ensure|enable|allow|help|make\s+sure|facilitate|avoid)|in\s+order\s+to|so\s+that|so\s+as\s+to)\b", _I)
_PURPOSE = re.compile(r"\b(?:in\s+order\s+to|so\s+as\s+to|so\s+that|in\s+an\s+effort\s+to)\b", _I)
_LOCAL_NEG_BEFORE = re.compile(r"\b(?:not|never|no|nor|cannot|n't)\s+(?:\w+\s+){0,1}$", _I)
_LOCAL_NEG_AFTER = re.compile(r"^\s*(?:not|never)\b", _I)
_DESPITE = re.compile(r"\b(?:despite|notwithstanding|regardless\s+of|in\s+spite\s+of)\s+(?:\S+\s+){0,4}$", _I)

CUSTOMER = re.compile(
    r"\b(?:customers?|clients?|buyers?|purchasers?|licensees?|subscribers?|you|your|government|agency|"
    r"authority|council|contracting\s+officer|end\s+users?)\b|\b(?:COTR|COR|CO)\b", _I)
PROVIDER = re.compile(
    r"\b(?:suppliers?|providers?|vendors?|contractors?|licensors?|resellers?|consultants?|we|us|our|msp)\b", _I)
_PARTY = re.compile(CUSTOMER.pattern + "|" + PROVIDER.pattern, _I)

_ENUM = re.compile(
    r"^\s*(?:(?:#{1,6}|\(?\d{1,3}(?:\.\d{1,3})*\.?\)?|\(?[a-zA-Z]\)|\(?[ivxlcIVXLC]{1,6}\)|[a-zA-Z]\.|"
    r"[•●▪◦■\-\*–§]|o(?=\s))\s+)+")
_HEADING_LINE = re.compile(
    r"^\s*(?:#{1,6}\s*|(?:[A-Z]\.)?\d{1,3}(?:\.\d{1,3})*\.?\s+|[A-Z]\.\s+|(?:article|section|clause|part|schedule|"
    r"appendix|annex|exhibit)\s+[\w.]+\s*[-–:.]?\s*)", _I)
_DEFINITION = re.compile(
    r"^\s*(?:for\s+the\s+purposes?\s+of\s+[^,]{1,60},\s*)?(?:the\s+term\s+)?[*_]*[\"“‘'][^\"”’]{1,80}[\"”’'][*_]*"
    r"(?:\s*(?:or|and)\s+[*_]*[\"“‘'][^\"”’]{1,80}[\"”’'][*_]*)?\s*(?:\([^)]{0,60}\)\s*)?,?\s*"
    r"(?:means|shall\s+mean|mean|has\s+the\s+meaning|shall\s+have\s+the\s+meaning|have\s+the\s+meaning|refers?\s+to|"
    r"is\s+defined\s+as|shall\s+be\s+defined|includes|shall\s+include|is|are|:)\b", _I)
_DEFINITION_UNQUOTED = re.compile(
    r"^\s*(?!(?:This|That|These|Those|It|Which|Such|What|Here|There|Failure|Any|All|Each)\b)"
    r"(?:(?:[A-Z][\w/&-]*\s+){0,5}[A-Z][\w/&-]*\s+(?:means|refers\s+to|is\s+defined\s+as|has\s+the\s+meaning)|"
    r"[A-Z][\w/&-]*(?:\s+[\w/&-]+){0,5}\s+(?:shall\s+mean|is\s+defined\s+as))\b")
_DEF_LIST = re.compile(r"\n\s*:\s+")
_GLOSSARY = re.compile(
    r"^\s*[*_]*(?:[A-Z][\w/&'’()-]*\s+){0,5}[A-Z][\w/&'’()-]*[*_]*\s*:\s+(?=[a-z]|(?:a|an|the|any|each)\b)")
_RECITAL = re.compile(r"^\s*(?:whereas|recitals?|background|preamble)\b", _I)
_DEFINED_TERM = re.compile(
    r"[\"“]([A-Z][^\"”]{1,60})[\"”][*_]*\s*(?:\)|means|shall\s+mean|has\s+the\s+meaning|refers|is\s+defined|:|,|"
    r"or\s+[\"“])", _I)
_QUOTED = re.compile(r"[\"“]([^\"”\n]{1,60})[\"”]")
_TITLE_WORD = re.compile(r"[A-Z][\w'’-]*")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")
_COORD_GAP = re.compile(r"^\s*(?:,|,?\s*(?:and|or|and/or|&)|/)\s*$", _I)
_UNIT_CUT = re.compile(
    r";\s*(?!(?:and\s+|but\s+|or\s+)?(?:in\s+any\s+(?:event|case)|provided|save|except)\b)|"
    r"\n(?=\s*(?:\(?\d{1,3}(?:\.\d{1,3})*[.)]|\(?[a-zA-Z]\)|\(?[ivxlc]{1,6}\)|[•●▪◦■\-\*–]|o\s)\s)|"
    r",?\s+\b(?:and|but|or|whereas|while)\s+(?=(?:[\w’'-]+\s+){0,3}?(?:will|shall|must|may|agrees?|undertakes?)\b)"
    r"|\s+[–—-]\s+(?=[\w’'-]+\s+(?:will|shall|must|may|'ll)\b)|\s+[–—]\s+(?=we['’]ll\b)|,\s+(?=which\b)"
    # a table row handed over as one "sentence": cells, and sentences inside a cell
    r"|\s+\|\s+|(?<=[a-z0-9)][.!?])(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bno\.)(?<!\bvs\.)(?<!\bst\.)(?<!\bco\.)"
    r"(?<!\binc\.)(?<!\bltd\.)\s+(?-i:(?=[A-Z]))", _I)

# a lead-in that ends on its modal: "The Supplier shall", "The Customer agrees to:"
_LEAD_IN_END = re.compile(r"\b(?:will|shall|must|agrees? to|undertakes? to)\s*[;:,]?\s*$", _I)

_SEV_ORDER = {"high": 0, "medium": 1, "low": 2}


# --------------------------------------------------------------------------- #
# Rules
# --------------------------------------------------------------------------- #


@dataclass
class VagueRule:
    id: str
    kind: str
    message: str
    why: str
    suggest: str
    severity: str
    patterns: list[str]
    compiled: list[re.Pattern]
    unless_measured: bool = True
    measures: tuple[str, ...] = ()
    measure_window: Optional[int] = None
    unless_referenced: bool = True
    obligation: str = "required"  # required | self
    head_noun: bool = False  # report "adequate workforce", not just "adequate"
    under_permission: str = "skip"  # skip | flag | unless_customer
    exceptions: list[re.Pattern] = field(default_factory=list)
    exception_sources: list[str] = field(default_factory=list)
    examples: dict = field(default_factory=dict)
    file: str = ""
    order: int = 0

    def to_dict(self) -> dict:
        return {
            "id": self.id, "kind": self.kind, "message": self.message, "why": self.why, "doc": self.why,
            "suggest": self.suggest, "severity": self.severity, "patterns": list(self.patterns),
            "unless_measured": self.unless_measured, "measures": list(self.measures),
            "measure_window": self.measure_window, "unless_referenced": self.unless_referenced,
            "obligation": self.obligation, "under_permission": self.under_permission, "head_noun": self.head_noun,
            "exceptions": list(self.exception_sources), "examples": self.examples, "file": self.file,
        }

    def render(self, text: str) -> str:
        return self.message.replace("{match}", text)


_RULE_KEYS = {"id", "message", "why", "suggest", "severity", "patterns", "unless_measured", "measures",
              "measure_window", "unless_referenced", "obligation", "under_permission", "exceptions", "examples",
              "head_noun"}


def _compile(pattern: str, macros: dict, where: str) -> re.Pattern:
    for name, value in macros.items():
        pattern = pattern.replace("{{" + name + "}}", value)
    if "{{" in pattern:
        raise ValueError(f"{where}: unknown macro in pattern {pattern!r}")
    try:
        return re.compile(pattern, _I)
    except re.error as exc:
        raise ValueError(f"{where}: bad regular expression {pattern!r}: {exc}") from None


# --------------------------------------------------------------------------- #
# Which patterns could match which sentence
# --------------------------------------------------------------------------- #
# Most patterns match nowhere in most sentences. Each pattern is read once (Python's own regex
# parser) for the literal strings it needs: "\bhigh\s+levels?\s+of\s+(?:availability|service)"
# needs "high" and "level" and one of "availability", "service". A sentence that lacks one of
# them cannot match, and the pattern is not run on it: the answer is the same, only sooner.
# The literals are looked up per document, not per sentence: in the distinct whitespace-free
# chunks of the document's text (a literal without whitespace lies inside one chunk), then
# mapped to the sentences holding those chunks.

try:  # Python 3.11+
    from re import _constants as _C
    from re import _parser as _P
except ImportError:  # Python 3.10
    import sre_constants as _C  # type: ignore[no-redef]
    import sre_parse as _P  # type: ignore[no-redef]

_REPEATS = tuple(op for op in (getattr(_C, "MAX_REPEAT", None), getattr(_C, "MIN_REPEAT", None),
                               getattr(_C, "POSSESSIVE_REPEAT", None)) if op is not None)
_ATOMIC = getattr(_C, "ATOMIC_GROUP", None)
# The non-ASCII characters an IGNORECASE pattern matches to an ASCII letter (tests check the list
# against ``re``): folded to that letter, a text holds an ASCII literal wherever the pattern finds it.
_FOLD_CHARS = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
_FOLD = str.maketrans(_FOLD_CHARS)
_SPELLINGS_MAX = 32  # "reasonabl[ey]" spells two literals; a longer product is not worth it


def _fold(text: str) -> str:
    return text.lower() if text.isascii() else text.translate(_FOLD).lower()


def _parse(pattern: re.Pattern):
    try:
        return _P.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - a pattern the parser cannot read gets no shortcut
        return None


def _needs(pattern: re.Pattern) -> list[frozenset[str]]:
    """Sets of lower-case ASCII literals; every match of ``pattern`` holds a member of each set."""
    tree = _parse(pattern)
    if tree is None:
        return []
    return [need for need in _sequence_needs(tree) if all(lit and lit.isascii() for lit in need)]


def _sequence_needs(items) -> list[frozenset[str]]:
    needs: list[frozenset[str]] = []
    run = [""]  # the literal strings the current stretch of the pattern can spell

    def close():
        if run != [""]:
            needs.extend(_pieces(run))
        run[:] = [""]

    for op, av in items:
        if op is _C.LITERAL:
            run[:] = [spelling + chr(av) for spelling in run]
            continue
        chars = _class_chars(av) if op is _C.IN else None
        if chars and len(run) * len(chars) <= _SPELLINGS_MAX:
            run[:] = [spelling + c for spelling in run for c in chars]
            continue
        close()
        if op is _C.SUBPATTERN:
            needs += _sequence_needs(av[-1])
        elif _ATOMIC is not None and op is _ATOMIC:
            needs += _sequence_needs(av)
        elif op is _C.ASSERT:  # what a look-ahead or look-behind sees is in the text too
            needs += _sequence_needs(av[1])
        elif op is _C.BRANCH:
            options = [_most_selective(_sequence_needs(branch)) for branch in av[1]]
            if options and all(options):
                needs.append(frozenset().union(*options))
        elif op in _REPEATS and av[0] >= 1:
            needs += _sequence_needs(av[2])
        # anything else (classes, anchors, negative look-arounds, back-references) needs nothing
    close()
    return needs


def _pieces(spellings: list[str]) -> list[frozenset[str]]:
    """The needs of a stretch that spells one of ``spellings``, as whitespace-free pieces (what
    the lookup by chunk of text can find): each piece of the one spelling, or the longest piece
    of each spelling."""
    split = [spelling.lower().split() for spelling in spellings]
    if len(split) == 1:
        return [frozenset([piece]) for piece in split[0]]
    if not all(split):
        return []
    return [frozenset(max(pieces, key=len) for pieces in split)]


def _class_chars(items) -> Optional[list[str]]:
    """The characters of a small class of plain characters ("[ey]"), else None."""
    if len(items) > 4 or any(op is not _C.LITERAL for op, _ in items):
        return None
    return [chr(av) for _, av in items]


def _most_selective(needs: list[frozenset[str]]) -> Optional[frozenset[str]]:
    """Long literals are rare ones; then fewer of them."""
    return max(needs, key=lambda need: (min(map(len, need)), -len(need)), default=None)


def _specific(literal: str) -> bool:
    """Worth looking up: "of" or "as" is in nearly every sentence, "[" or "_" in few."""
    return len(literal) >= 3 or not any(c.isalnum() for c in literal)


def _useful_needs(needs: list[frozenset[str]]) -> tuple[frozenset[str], ...]:
    """The needs worth testing: specific ones, none implied by another; else the most selective."""
    distinct = set(needs)
    kept = [need for need in distinct if all(_specific(lit) for lit in need)
            and not any(other < need for other in distinct)]
    if not kept:
        best = _most_selective(list(distinct))
        return (best,) if best else ()
    return tuple(sorted(kept, key=lambda need: (-min(map(len, need)), sorted(need))))


class _FastRegex:
    """One regex, run the fastest exact way.

    ``could_match`` first: a few substring tests for the literals every match needs. Then, on ASCII
    text, its case-sensitive twin over the lower-cased text: the same matches at the same offsets,
    several times sooner, since ``re`` compares plain characters and skips an alternative on its
    first letter. A case-sensitive pattern, or one with inline flags or escapes the twin could get
    wrong, has no twin."""

    __slots__ = ("regex", "needs", "_twin")

    def __init__(self, regex: re.Pattern):
        self.regex = regex
        self.needs = _useful_needs(_needs(regex))
        self._twin: Optional[re.Pattern] | bool = False if regex.flags & re.IGNORECASE else None  # False: not yet made

    @property
    def twin(self) -> Optional[re.Pattern]:
        if self._twin is False:
            source = _lowered_source(self.regex.pattern)
            self._twin = re.compile(source, self.regex.flags & ~re.IGNORECASE) if source is not None else None
        return self._twin

    def could_match(self, low: str) -> bool:
        for need in self.needs:
            for lit in need:
                if lit in low:
                    break
            else:
                return False
        return True

    def finditer(self, text: str, low: str):
        """``low``: ``_fold(text)``."""
        if self.twin is not None and text.isascii():
            return self.twin.finditer(low)
        return self.regex.finditer(text)

    def search(self, text: str, low: str) -> bool:
        if not self.could_match(low):
            return False
        if self.twin is not None and text.isascii():
            return self.twin.search(low) is not None
        return self.regex.search(text) is not None


_FAST: dict[re.Pattern, _FastRegex] = {}


def _fast(regex: re.Pattern) -> _FastRegex:
    fast = _FAST.get(regex)
    if fast is None:
        fast = _FAST[regex] = _FastRegex(regex)
    return fast


def _range_keeps_case(lo: int, hi: int) -> bool:
    letters = [c for c in range(max(lo, 0x41), min(hi, 0x7A) + 1) if chr(c).isalpha()]
    return not letters or 0x61 <= lo <= hi <= 0x7A or 0x41 <= lo <= hi <= 0x5A


_PLAIN_GROUPS = ("(?:", "(?P<", "(?P=", "(?=", "(?!", "(?<=", "(?<!")


def _lowered_source(source: str) -> Optional[str]:
    """``source`` with its letters in lower case (escapes and group names kept), or None when that
    would not match lower-cased text as IGNORECASE matches the original: inline flags, character
    escapes by code, back-references, cased non-ASCII characters, ranges across cases ("[A-z]")."""
    out, i = [], 0
    in_class, class_begin = False, 0
    while i < len(source):
        c = source[i]
        if c == "\\":
            code = source[i + 1:i + 2]
            if code in ("x", "u", "U", "N") or code.isdigit():
                return None
            if in_class and ((source[i + 2:i + 3] == "-" and source[i + 3:i + 4] != "]") or out[-1:] == ["-"]):
                return None  # a range with an escaped end: not worth reading
            out.append(source[i:i + 2])
            i += 2
        elif in_class:
            if c == "]":
                in_class = False
            elif c == "-" and len(out) > class_begin and source[i + 1:i + 2] not in ("]", "\\"):
                if not _range_keeps_case(ord(source[i - 1]), ord(source[i + 1])):
                    return None
            if not c.isascii() and (c.lower() != c or c.upper() != c):
                return None
            out.append(c.lower())
            i += 1
        elif c == "[":
            in_class = True
            out.append(c)
            i += 1
            if source.startswith("^", i):
                out.append("^")
                i += 1
            class_begin = len(out)
            if source.startswith("]", i):  # a "]" first in a class is a plain character
                out.append("]")
                i += 1
        elif source.startswith("(?", i):
            if not source.startswith(_PLAIN_GROUPS, i):
                return None
            if source.startswith("(?P", i):  # group names keep their case
                end = source.index(">" if source.startswith("(?P<", i) else ")", i)
                out.append(source[i:end + 1])
                i = end + 1
            else:
                out.append(source[i:i + 3])
                i += 3
        else:
            if not c.isascii() and (c.lower() != c or c.upper() != c):
                return None
            out.append(c.lower())
            i += 1
    return "".join(out)


class _Prefilter:
    """The needs of every pattern of a lexicon, answering "which patterns could match which sentence?"."""

    def __init__(self, rules: list[VagueRule]):
        self.entries = [(k, rx, _fast(rx).needs) for k, rule in enumerate(rules) for rx in rule.compiled]
        self.literals = tuple(sorted({lit for _, _, needs in self.entries for need in needs for lit in need}))

    def candidates(self, texts: list[str], selected: Optional[set[int]] = None) -> dict[int, list[tuple[int, re.Pattern]]]:
        """Text position -> the (rule position, pattern) pairs that could match the text, in lexicon
        order; texts no pattern could match are left out. ``selected``: the rule positions to
        consider (None: all)."""
        holders = self._holders([_fold(t) for t in texts])
        out: dict[int, list[tuple[int, re.Pattern]]] = {}
        every_text = (1 << len(texts)) - 1
        need_holders: dict[frozenset[str], int] = {}
        for k, rx, needs in self.entries:
            if selected is not None and k not in selected:
                continue
            hits = every_text
            for need in needs:
                held = need_holders.get(need)
                if held is None:
                    held = 0
                    for lit in need:
                        held |= holders.get(lit, 0)
                    need_holders[need] = held
                hits &= held
                if not hits:
                    break
            for i in _bit_positions(hits):
                pairs = out.get(i)
                if pairs is None:
                    pairs = out[i] = []
                pairs.append((k, rx))
        return out

    def _holders(self, lows: list[str]) -> dict[str, int]:
        """literal -> the set of (folded) texts that contain it, as bits of an int (text i: bit i)."""
        chunks = [low.split() for low in lows]
        vocabulary = list(set(itertools.chain.from_iterable(chunks)))
        joined = "\n".join(vocabulary)  # no chunk and no literal holds whitespace
        starts = list(itertools.accumulate((len(c) + 1 for c in vocabulary[:-1]), initial=0))
        starts.append(len(joined) + 1)
        containing: dict[str, list[str]] = {}
        for lit in self.literals:
            at = joined.find(lit)
            while at >= 0:
                c = bisect.bisect_right(starts, at) - 1
                containing.setdefault(lit, []).append(vocabulary[c])
                at = joined.find(lit, starts[c + 1])
        relevant = set().union(*containing.values())
        chunk_holders = dict.fromkeys(relevant, 0)
        for i, text_chunks in enumerate(chunks):
            found = relevant.intersection(text_chunks)
            if found:
                bit = 1 << i
                for c in found:
                    chunk_holders[c] |= bit
        holders = {}
        for lit, cs in containing.items():
            held = 0
            for c in cs:
                held |= chunk_holders[c]
            holders[lit] = held
        return holders


def _bit_positions(bits: int) -> list[int]:
    """The positions of the set bits of ``bits``, lowest first."""
    if not bits:
        return []
    digits = bin(bits)
    top = len(digits) - 1
    out = []
    at = digits.rfind("1")
    while at > 1:
        out.append(top - at)
        at = digits.rfind("1", 2, at)
    return out


class VagueLexicon:
    """The vague-term rules of ``rules/vague/*.yml`` and the check that applies them."""

    def __init__(self, rules: list[VagueRule]):
        self._rules = rules
        self._prefilter: Optional[_Prefilter] = None  # built on first use (parses every pattern)
        self._position = {id(rule): k for k, rule in enumerate(rules)}

    def _plans(self, texts: list[str], selected: Optional[set[int]]) -> list[list]:
        """For each text, the (rule, patterns) that could match it, in rule and pattern order."""
        if self._prefilter is None:
            self._prefilter = _Prefilter(self._rules)
        rules = self._rules
        plans: list[list[tuple[VagueRule, list[re.Pattern]]]] = [[]] * len(texts)  # the empty plan, shared
        for i, pairs in self._prefilter.candidates(texts, selected).items():
            plan: list[tuple[VagueRule, list[re.Pattern]]] = []
            last = -1
            for k, rx in pairs:
                if k != last:
                    plan.append((rules[k], []))
                    last = k
                plan[-1][1].append(rx)
            plans[i] = plan
        return plans

    # -- loading ---------------------------------------------------------------
    @classmethod
    def load(cls, folder=RULES_DIR / "vague") -> "VagueLexicon":
        folder = Path(folder)
        files = sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml"))
        if not files:
            raise ValueError(f"{folder}: no vague-term rule files (*.yml)")
        rules: list[VagueRule] = []
        seen: dict[str, str] = {}
        for path in files:
            try:
                data = yamlfile.load(path.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as exc:
                raise ValueError(f"{path}: not valid YAML: {exc}") from None
            kind = data.get("kind")
            if kind not in KINDS:
                raise ValueError(f"{path}: 'kind' must be one of {', '.join(KINDS)}, not {kind!r}")
            macros = {str(k): str(v) for k, v in (data.get("macros") or {}).items()}
            defaults = data.get("defaults") or {}
            for n, raw in enumerate(data.get("rules") or []):
                rid = str(raw.get("id", "")).strip() if isinstance(raw, dict) else ""
                where = f"{path} rule {rid or '#' + str(n + 1)}"
                if not rid:
                    raise ValueError(f"{where}: missing 'id'")
                unknown = set(raw) - _RULE_KEYS
                if unknown:
                    raise ValueError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
                if rid in seen:
                    raise ValueError(f"{where}: duplicate id (also in {seen[rid]})")
                seen[rid] = str(path)
                opt = {**defaults, **raw}
                for key in ("message", "why", "suggest", "severity", "patterns"):
                    if not opt.get(key):
                        raise ValueError(f"{where}: missing '{key}'")
                if opt["severity"] not in SEVERITIES:
                    raise ValueError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
                patterns = opt["patterns"]
                if isinstance(patterns, str) or not isinstance(patterns, list):
                    raise ValueError(f"{where}: 'patterns' must be a list of regular expressions")
                compiled = [_compile(str(p), macros, where) for p in patterns]
                exc_src = [str(p) for p in (opt.get("exceptions") or [])]
                exceptions = [_compile(p, macros, where + " (exception)") for p in exc_src]
                measures = tuple(opt.get("measures") or KIND_MEASURES[kind])
                bad = [m for m in measures if m not in MEASURES]
                if bad:
                    raise ValueError(f"{where}: unknown measure(s) {bad}; known: {', '.join(MEASURES)}")
                obligation = opt.get("obligation", KIND_OBLIGATION.get(kind, "required"))
                if obligation not in ("required", "self"):
                    raise ValueError(f"{where}: obligation must be 'required' or 'self'")
                under = opt.get("under_permission", KIND_UNDER_PERMISSION.get(kind, "skip"))
                if under not in ("skip", "flag", "unless_customer"):
                    raise ValueError(f"{where}: under_permission must be skip, flag or unless_customer")
                examples = opt.get("examples") or {}
                rules.append(VagueRule(
                    id=rid, kind=kind, message=str(opt["message"]), why=str(opt["why"]),
                    suggest=str(opt["suggest"]), severity=opt["severity"], patterns=[str(p) for p in patterns],
                    compiled=compiled, unless_measured=bool(opt.get("unless_measured", True)),
                    measures=measures, measure_window=opt.get("measure_window", KIND_MEASURE_WINDOW.get(kind)),
                    unless_referenced=bool(opt.get("unless_referenced", KIND_REFERENCED.get(kind, True))),
                    obligation=obligation, under_permission=under, exceptions=exceptions,
                    head_noun=bool(opt.get("head_noun", KIND_HEAD_NOUN.get(kind, False))),
                    exception_sources=exc_src,
                    examples={"fail": list(examples.get("fail") or []), "pass": list(examples.get("pass") or [])},
                    file=path.name, order=len(rules)))
        return cls(rules)

    # -- introspection -----------------------------------------------------------
    def rules(self) -> list[dict]:
        return [r.to_dict() for r in self._rules]

    def pattern_count(self) -> int:
        return sum(len(r.patterns) for r in self._rules)

    def _selected(self, select: Iterable[str], ignore: Iterable[str]) -> list[VagueRule]:
        sel = tuple(s.upper() for s in select if s)
        ign = tuple(s.upper() for s in ignore if s)
        return [r for r in self._rules
                if (not sel or r.id.upper().startswith(sel)) and not (ign and r.id.upper().startswith(ign))]

    # -- the check ---------------------------------------------------------------
    def find(self, sentences: list[SentenceInput], select: tuple[str, ...] = (),
             ignore: tuple[str, ...] = ()) -> list[Finding]:
        rules = self._selected(select, ignore)
        if not rules or not sentences:
            return []
        selected = None if len(rules) == len(self._rules) else {self._position[id(r)] for r in rules}
        texts = [_normalize(s.text) for s in sentences]
        plans = self._plans(texts, selected)
        defined = _defined_terms(texts)
        standards = _speaks_of_performance_standards(sentences)
        out: list[Finding] = []
        seen: set[tuple[str, int]] = set()
        lead_in = False
        for s, text, plan in zip(sentences, texts, plans):
            if not (plan or lead_in or _ends_like_lead_in(text)):
                continue  # nothing to find, and the next sentence is not led in
            ctx = _Sentence(s, text, defined, lead_in, standards)
            lead_in = ctx.lead_in_after()
            if not plan:
                continue
            for f in ctx.findings(plan):
                key = (f.rule, f.start)
                if key not in seen:
                    seen.add(key)
                    out.append(f)
        out.sort(key=lambda f: (f.start, f.end, f.rule))
        return out

    def find_in_text(self, text: str, **kw) -> list[Finding]:
        """Convenience for tests and ad-hoc use: treat ``text`` as one sentence of one clause."""
        return self.find([SentenceInput(text, 0, len(text), None, None, text)], **kw)


# --------------------------------------------------------------------------- #
# Internals
# --------------------------------------------------------------------------- #


def _defined_terms(texts: list[str]) -> set[str]:
    """Terms the document defines or puts in quotes as terms: '"Business Day" means', '(the "Plan")'.

    ``texts``: the sentences, normalised (curly quotes are straight there)."""
    terms: set[str] = set()
    for text in texts:
        if '"' in text:
            for m in _DEFINED_TERM.finditer(text):
                terms.add(_norm(m.group(1)))
            for m in _QUOTED.finditer(text):
                t = m.group(1).strip()
                if t[:1].isupper() and len(t.split()) <= 6:
                    terms.add(_norm(t))
        if "\n" in text and ":" in text:
            lines = text.split("\n")
            for i, line in enumerate(lines[:-1]):  # markdown definition lists: "Term\n:   definition"
                if _DEF_LIST_LINE.match(lines[i + 1]) and 0 < len(line.split()) <= 6:
                    terms.add(_norm(line))
    return {t for t in terms if t}


_DEF_LIST_LINE = re.compile(r"^\s*:\s+")


def _speaks_of_performance_standards(sentences: list[SentenceInput]) -> bool:
    """One search over the document: no part of the pattern can match the NUL that joins the sentences,
    and NUL is a non-word character like the ends of a sentence, so it finds what a search per sentence finds."""
    return bool(PERFORMANCE_STANDARDS.search("\0".join(s.text for s in sentences)))


_NORMALIZE = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u00a0": " ", "\u2019": "'",
                            "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00ad": "-", "\u2032": "'"})


def _normalize(text: str) -> str:
    """Same-length normalisation (hyphens, quotes, spaces) so offsets stay valid."""
    return text if text.isascii() else text.translate(_NORMALIZE)


def _norm(s: str) -> str:
    return " ".join(_WORD.findall(s.lower()))


class _once:
    """A property computed on first use and then stored on the instance (``functools.cached_property``
    takes a lock on every first use in Python 3.11; a sentence is never shared between threads)."""

    def __init__(self, compute):
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.compute(obj)
        return value


@dataclass
class _Marker:
    start: int
    end: int
    cls: str


class _Sentence:
    """One sentence with its units, markers and guards."""

    def __init__(self, s: SentenceInput, text: str, defined: set[str], lead_in_before: bool,
                 standards: bool = False):
        """``text``: ``s.text`` normalised. Everything else is computed when first needed: most
        sentences only pass on whether they lead in a list."""
        self.s = s
        self.standards = standards
        self.orig = s.text
        self.text = text
        self.defined = defined
        self.lead_in_before = lead_in_before

    # -- structure ---------------------------------------------------------------
    @_once
    def low(self) -> str:
        """The text folded for literal tests and lower-case twins (see ``_FastRegex``)."""
        return _fold(self.text)

    @_once
    def _body(self) -> str:
        return _ENUM.sub("", self.text, count=1)

    @_once
    def is_list_item(self) -> bool:
        return bool(_ENUM.match(self.text)) or self._body[:1].islower()

    @_once
    def skip_all(self) -> bool:
        return (self.s.is_heading or self.s.is_definition or _looks_like_heading(self.text)
                or _looks_like_definition(self.text) or bool(_RECITAL.match(self._body)))

    @_once
    def inherit(self) -> bool:
        return self.lead_in_before and self.is_list_item

    @property
    def units(self) -> list[tuple[int, int]]:
        return self._structure[0]

    @property
    def unit_kind(self) -> dict[int, str]:
        return self._structure[1]

    @_once
    def _structure(self) -> tuple[list[tuple[int, int]], dict[int, str]]:
        """The units (spans) and how each one was cut from the one before it."""
        cuts, kinds = [0], ["start"]
        for m in _UNIT_CUT.finditer(self.text):
            cuts.append(m.start())
            kinds.append(_cut_kind(m.group(0)))
        cuts.append(len(self.text))
        units, unit_kind = [], {}
        for (a, b), kind in zip(zip(cuts, cuts[1:]), kinds):
            if b > a:
                units.append((a, b))
                unit_kind[a] = kind
        if not units:
            units = [(0, len(self.text))]
            unit_kind[0] = "start"
        return units, unit_kind

    def _unit_of(self, pos: int) -> tuple[int, int]:
        for a, b in self.units:
            if a <= pos < b:
                return a, b
        return self.units[-1]

    @_once
    def markers(self) -> list[_Marker]:
        """Computed when a guard first needs them: most sentences have no candidate and never do."""
        return self._markers()

    def _markers(self) -> list[_Marker]:
        t = self.text
        found: list[_Marker] = []
        taken: list[tuple[int, int]] = []

        def add(regex, cls, check=None):
            fast = _fast(regex)
            if not fast.could_match(self.low):
                return
            for m in fast.finditer(t, self.low):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                if check and not check(m):
                    continue
                taken.append((m.start(), m.end()))
                found.append(_Marker(m.start(), m.end(), cls))

        add(_NEG_RE, NEG)
        add(_NONDUTY_RE, NONDUTY)
        add(_PERM_RE, PERM)
        add(_DUTY_RE, DUTY)
        add(_AGREE_THAT, DUTY, lambda m: bool(re.search(r"\w", t[max(0, m.start() - 40):m.start()]))
            and not re.search(r"(?:^|[.:;]\s*|\n\s*(?:\d+\.|\(?[a-z]\)))\s*$", t[:m.start()]))
        add(_WE_PROMISE, DUTY)
        add(_PARTY_PROMISE, DUTY)
        copula = _fast(_COPULA)
        if self.standards and copula.could_match(self.low):
            for m in copula.finditer(t, self.low):
                a, b = m.span("cop")
                if not any(a < e and s < b for s, e in taken):
                    taken.append((a, b))
                    found.append(_Marker(a, b, DUTY))
        # imperative at the start of a unit ("Provide courteous service", "(b) respond …")
        for a, b in self.units:
            seg = t[a:b]
            lead = _ENUM.match(seg)
            off = lead.end() if lead else len(seg) - len(seg.lstrip())
            rest = seg[off:]
            # "Provide courteous service" is an order; "Help Desk Support" is a title
            if (_IMPERATIVE.match(rest) and not re.match(r"(?:not|have)\b", rest, _I)
                    and not re.match(r"[A-Z][\w-]*\s+(?!(?:The|All|A|An|Each|Every|Any|Its|Their)\b)[A-Z]", rest)):
                found.append(_Marker(a + off, a + off, DUTY))
            elif re.match(r"not\s+\w", rest) and rest[:1].islower():
                found.append(_Marker(a + off, a + off + 3, NEG))
        found.sort(key=lambda m: m.start)
        return found

    def lead_in_after(self) -> bool:
        """Whether the next sentence, if it is a list item, takes this one's duty ("The Supplier shall:")."""
        before = self.lead_in_before
        if not _ends_like_lead_in(self.text):
            return before and self.is_list_item
        if self.skip_all and not self.text.rstrip().endswith(":"):
            return before and self.is_list_item
        last = [m for m in self.markers if m.start >= self.units[-1][0]] or self.markers[-1:]
        if last and last[-1].cls == DUTY:
            return True
        return before and self.is_list_item

    # -- matching ----------------------------------------------------------------
    def findings(self, plan) -> list[Finding]:
        """``plan``: (rule, patterns) pairs to run, in rule order (VagueLexicon._plans)."""
        cands = []  # (start, end, rule)
        for rule, patterns in plan:
            spans = None
            for rx in patterns:
                for m in _fast(rx).finditer(self.text, self.low):
                    a, b = (m.span("term") if "term" in rx.groupindex and m.group("term") is not None
                            else m.span())
                    if b <= a:
                        continue
                    if rule.exceptions:
                        if spans is None:
                            spans = [x.span() for e in rule.exceptions for x in _fast(e).finditer(self.text, self.low)]
                        if any(ea <= a and b <= eb for ea, eb in spans):
                            continue
                    cands.append((a, b, rule))
        if not cands or self.skip_all:
            return []
        cands.sort(key=lambda c: (-(c[1] - c[0]), c[2].order, c[0]))
        kept: list[tuple[int, int, VagueRule]] = []
        for c in cands:
            if any(c[0] < k[1] and k[0] < c[1] for k in kept):
                continue
            kept.append(c)
        kept.sort(key=lambda c: c[0])
        good = [(a, b, r) for a, b, r in kept if self._keep(a, b, r)]
        return self._emit(self._head_nouns(self._merge(good)))

    def _head_nouns(self, items):
        """Extend an attributive vague adjective over the noun it qualifies ("adequate workforce")."""
        out = []
        for i, (a, b, r) in enumerate(items):
            limit = items[i + 1][0] if i + 1 < len(items) else len(self.text)
            if r.head_noun and not re.search(r"ly$", self.text[a:b], _I):
                for _ in range(1):
                    m = re.match(r"[ \t]+([A-Za-z][\w-]*)", self.text[b:limit])
                    if not m or m.group(1).lower() in _STOP or m.group(1).lower().endswith("ly"):
                        break
                    b += m.end()
            out.append((a, b, r))
        return out

    def _merge(self, items):
        """Coordinated vague qualifiers ("timely, responsive and effective") make one finding."""
        merged = []
        for a, b, r in items:
            if (merged and r.kind in ("time", "quality") and merged[-1][2].kind in ("time", "quality")
                    and _COORD_GAP.match(self.text[merged[-1][1]:a])):
                pa, _, pr = merged[-1]
                # keep the first rule's identity; the last part decides whether a noun follows
                merged[-1] = (pa, b, pr if pr.head_noun == r.head_noun else _with_head_noun(pr, r.head_noun))
                continue
            merged.append((a, b, r))
        return merged

    def _emit(self, items) -> list[Finding]:
        s = self.s
        out = []
        for a, b, r in items:
            text = self.orig[a:b]
            out.append(Finding(
                rule=r.id, kind=FINDING_KIND, vague_kind=r.kind, severity=r.severity, message=r.render(text),
                text=text, sentence=self.orig, clause=s.clause, page=s.page, start=s.start + a,
                end=s.start + b, why=r.why, suggest=r.suggest))
        return out

    # -- guards ------------------------------------------------------------------
    def _keep(self, a: int, b: int, rule: VagueRule) -> bool:
        t = self.text
        if self._in_heading_line(a):
            return False
        if self._defined_term(a, b):
            return False
        if _LOCAL_NEG_BEFORE.search(t[max(0, a - 30):a]) or _LOCAL_NEG_AFTER.match(t[b:b + 8]):
            return False
        if rule.kind == "effort" and _DESPITE.search(t[max(0, a - 60):a]):
            return False
        ua, ub = self._unit_of(a)
        if not self._obligation_ok(a, b, rule, ua, ub):
            return False
        if rule.unless_measured and self._measured(a, b, rule, ua, ub):
            return False
        unit = t[ua:ub]
        low = _fold(unit)
        if _fast(BEYOND_MEASURE).search(unit, low):
            return False
        if rule.unless_referenced and (_fast(CROSS_REFERENCE).search(unit, low)
                                       or _fast(CROSS_REFERENCE_CS).search(unit, low)):
            return False
        if rule.kind == "discretion" and self._customer_discretion(a, b, ua):
            return False
        return True

    def _in_heading_line(self, pos: int) -> bool:
        t = self.text
        ls = t.rfind("\n", 0, pos) + 1
        le = t.find("\n", pos)
        le = len(t) if le < 0 else le
        line = t[ls:le]
        if line.strip() == t.strip():
            return False  # the sentence is one line: whole-sentence heading test already ran
        return _looks_like_heading(line, strict=True)

    def _defined_term(self, a: int, b: int) -> bool:
        t = self.text
        # inside quotes: '"Reasonable Efforts"', '“Business Day”'
        qa = max(t.rfind('"', 0, a), t.rfind("“", 0, a))
        if qa >= 0:
            qb = min([x for x in (t.find('"', b), t.find("”", b)) if x >= 0] or [-1])
            if qb >= 0 and qb - qa < 80 and "\n" not in t[qa:qb] and t[qa] in "\"“" and t.count('"', 0, qa) % 2 == 0:
                return True
        # inside a capitalised term the document defines: "… Good Industry Practice …"
        if not t[a:a + 1].isupper():
            return False
        ws = a
        while True:
            m = re.search(r"([A-Z][\w'’-]*)\s+$", t[max(0, ws - 40):ws])
            if not m:
                break
            ws = max(0, ws - 40) + m.start(1)
        we = b
        while True:
            m = re.match(r"\s+((?:of\s+|and\s+)?[A-Z][\w'’-]*)", t[we:we + 40])
            if not m:
                break
            we = we + m.end(1)
        phrase = _norm(t[ws:we])
        core = _norm(t[a:b])
        if not phrase:
            return False
        raw_words = re.findall(r"[A-Za-z][\w'’-]*", t[ws:we])
        caps = [w for w in raw_words if w[0].isupper()]
        # A capitalised multi-word term mid-text ("Reasonable Skill and Care", "Good Industry
        # Practice") is a term of art defined here or in a document this one relies on.
        if len(caps) >= 2 and not all(w.isupper() for w in caps) and all(
                w[0].isupper() or w in ("of", "and", "or", "the", "for", "to", "in") for w in raw_words):
            if not _sentence_start(t, ws):
                return True
        words = phrase.split()
        # any defined term that covers the match
        for i in range(len(words)):
            for j in range(len(words), i, -1):
                cand = " ".join(words[i:j])
                if core in cand and cand in self.defined and cand != core or (cand == core and cand in self.defined):
                    return True
        return False

    def _obligation_ok(self, a: int, b: int, rule: VagueRule, ua: int, ub: int) -> bool:
        t = self.text
        unit_markers = [m for m in self.markers if ua <= m.start < ub]
        before = [m for m in unit_markers if m.end <= a or (m.start <= a < m.end)]
        after = [m for m in unit_markers if m.start >= b]
        inside = [m for m in unit_markers if a <= m.start < b]
        # a vague adverb right after "is/are": "are promptly assigned"
        if (re.fullmatch(r"\w+ly", t[a:b].strip(), _I) and _PASSIVE_PROMISE.search(t[max(ua, a - 30):a])
                and (rule.kind in ("time", "frequency") or t[a:b].lower() in _MANNER_ADVERBS)):
            gov = _Marker(a, a, DUTY)
        elif inside and rule.under_permission != "skip" and inside[0].cls == PERM:
            gov = inside[0]  # the rule is about "may" / "reserves the right" itself
        else:
            gov = before[-1] if before else None
            unit_body = _ENUM.sub("", t[ua:ub], count=1).lstrip(" ,")
            if gov is None and after:
                gov = after[0]
                if _CONDITION_START.match(unit_body) and gov.cls in (DUTY, PERM):
                    return True  # a vague trigger in a leading condition
        if gov is None:
            if self.inherit:
                return True
            # a continuation unit ("; and (b) promptly restore ...", ", which ...") takes the
            # duty or permission of the clause it continues; a negation stays in its own unit
            # a list item under a lead-in of the same sentence ("The Supplier shall: (a) ...") too;
            # a new sentence or a capitalised item of a plain list does not
            kind = self.unit_kind.get(ua, "start")
            body = _ENUM.sub("", t[ua:ub].lstrip(" ;,|"), count=1).lstrip()
            continues = kind in ("semicolon", "coord", "which", "cell") or (
                kind == "list" and (body[:1].islower() or any(
                    t[x:y].rstrip().endswith(":") for x, y in self.units if y <= ua)))
            next_kind = self.unit_kind.get(ub)
            earlier = [m for m in self.markers if m.end <= ua and m.cls in (DUTY, PERM)] if continues else []
            later = ([m for m in self.markers if m.start >= ub and m.cls in (DUTY, PERM)]
                     if kind == "cell" or next_kind == "cell" else [])
            if earlier:
                gov = earlier[-1]
            elif later:  # a table cell whose duty is stated in the next cell
                gov = later[0]
            else:
                return rule.obligation == "self"
        if gov.cls == DUTY:
            if _PURPOSE.search(t[gov.end:a]) or self._in_leading_purpose(a, ua):
                return False
            return True
        if gov.cls in (NEG, NONDUTY):
            return False
        # permission
        if rule.under_permission == "flag":
            return True
        if rule.under_permission == "unless_customer":
            return not self._holder_is_customer(gov.start, ua)
        return False

    def _in_leading_purpose(self, a: int, ua: int) -> bool:
        """'To ensure your issue is resolved quickly, include the logs': the purpose, not the duty."""
        body_start = ua + (_ENUM.match(self.text[ua:]).end() if _ENUM.match(self.text[ua:]) else 0)
        head = self.text[body_start:a]
        return bool(_LEADING_PURPOSE.match(head)) and "," not in head

    def _holder_is_customer(self, pos: int, ua: int) -> bool:
        parties = list(_PARTY.finditer(self.text[ua:pos]))
        if not parties:
            return False
        return bool(CUSTOMER.fullmatch(parties[-1].group(0)))

    def _customer_discretion(self, a: int, b: int, ua: int) -> bool:
        inside = list(_PARTY.finditer(self.text, a, b))
        if inside:  # "as the Customer considers appropriate", "at the Customer's discretion"
            return bool(CUSTOMER.fullmatch(inside[0].group(0)))
        own = re.search(r"(?:of\s+the\s+|the\s+)?([\w’'-]+?)(?:['’]s?)?\s+(?:sole\s+|absolute\s+|reasonable\s+|own\s+)?"
                        r"(?:discretion|option|opinion|judge?ment|election)", self.text[a:b], _I)
        if own and own.group(1).lower() not in ("its", "their", "his", "her", "at", "in", "sole", "absolute"):
            return bool(CUSTOMER.fullmatch(own.group(1)))
        # "its discretion": the nearest party named before it
        return self._holder_is_customer(a, ua)

    def _measured(self, a: int, b: int, rule: VagueRule, ua: int, ub: int) -> bool:
        t = self.text
        if rule.measure_window:
            wa = _word_offset(t, a, -rule.measure_window, floor=ua)
            wb = _word_offset(t, b, rule.measure_window, ceil=ub)
            region = t[wa:wb]
        else:
            region = t[ua:ub]
        if t[ua:ub].rstrip().endswith(":"):
            # a lead-in ("we aim to achieve:") is measured by the items that follow it
            region += " " + t[ub:]
            if t.rstrip().endswith(":"):
                region += " " + self._clause_after()
        low = _fold(region)
        return any(_fast(MEASURES[k]).search(region, low) for k in rule.measures)

    def _clause_after(self, limit: int = 600) -> str:
        clause = _normalize(self.s.clause_text or "")
        at = clause.find(self.text.strip())
        return clause[at + len(self.text.strip()):][:limit] if at >= 0 else ""


def _ends_like_lead_in(text: str) -> bool:
    """Ends on a colon, semicolon or dash, or on its modal ("The Supplier shall", "agrees to:")."""
    stripped = text.rstrip()
    return stripped.endswith((":", ";", "—", "will", "shall", "must")) or (
        (stripped[-1:] in ";:," or _fold(stripped[-2:]) in ("ll", "st", "to")) and bool(_LEAD_IN_END.search(stripped)))


def _cut_kind(cut: str) -> str:
    c = cut.strip(" \t")
    if not c:
        return "sentence"
    if c.startswith(";"):
        return "semicolon"
    if c.startswith("|"):
        return "cell"
    if c.startswith("\n"):
        return "list"
    if c.startswith(","):
        return "which" if not c.strip(", ") else "coord"
    return "coord"


def _word_offset(t: str, pos: int, n: int, floor: int = 0, ceil: Optional[int] = None) -> int:
    ceil = len(t) if ceil is None else ceil
    if n < 0:
        words = list(_WORD.finditer(t, floor, pos))
        return words[n].start() if len(words) >= -n else floor
    words = list(_WORD.finditer(t, pos, ceil))
    return words[n - 1].end() if len(words) >= n else ceil


def _looks_like_heading(text: str, strict: bool = False) -> bool:
    """A short title-case line without a verb of obligation: '3.5 Periodic Progress Meetings'."""
    line = text.strip()
    if not line or len(line) > 90:
        return False
    if line.startswith("#"):
        return True
    body = _HEADING_LINE.sub("", line, count=1).strip().rstrip(".:")
    if strict and body == line.strip().rstrip(".:") and not re.match(r"^(?:[A-Z]\.)?\d", line):
        return False  # a bare line inside a sentence is a heading only when numbered
    words = body.split()
    if not words or len(words) > 9:
        return False
    if re.search(r"\b(?:shall|must|will|may|agrees?|is|are|we|you)\b", body):
        return False
    caps = sum(1 for w in words if w[:1].isupper() or w.lower() in ("and", "of", "the", "for", "to", "in", "on", "or", "a"))
    return caps == len(words) and sum(1 for w in words if w[:1].isupper()) >= 1


def _looks_like_definition(text: str) -> bool:
    body = _ENUM.sub("", text, count=1)
    if _DEFINITION.match(body) and re.match(r"\s*(?:for\s+the\s+purpose|the\s+term\s+)?[*_]*[\"“‘']", body, _I) \
            and not re.match(r"[^\"”’]*[\"”’'][*_]*\s*(?:\([^)]*\)\s*)?,?\s*(?:is|are)\s+(?:not|required|responsible)\b",
                             body[1:], _I):
        return True
    if _DEFINITION_UNQUOTED.match(body):
        return True
    if _DEF_LIST.search(text) and text.strip().find("\n") < 60:
        return True
    # a glossary entry: "Help Desk Support: any support provided by ..."
    m = _GLOSSARY.match(body)
    if m and not re.search(r"\b(?:shall|will|must|agrees?\s+to)\b", re.split(r"[.;]", body[m.end():])[0], _I):
        return True
    return False


def _sentence_start(text: str, pos: int) -> bool:
    """True when ``pos`` begins the sentence or a list item (capitals there prove nothing)."""
    before = text[:pos]
    return not before.strip() or bool(re.search(r"(?:[.:;!?]|\n\s*(?:\(?[\w.]{1,6}[.)])?)\s*$", before))


def _with_head_noun(rule: VagueRule, head_noun: bool) -> VagueRule:
    from dataclasses import replace
    return replace(rule, head_noun=head_noun)
