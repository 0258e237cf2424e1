"""Generate realistic IT-support contract PDFs and DOCX files of chosen page counts for benchmarks.

    .venv/bin/python benchmarks/generate.py                      # 1, 30, 100, 300 pages, PDF + DOCX
    .venv/bin/python benchmarks/generate.py --pages 30 100 --format pdf --two-column
    .venv/bin/python benchmarks/generate.py --pages 10 --seed 7 --out /tmp/x

Files go to benchmarks/generated/ (git-ignored) as ``contract_<pages>p[_2col][_s<seed>].{pdf,docx}``
and are reused when they already exist (``--force`` rebuilds). Next to them, ``<name>.truth.json``
holds what the generator put in: every table's rows (the answer key for table quality) and the
number of numbered clauses.

What a file holds: a title block, parties and background, then numbered clauses ("7." with
"7.1", "7.2" and (a)/(b) lists) on the topics an IT support or SaaS support contract covers
(scope, service levels, maintenance, reporting, escalation, credits, fees, security, liability,
term, boilerplate). Each clause is assembled from several alternative sentences per topic with
slots (durations, percentages, amounts, periods, party names) filled from a seeded random
generator, so no two clauses read the same and reruns produce the same bytes. Every few pages
there is an SLA table drawn with ruling lines (priorities with response and resolution times, an
availability/credit table or a reporting table). A running header and a "Page X of Y" footer sit
on every page. With ``--two-column`` the definitions and a boilerplate schedule are set in two
columns.

The PDF has exactly the page count asked for: the story is laid out once with more text than
needed, then cut after the last paragraph that ended on the last wanted page and laid out again.
The DOCX has the same blocks as the PDF of that size (Word paginates for itself, so its page count
is close to, not exactly, the figure in the name); numbering is typed text and the footer carries
PAGE / NUMPAGES fields.

All wording here is written for this project (fictional parties, no text from any real contract).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_ONE_UNIT = re.compile(r"\b(1 (?:hour|day|minute|second|Business Hour|Business Day))s\b")
GENERATED = ROOT / "benchmarks" / "generated"

# -- the contract's words ------------------------------------------------------------------------

SUPPLIERS = ["Harrowgate Systems Ltd", "Bluefen IT Services Limited", "Quillon Managed Cloud Inc.",
             "Marrick Digital Pty Ltd", "Tessaly Support Services LLP", "Oakvale Networks Ltd"]
CUSTOMERS = ["Pembury Logistics plc", "Castlereagh Dental Group Ltd", "Wexmoor County Council",
             "Aldersey & Finch Solicitors LLP", "Northbank Housing Association", "Ridley Foods Inc."]
SYSTEMS = ["service desk", "hosted email platform", "finance system", "document management system",
           "warehouse scanning application", "network estate", "virtual desktop service", "backup service",
           "customer portal", "payroll application", "telephony platform", "identity service"]
ASSETS = ["laptops and desktops", "firewalls and switches", "wireless access points", "virtual servers",
          "Microsoft 365 tenancy", "line-of-business applications", "printers and scanners", "mobile devices",
          "storage arrays", "SQL databases", "site broadband circuits", "door-entry controllers"]
PERIODS = ["month", "calendar month", "quarter", "Contract Year", "Service Period"]
REPORT_FREQ = ["monthly", "every calendar month", "within ten Business Days after the end of each month",
               "quarterly", "each quarter"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NOTICE_DAYS = [10, 14, 20, 30, 45, 60, 90]
HOURS = [1, 2, 4, 8, 12, 24, 48]
MINUTES = [15, 20, 30, 45, 60]
PCTS = ["99.5", "99.7", "99.8", "99.9", "99.95", "98.0", "99.0"]
CREDIT = [2, 3, 5, 7.5, 10, 15, 20]
MONEY = ["GBP 4,250", "GBP 12,900", "USD 18,500", "EUR 7,300", "GBP 950", "USD 2,400", "AUD 31,000",
         "GBP 65,000", "USD 140,000"]
TIMES = ["07:00", "07:30", "08:00", "08:30", "09:00"]
ENDS = ["17:00", "17:30", "18:00", "18:30", "19:00", "20:00"]
VAGUE = ["promptly", "as soon as reasonably practicable", "in a timely manner", "without undue delay",
         "within a reasonable time", "regularly", "from time to time", "periodically"]
EFFORT = ["reasonable endeavours", "all reasonable efforts", "commercially reasonable efforts",
          "best endeavours", "reasonable skill and care"]
ORDINALS = ["first", "second", "third", "fourth", "fifth"]
NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "ten", "twelve"]


def _w(n: int) -> str:
    return {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
            10: "ten", 12: "twelve", 14: "fourteen", 20: "twenty", 24: "twenty-four", 30: "thirty",
            45: "forty-five", 48: "forty-eight", 60: "sixty", 90: "ninety"}.get(n, str(n))


# Each topic: alternative headings, and sentences with {slots}. A subclause takes one to three
# of a topic's sentences, so clauses on one topic differ in which sentences, in what order, and
# with what values.
TOPICS: dict[str, tuple[list[str], list[str]]] = {
    "scope": (["Scope of Services", "The Services", "Services to be Provided", "Service Description"], [
        "The {S} shall provide the Services described in this clause in respect of the {asset} and the {system} listed in the Asset Register.",
        "The Services comprise first-line and second-line support, remote diagnosis, on-site attendance where a fault cannot be fixed remotely, and the administration of the {system}.",
        "On-site attendance is included for the Customer's premises within {n} miles of the {S}'s nearest service centre; attendance further afield is charged at the rates in Schedule 2.",
        "The {S} shall keep the Asset Register up to date and send the {C} a copy of it {freq}.",
        "Support for {asset} covers configuration, patching, replacement of failed parts under the manufacturer's warranty and the return of each device to service.",
        "The following are outside the Services: hardware that is out of warranty, software that the manufacturer no longer supports, and damage caused by misuse or by persons other than the {S}'s personnel.",
        "Work that the {C} asks for and that is not part of the Services is Additional Work and shall be agreed in writing under the change control procedure before it starts.",
        "The {S} shall provide the Services {effort} and in accordance with Good Industry Practice.",
        "The {C} may add up to {pct_small} per cent more users in any Contract Year without a change to the Charges, provided that the {C} gives {days} days' notice of the increase.",
        "Moves, adds and changes of up to {n} devices a month are included; larger projects are quoted separately.",
    ]),
    "sla": (["Service Levels", "Incident Response and Resolution", "Response Times", "Priority Levels"], [
        "The {S} shall respond to each Incident within the Response Time and resolve it within the Resolution Time for its Priority Level as set out in the table in this clause.",
        "A Priority 1 Incident is one that stops the {system} for all users or affects a whole site; the {S} shall respond within {min} minutes and restore service within {h} hours.",
        "A Priority 2 Incident is one that severely degrades the {system} or stops it for a group of users; the response time is {h} hours and the resolution time is {h2} hours.",
        "Priority 3 and Priority 4 Incidents shall be responded to within {h2} Business Hours and resolved within {d} Business Days.",
        "The Priority Level of an Incident is set by the {C} when it is logged and may be changed only with the {C}'s agreement.",
        "Response Time is measured from the moment the Incident is logged on the service desk to the moment an engineer starts to work on it and tells the Authorised User.",
        "An Incident is resolved when the affected service is restored, even where a workaround is used, and the {C} has confirmed the restoration.",
        "Time during which the {S} is waiting for information from the {C} does not count towards the Resolution Time, provided that the {S} asked for it within {h} hours of logging.",
        "The {S} shall respond {vague} to any service request that is not an Incident.",
        "Service Levels are measured over each {period} and reported under clause {ref}.",
    ]),
    "hours": (["Support Hours", "Service Desk", "Hours of Cover", "Contacting the Service Desk"], [
        "The service desk is open from {t0} to {t1} on Business Days; Priority 1 Incidents may be logged by telephone at any time, 24 hours a day, 7 days a week.",
        "Incidents may be logged by telephone, by email to the service desk address or through the self-service portal.",
        "Calls to the service desk shall be answered within {sec} seconds in at least {pct_high} per cent of cases in each {period}.",
        "Outside Business Hours the on-call engineer shall call the {C}'s nominated contact back within {min} minutes of a Priority 1 Incident being logged.",
        "The {S} shall publish the service desk telephone number, email address and portal address to all Authorised Users and give the {C} {days} days' notice of any change.",
        "Each Incident shall receive a reference number, and the Authorised User shall receive an email confirming it within {min} minutes.",
    ]),
    "availability": (["Availability", "Service Availability", "Uptime Commitment", "Availability of the Hosted Platform"], [
        "The {S} shall ensure that the {system} is Available at least {pct} per cent of the time in each {period}, excluding Scheduled Maintenance.",
        "Availability is calculated as the total minutes in the {period} less the minutes of Downtime, divided by the total minutes in the {period}, expressed as a percentage.",
        "Downtime means any period during which the {system} cannot be reached or cannot process transactions, measured by the {S}'s monitoring tools at intervals of no more than {n} minutes.",
        "Downtime caused by the {C}'s own equipment, by an event of Force Majeure or by Scheduled Maintenance does not count against Availability.",
        "The {S} shall restore the {system} {vague} after any outage during a period of peak trading notified by the {C}.",
        "Where Availability falls below {pct} per cent in two consecutive months, the {C} may require the {S} to prepare a remediation plan within {days} days.",
    ]),
    "maintenance": (["Maintenance", "Scheduled Maintenance", "Maintenance Windows", "Preventive Maintenance"], [
        "Scheduled Maintenance shall take place only between {t_late} and 06:00 on a {weekday}, and the {S} shall give the {C} at least {days} days' notice of it.",
        "Scheduled Maintenance shall not exceed {h} hours in any {period}.",
        "The {S} may carry out Emergency Maintenance at any time to protect the security of the {system}, and shall notify the {C} as soon as it starts.",
        "The {S} shall apply critical security patches to the {asset} within {d} days of their release, and other patches within {d2} days.",
        "The {S} shall carry out a health check of the {asset} {freq} and send the {C} a short written summary of the results.",
        "The {S} shall attend to any fault found during maintenance of the {system} {vague} and keep it in good working order.",
        "Firmware on the {asset} shall be kept within one release of the manufacturer's current release, unless the {C} agrees otherwise in writing.",
    ]),
    "reporting": (["Reporting", "Service Reports", "Performance Reporting", "Management Information"], [
        "The {S} shall send the {C} a service report {freq} showing, for the {period}, the number of Incidents by Priority Level, the Response Times and Resolution Times achieved and Availability.",
        "Each service report shall list every Service Level that was missed, the reason, and the Service Credit that applies.",
        "The {S} shall also report the number of open Incidents older than {d} days and the top {n} causes of Incidents.",
        "The {S} shall give the {C} such reports as the {C} may reasonably request {vague}.",
        "Reports shall be delivered in electronic form and the underlying data shall be made available to the {C} on request in CSV format.",
    ]),
    "governance": (["Governance", "Service Review Meetings", "Account Management", "Contract Management"], [
        "The parties shall hold a service review meeting {freq} to discuss the latest service report, open problems and planned changes.",
        "Each party shall appoint a Contract Manager; the {S}'s Contract Manager shall attend every service review meeting.",
        "The parties shall meet {vague} to review the performance of the Services.",
        "Minutes of each service review meeting shall be taken by the {S} and circulated within {d} Business Days.",
        "Once in each Contract Year the parties shall hold a strategic review covering the {C}'s plans, the technology roadmap and any changes to the Services.",
    ]),
    "escalation": (["Escalation", "Escalation Procedure", "Complaints and Escalation", "Dispute Escalation"], [
        "If an Incident is not resolved within its Resolution Time, the {S} shall escalate it to its Service Delivery Manager, and after a further {h} hours to its Operations Director.",
        "The {C} may escalate any matter to the {S}'s Service Delivery Manager at any time by telephone or email, and the {S} shall reply within {h} hours.",
        "A dispute that is not settled by the Contract Managers within {d} Business Days shall be referred to a director of each party, who shall meet within a further {d2} Business Days.",
        "The escalation contacts and their telephone numbers are listed in Schedule 4, and the {S} shall keep that list current.",
        "The {S} shall escalate matters {vague} where it considers it appropriate.",
    ]),
    "credits": (["Service Credits", "Service Level Failures", "Remedies for Service Failure", "Credits"], [
        "If Availability in a {period} falls below the target, the {S} shall credit the {C} with {credit} per cent of the monthly Charges for each {pct_step} per cent or part of it below the target.",
        "Service Credits in any {period} shall not exceed {cap} per cent of the monthly Charges for that {period}.",
        "Service Credits shall be shown on the next invoice and deducted from it; the {C} need not claim them.",
        "Service Credits are a price adjustment reflecting the reduced value of the Services and are without prejudice to the {C}'s other rights.",
        "If the {S} misses the same Service Level in three consecutive months, or in any four months of a rolling twelve-month period, the {C} may terminate this Agreement on {days} days' notice.",
        "The {S} shall not be liable for Service Credits where the failure was caused by the {C}'s breach or by an event of Force Majeure.",
    ]),
    "fees": (["Charges", "Fees and Payment", "Charges and Invoicing", "Payment"], [
        "The {C} shall pay the monthly Charge of {money} for the Services, invoiced monthly in advance.",
        "The Charges include all travel, parts under warranty, licences for the {S}'s own tools and the costs of its personnel.",
        "Invoices are payable within {days} days of receipt; disputed amounts may be withheld in good faith while the dispute is settled.",
        "The {S} may increase the Charges once in each Contract Year by no more than the change in the Consumer Prices Index over the previous twelve months, on {days} days' written notice.",
        "Additional Work is charged at {money_small} per engineer day, or pro rata for part days, as agreed in a change note.",
        "Late payments bear interest at {pct_small} per cent a year above the base rate from the due date until payment.",
        "All Charges are exclusive of VAT, which the {C} shall pay at the applicable rate.",
    ]),
    "security": (["Data Protection", "Security", "Information Security", "Customer Data"], [
        "The {S} shall process Customer Data only on the {C}'s documented instructions and only for the purpose of providing the Services.",
        "The {S} shall keep Customer Data in data centres in the United Kingdom or the European Economic Area and shall not move it elsewhere without the {C}'s prior written consent.",
        "The {S} shall notify the {C} of any Security Incident affecting Customer Data without undue delay and in any event within {h} hours of becoming aware of it.",
        "The {S} shall hold ISO/IEC 27001 certification for the scope covering the Services throughout the Term and provide a copy of the certificate on request.",
        "The {S} shall take backups of the {system} every {h} hours, keep them for {d} days, and test a restore at least once each {period}.",
        "Administrative access to the {asset} shall use multi-factor authentication and shall be logged; logs shall be kept for at least {d} days.",
        "The {S} shall take appropriate measures to protect Customer Data.",
        "On termination the {S} shall return all Customer Data in a commonly used format within {days} days and then securely delete it.",
    ]),
    "liability": (["Limitation of Liability", "Liability", "Indemnities", "Insurance"], [
        "Each party's total liability under this Agreement in each Contract Year shall not exceed {pct_cap} per cent of the Charges paid or payable in that Contract Year.",
        "Neither party excludes or limits liability for death or personal injury caused by its negligence, for fraud, or for any other liability that cannot be limited by law.",
        "Neither party shall be liable for any loss of profits, loss of revenue or any indirect or consequential loss.",
        "The {S} shall maintain professional indemnity insurance of at least {money_big} for each claim and provide evidence of it on request.",
        "The {S} shall indemnify the {C} against any claim that the {C}'s use of the Services infringes a third party's intellectual property rights.",
    ]),
    "term": (["Term and Termination", "Duration", "Termination", "Exit Management"], [
        "This Agreement starts on the Effective Date and continues for an initial term of {n_years} years, and then from year to year until either party gives at least {days} days' notice.",
        "Either party may terminate this Agreement at once by notice if the other commits a material breach that is not remedied within {days} days of being notified of it.",
        "Either party may terminate this Agreement at once by notice if the other becomes insolvent or enters into an arrangement with its creditors.",
        "On termination the {S} shall provide reasonable assistance for up to {d} days to transfer the Services to the {C} or a replacement supplier, at the rates in Schedule 2.",
        "The {S} shall prepare an exit plan within {days} days of the Effective Date and update it {freq}.",
        "Clauses on confidentiality, data protection and liability survive termination.",
    ]),
    "general": (["General", "Confidentiality", "Force Majeure", "Notices", "Subcontracting", "Governing Law",
                 "Variation", "Entire Agreement", "Assignment"], [
        "Each party shall keep the other's Confidential Information confidential and use it only to perform or receive the Services.",
        "Neither party is liable for a delay caused by an event beyond its reasonable control, provided that it notifies the other {vague} and takes steps to limit the effect.",
        "If an event of Force Majeure continues for more than {days} days, either party may terminate this Agreement on {d} days' notice.",
        "Notices shall be in writing and delivered by hand, by recorded post or by email to the addresses in the Order Form.",
        "The {S} shall not subcontract any part of the Services without the {C}'s prior written consent, and remains responsible for the acts of its subcontractors.",
        "This Agreement is governed by the law of England and Wales and the courts of England have exclusive jurisdiction.",
        "No variation of this Agreement is effective unless it is in writing and signed by both parties.",
        "This Agreement is the entire agreement between the parties and replaces any earlier discussions or proposals.",
        "Neither party may assign this Agreement without the other's consent, which shall not be unreasonably withheld.",
        "A person who is not a party has no right to enforce any term of this Agreement.",
    ]),
    "personnel": (["Personnel", "Supplier Staff", "Key Personnel", "Staff Vetting"], [
        "The {S} shall ensure that its engineers are suitably qualified and hold current vendor certification for the {asset}.",
        "Engineers who attend the {C}'s premises shall comply with the {C}'s site rules and carry identification.",
        "The {S} shall not change the Service Delivery Manager without giving the {C} {days} days' notice, except in case of illness or resignation.",
        "The {S} shall carry out basic criminal record checks on every engineer with administrative access to the {system}.",
        "The {S} shall train the {C}'s staff in the use of the self-service portal {vague}.",
    ]),
}

DEFINITIONS = [
    ("Authorised User", "a member of staff or contractor of the Customer whom the Customer has authorised to use the Services and who is named in the Asset Register"),
    ("Availability", "the percentage of a Service Period during which the Hosted Platform is Available, calculated under clause 7"),
    ("Business Day", "a day other than a Saturday, Sunday or public holiday in England"),
    ("Business Hours", "08:00 to 18:00 on a Business Day"),
    ("Charges", "the charges for the Services set out in Schedule 2"),
    ("Contract Year", "each period of twelve months starting on the Effective Date or an anniversary of it"),
    ("Customer Data", "all data supplied by or on behalf of the Customer, or generated by the Services from that data"),
    ("Downtime", "any period during which the Hosted Platform is not Available, other than Scheduled Maintenance"),
    ("Effective Date", "the date on which this Agreement is signed by both parties"),
    ("Good Industry Practice", "the skill, care and foresight expected of a competent supplier of similar services"),
    ("Incident", "an unplanned interruption to, or reduction in the quality of, a Service"),
    ("Priority Level", "the priority given to an Incident under clause 6, from Priority 1 (critical) to Priority 4 (low)"),
    ("Resolution Time", "the time within which an Incident must be resolved, according to its Priority Level"),
    ("Response Time", "the time within which the Supplier must start work on an Incident and tell the Authorised User"),
    ("Scheduled Maintenance", "maintenance carried out in a Maintenance Window notified under clause 9"),
    ("Security Incident", "any actual or reasonably suspected unauthorised access to or loss of Customer Data"),
    ("Service Credit", "the amount credited to the Customer when a Service Level is missed, calculated under clause 11"),
    ("Service Level", "each performance standard set out in clauses 6 and 7"),
    ("Service Period", "each calendar month during the Term"),
    ("Term", "the initial term and any renewal term of this Agreement"),
]


@dataclass
class Block:
    kind: str            # title, center, heading, para, item, table, defs_start, defs_end, pagebreak
    text: str = ""
    number: str = ""
    rows: list = field(default_factory=list)
    widths: list = field(default_factory=list)


class Writer:
    """Makes the contract's blocks: deterministic for a seed, different clause to clause."""

    def __init__(self, seed: int, two_column: bool):
        self.rng = random.Random(seed)
        self.two_column = two_column
        self.supplier = self.rng.choice(SUPPLIERS)
        self.customer = self.rng.choice(CUSTOMERS)
        self.clause = 0
        self.topic_cycle: list[str] = []

    def fill(self, template: str) -> str:
        r = self.rng
        h = r.choice(HOURS)
        values = {
            "S": "Supplier", "C": "Customer", "asset": r.choice(ASSETS), "system": r.choice(SYSTEMS),
            "n": r.choice([3, 5, 10, 15, 20, 25, 40]), "freq": r.choice(REPORT_FREQ), "effort": r.choice(EFFORT),
            "pct_small": r.choice([2, 3, 4, 5, 8, 10]), "days": r.choice(NOTICE_DAYS), "min": r.choice(MINUTES),
            "h": h, "h2": r.choice([x for x in HOURS if x > h] or [72]), "d": r.choice([2, 3, 5, 7, 10, 14, 30]),
            "d2": r.choice([5, 10, 15, 20, 30, 60]), "vague": r.choice(VAGUE), "period": r.choice(PERIODS),
            "ref": f"{r.randint(8, 14)}.{r.randint(1, 4)}", "t0": r.choice(TIMES), "t1": r.choice(ENDS),
            "sec": r.choice([20, 30, 45, 60]), "pct_high": r.choice([80, 85, 90, 95]), "pct": r.choice(PCTS),
            "t_late": r.choice(["20:00", "22:00", "23:00", "00:00"]), "weekday": r.choice(WEEKDAYS),
            "credit": r.choice(CREDIT), "pct_step": r.choice(["0.1", "0.5", "1"]), "cap": r.choice([10, 15, 20, 25, 30]),
            "money": r.choice(MONEY), "money_small": r.choice(["GBP 650", "GBP 780", "USD 1,100", "EUR 720"]),
            "money_big": r.choice(["GBP 2,000,000", "GBP 5,000,000", "USD 10,000,000"]),
            "pct_cap": r.choice([100, 125, 150, 200]), "n_years": r.choice(["two", "three", "five"]),
        }
        return _ONE_UNIT.sub(r"\1", template.format(**values))

    def topic(self) -> str:
        if not self.topic_cycle:
            self.topic_cycle = list(TOPICS)
            self.rng.shuffle(self.topic_cycle)
        return self.topic_cycle.pop()

    def opening(self) -> list[Block]:
        r = self.rng
        ref = f"{r.choice(['MSA', 'SSA', 'ITS'])}-{r.randint(2023, 2026)}-{r.randint(10, 999):03d}"
        blocks = [
            Block("title", "IT SUPPORT AND MANAGED SERVICES AGREEMENT"),
            Block("center", f"Agreement reference {ref}"),
            Block("para", f"THIS AGREEMENT is dated {r.randint(1, 28)} {r.choice(['March', 'June', 'September', 'November'])} {r.randint(2024, 2026)}."),
            Block("heading", "PARTIES"),
            Block("item", f"{self.supplier}, whose registered office is at {r.randint(2, 90)} {r.choice(['Mill Lane', 'Station Road', 'Harbour Street', 'Kingsway'])} (the \"Supplier\"); and", number="(1)"),
            Block("item", f"{self.customer}, whose principal office is at {r.randint(2, 90)} {r.choice(['High Street', 'Bridge Road', 'Market Place', 'Albion Way'])} (the \"Customer\").", number="(2)"),
            Block("heading", "BACKGROUND"),
            Block("item", f"The Customer relies on its {r.choice(SYSTEMS)} and {r.choice(SYSTEMS)} and wishes to outsource their support and maintenance.", number="(A)"),
            Block("item", "The Supplier provides managed IT services and has agreed to provide the Services on the terms of this Agreement.", number="(B)"),
        ]
        return blocks

    def definitions(self) -> list[Block]:
        self.clause += 1
        out = [Block("heading", "DEFINITIONS AND INTERPRETATION", number=f"{self.clause}."),
               Block("para", "In this Agreement the following definitions apply:", number=f"{self.clause}.1")]
        if self.two_column:
            out.append(Block("defs_start"))
        for term, meaning in DEFINITIONS:
            out.append(Block("para", f"{term}: {meaning}."))
        if self.two_column:
            out.append(Block("defs_end"))
        return out

    def clause_blocks(self) -> list[Block]:
        r = self.rng
        topic = self.topic()
        headings, sentences = TOPICS[topic]
        self.clause += 1
        n = self.clause
        out = [Block("heading", r.choice(headings).upper(), number=f"{n}.")]
        pool = list(sentences)
        r.shuffle(pool)
        subs = r.randint(2, 5)
        for k in range(1, subs + 1):
            if not pool:
                break  # each sentence at most once a clause
            take = min(len(pool), r.choice([1, 1, 2, 2, 3]))
            text = " ".join(self.fill(pool.pop()) for _ in range(take))
            if r.random() < 0.2 and len(pool) >= 3:
                out.append(Block("para", self.fill(pool.pop()).rstrip(".") + ". In particular:", number=f"{n}.{k}"))
                items = [self.fill(pool.pop()).rstrip(".") for _ in range(min(len(pool), r.randint(2, 4)))]
                for j, item in enumerate(items):
                    end = "." if j == len(items) - 1 else ("; and" if j == len(items) - 2 else ";")
                    out.append(Block("item", item[0].lower() + item[1:] + end, number=f"({'abcd'[j]})"))
            else:
                out.append(Block("para", text, number=f"{n}.{k}"))
        if topic in ("sla", "availability", "credits", "reporting") or r.random() < 0.12:
            out.append(Block("para", f"The table below forms part of clause {n}."))
            out.append(self.table(topic))
        return out

    def table(self, topic: str) -> Block:
        r = self.rng
        if topic in ("availability", "credits"):
            target = float(r.choice(PCTS))
            rows = [["Availability in the Service Period", "Service Credit (% of monthly Charges)"]]
            step, credit = r.choice([0.2, 0.5, 1.0]), r.choice(CREDIT[:4])
            for i in range(r.randint(3, 5)):
                lo = target - step * (i + 1)
                rows.append([f"{lo:.1f}% to below {target - step * i:.1f}%", f"{credit * (i + 1):g}%"])
            rows.append([f"below {target - step * (len(rows)):.1f}%", "right to terminate"])
            return Block("table", rows=rows, widths=[8.0, 7.0])
        if topic == "reporting":
            rows = [["Report", "Content", "Frequency", "Due"]]
            for name, what in [("Service report", "Incidents by priority, response and resolution times"),
                               ("Availability report", "Availability and Downtime by system"),
                               ("Security report", "patch status, vulnerabilities, Security Incidents"),
                               ("Capacity report", "storage, licences and growth forecast")][: r.randint(2, 4)]:
                rows.append([name, what, r.choice(["Monthly", "Quarterly", "Weekly"]),
                             f"{r.choice([5, 10, 15])} Business Days after period end"])
            return Block("table", rows=rows, widths=[3.2, 6.5, 2.4, 3.7])
        rows = [["Priority", "Description", "Response Time", "Resolution Time", "Hours"]]
        descs = ["Critical: a whole site or the {system} is down for all users",
                 "High: the {system} is severely degraded or down for a group of users",
                 "Medium: one user cannot work, or a non-critical function has failed",
                 "Low: a request for information or a minor fault with a workaround"]
        resp = sorted(r.sample(MINUTES, 2)) + [f"{r.choice([4, 8])} Business Hours", "1 Business Day"]
        res = [f"{r.choice([2, 4, 6])} hours", f"{r.choice([8, 12, 24])} hours", f"{r.choice([2, 3, 5])} Business Days",
               f"{r.choice([5, 10])} Business Days"]
        for i in range(4):
            rows.append([f"P{i + 1}", self.fill(descs[i]), resp[i] if isinstance(resp[i], str) else f"{resp[i]} minutes",
                         res[i], "24x7" if i < 2 else "Business Hours"])
        return Block("table", rows=rows, widths=[1.6, 6.4, 2.8, 2.8, 2.4])

    def schedule(self) -> list[Block]:
        """A contacts schedule on a page of its own (two columns when asked): the document's tail."""
        out = [Block("pagebreak"), Block("heading", "SCHEDULE 4 - CONTACTS AND ESCALATION")]
        if self.two_column:
            out.append(Block("defs_start"))
        for level, role in enumerate(["Service Desk Team Leader", "Service Delivery Manager",
                                      "Head of Operations", "Operations Director"], start=1):
            reply = _w(self.rng.choice([1, 2, 4]))
            out.append(Block("para", f"Level {level}: {role}. Contact by telephone or email during Business "
                                     f"Hours, and for Priority 1 Incidents at any time. Target reply {reply} "
                                     f"hour{'s' if reply != 'one' else ''}."))
        if self.two_column:
            out.append(Block("defs_end"))
        return out

    def story(self, clauses: int) -> list[Block]:
        blocks = self.opening() + self.definitions()
        for _ in range(clauses):
            blocks += self.clause_blocks()
        return blocks


# -- PDF (reportlab) -----------------------------------------------------------------------------

def _pdf_flowables(blocks: list[Block], styles):
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.units import cm
    from reportlab.platypus import CondPageBreak, PageBreak, Paragraph, Spacer, Table, TableStyle
    from reportlab.platypus.flowables import BalancedColumns
    out: list = []
    columns: list | None = None  # collecting a two-column run
    for i, b in enumerate(blocks):
        if b.kind == "title":
            f = Paragraph(escape(b.text), styles["title"])
        elif b.kind == "center":
            f = Paragraph(escape(b.text), styles["center"])
        elif b.kind == "heading":
            out.append(CondPageBreak(3 * cm))
            f = Paragraph(f"{b.number}&nbsp;&nbsp;{escape(b.text)}" if b.number else escape(b.text), styles["h"])
        elif b.kind == "para":
            text = escape(b.text)
            if ":" in text[:40] and not b.number:
                term, _, rest = text.partition(":")
                text = f"<b>{term}</b>:{rest}"
            f = Paragraph(f"{b.number}&nbsp;&nbsp;{text}" if b.number else text,
                          styles["num"] if b.number else styles["body"])
        elif b.kind == "item":
            f = Paragraph(escape(b.text), styles["item"], bulletText=b.number)
        elif b.kind == "table":
            data = [[Paragraph(escape(c), styles["cellh" if r == 0 else "cell"]) for c in row]
                    for r, row in enumerate(b.rows)]
            f = Table(data, colWidths=[w * cm for w in b.widths], repeatRows=1)
            f.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            out.append(Spacer(1, 4))
        elif b.kind == "defs_start":
            columns = []
            continue
        elif b.kind == "defs_end":
            if columns:
                f = BalancedColumns(columns, nCols=2, spaceBefore=2, spaceAfter=6)
                columns = None
            else:
                columns = None
                continue
        elif b.kind == "pagebreak":
            out.append(PageBreak())
            continue
        else:
            continue
        if columns is not None:
            columns.append(f)
            continue
        f._block_index = i
        out.append(f)
    if columns:
        out.append(BalancedColumns(columns, nCols=2))
    return out


def _styles():
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle
    base = ParagraphStyle("body", fontName="Helvetica", fontSize=9.5, leading=12.5, spaceAfter=5,
                          alignment=TA_JUSTIFY)
    return {
        "body": base,
        "num": ParagraphStyle("num", parent=base, leftIndent=28, firstLineIndent=-28),
        "item": ParagraphStyle("item", parent=base, leftIndent=52, bulletIndent=28, spaceAfter=3),
        "h": ParagraphStyle("h", parent=base, fontName="Helvetica-Bold", fontSize=10, spaceBefore=8,
                            spaceAfter=5, alignment=0, keepWithNext=1),
        "title": ParagraphStyle("t", parent=base, fontName="Helvetica-Bold", fontSize=14, leading=18,
                                alignment=TA_CENTER, spaceAfter=6),
        "center": ParagraphStyle("c", parent=base, alignment=TA_CENTER, spaceAfter=14),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5, spaceAfter=0, alignment=0),
        "cellh": ParagraphStyle("cellh", parent=base, fontName="Helvetica-Bold", fontSize=8.5, leading=10.5,
                                spaceAfter=0, alignment=0),
    }


def _layout(blocks: list[Block], path: Path, total_pages: int, header: str):
    """Lay the blocks out into ``path``; returns {block index: page it ended on}."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    ended: dict[int, int] = {}

    class Doc(BaseDocTemplate):
        def afterFlowable(self, flowable):
            idx = getattr(flowable, "_block_index", None)
            if idx is not None:
                ended[idx] = self.page

    width, height = A4
    margin = 2.2 * cm

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(margin, height - 1.3 * cm, header)
        canvas.drawRightString(width - margin, height - 1.3 * cm, "Confidential")
        canvas.drawString(margin, 1.2 * cm, "IT Support and Managed Services Agreement")
        canvas.drawRightString(width - margin, 1.2 * cm, f"Page {doc.page} of {total_pages}")
        canvas.restoreState()

    doc = Doc(str(path), pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=2.2 * cm,
              bottomMargin=2.2 * cm, title="IT Support and Managed Services Agreement",
              author="Contract Reviewer benchmark generator")
    fw, fh = width - 2 * margin, height - 4.4 * cm
    gap = 0.8 * cm
    one = Frame(margin, 2.2 * cm, fw, fh, id="one")
    left = Frame(margin, 2.2 * cm, (fw - gap) / 2, fh, id="left")
    right = Frame(margin + (fw + gap) / 2, 2.2 * cm, (fw - gap) / 2, fh, id="right")
    doc.addPageTemplates([PageTemplate("one", [one], onPage=decorate),
                          PageTemplate("two", [left, right], onPage=decorate)])
    doc.build(_pdf_flowables(blocks, _styles()))
    return ended, doc.page


def make_pdf(path: Path, pages: int, *, seed: int = 1, two_column: bool = False) -> list[Block]:
    """A contract PDF of exactly ``pages`` pages; returns the blocks it holds (for the DOCX twin)."""
    writer = Writer(seed, two_column)
    header = f"{writer.supplier} / {writer.customer}"
    blocks = writer.story(int(pages * 2.6) + 3)  # about 2 clauses a page: a trial with text to spare
    while True:
        ended, got = _layout(blocks, path, pages, header)
        if got > pages:
            break
        for _ in range(int((pages - got + 2) * 2.6)):
            blocks += writer.clause_blocks()
    # the schedule takes the last page of a longer document; a short one is cut at its last page
    tail = writer.schedule() if pages > 3 else []
    last = pages - 1 if tail else pages
    cut = max((i for i, p in ended.items() if p <= last), default=0)
    blocks = _strip_open_block(blocks[: cut + 1]) + tail
    for _ in range(50):  # the cut is exact in practice; this only guards odd pagination
        ended, got = _layout(blocks, path, pages, header)
        if got == pages:
            break
        body = len(blocks) - len(tail)
        if got > pages:
            del blocks[max(i for i in range(body) if blocks[i].kind in ("para", "item", "table"))]
        else:
            blocks[body:body] = writer.clause_blocks()
    return blocks


def _strip_open_block(blocks: list[Block]) -> list[Block]:
    """Do not end on a heading, a lead-in to a list or an unclosed two-column run."""
    while blocks and (blocks[-1].kind in ("heading", "defs_start")
                      or (blocks[-1].kind == "para" and blocks[-1].text.endswith(":"))):
        blocks.pop()
    if sum(b.kind == "defs_start" for b in blocks) > sum(b.kind == "defs_end" for b in blocks):
        blocks.append(Block("defs_end"))
    return blocks


# -- DOCX (python-docx) --------------------------------------------------------------------------

def make_docx(path: Path, blocks: list[Block], header: str) -> None:
    from docx import Document
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    doc.core_properties.title = "IT Support and Managed Services Agreement"
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(9.5)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.2))
    section.header.paragraphs[0].text = f"{header}\tConfidential"
    foot = section.footer.paragraphs[0]
    foot.text = "IT Support and Managed Services Agreement\tPage "

    def field_run(par, code):
        run = par.add_run()
        begin, instr, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
        begin.set(qn("w:fldCharType"), "begin")
        instr.set(qn("xml:space"), "preserve")
        instr.text = code
        end.set(qn("w:fldCharType"), "end")
        run._r.append(begin)
        run._r.append(instr)
        run._r.append(end)

    field_run(foot, "PAGE")
    foot.add_run(" of ")
    field_run(foot, "NUMPAGES")

    def set_columns(sec, n):
        cols = sec._sectPr.find(qn("w:cols"))
        if cols is None:
            cols = OxmlElement("w:cols")
            sec._sectPr.append(cols)
        cols.set(qn("w:num"), str(n))
        cols.set(qn("w:space"), "454")

    for b in blocks:
        if b.kind == "title":
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            r = p.add_run(b.text)
            r.bold = True
            r.font.size = Pt(14)
        elif b.kind == "center":
            p = doc.add_paragraph(b.text)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif b.kind == "heading":
            doc.add_heading(f"{b.number} {b.text}".strip(), level=1)
        elif b.kind == "para":
            p = doc.add_paragraph()
            if b.number:
                p.paragraph_format.left_indent = Cm(1.0)
                p.paragraph_format.first_line_indent = Cm(-1.0)
                p.add_run(f"{b.number}\t{b.text}")
            elif ":" in b.text[:40]:
                term, _, rest = b.text.partition(":")
                p.add_run(term).bold = True
                p.add_run(":" + rest)
            else:
                p.add_run(b.text)
        elif b.kind == "item":
            p = doc.add_paragraph(f"{b.number}\t{b.text}")
            p.paragraph_format.left_indent = Cm(2.0)
            p.paragraph_format.first_line_indent = Cm(-1.0)
        elif b.kind == "table":
            t = doc.add_table(rows=len(b.rows), cols=len(b.rows[0]))
            t.style = "Table Grid"
            for r, row in enumerate(b.rows):
                for c, value in enumerate(row):
                    cell = t.cell(r, c)
                    cell.text = value
                    if r == 0:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
            doc.add_paragraph()
        elif b.kind in ("defs_start", "defs_end"):
            sec = doc.add_section(WD_SECTION.CONTINUOUS)
            set_columns(sec, 2 if b.kind == "defs_start" else 1)
        elif b.kind == "pagebreak":
            doc.add_page_break()
    doc.save(str(path))


# -- entry points ---------------------------------------------------------------------------------

def name_for(pages: int, two_column: bool = False, seed: int = 1) -> str:
    return f"contract_{pages}p" + ("_2col" if two_column else "") + (f"_s{seed}" if seed != 1 else "")


def generate(pages: int, *, fmt: str = "both", two_column: bool = False, seed: int = 1, out: Path = GENERATED,
             force: bool = False) -> list[Path]:
    """Make (or reuse) the PDF and/or DOCX of ``pages`` pages; returns their paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stem = name_for(pages, two_column, seed)
    pdf, docx = out / f"{stem}.pdf", out / f"{stem}.docx"
    want_pdf, want_docx = fmt in ("both", "pdf"), fmt in ("both", "docx")
    made = []
    if (want_pdf and (force or not pdf.exists())) or (want_docx and (force or not docx.exists())):
        tmp = out / f".{stem}.tmp.pdf"
        blocks = make_pdf(tmp, pages, seed=seed, two_column=two_column)
        if want_pdf:
            tmp.replace(pdf)
        else:
            tmp.unlink()
        if want_docx:
            w = Writer(seed, two_column)
            make_docx(docx, blocks, f"{w.supplier} / {w.customer}")
        truth = {"pages": pages, "tables": [b.rows for b in blocks if b.kind == "table"],
                 "clauses": sum(1 for b in blocks if b.kind == "heading" and b.number)}
        (out / f"{stem}.truth.json").write_text(json.dumps(truth, indent=1), encoding="utf-8")
    if want_pdf:
        made.append(pdf)
    if want_docx:
        made.append(docx)
    return made


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, nargs="+", default=[1, 30, 100, 300])
    ap.add_argument("--format", choices=["pdf", "docx", "both"], default="both")
    ap.add_argument("--two-column", action="store_true", help="definitions and a schedule in two columns")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=GENERATED)
    ap.add_argument("--force", action="store_true", help="rebuild files that already exist")
    args = ap.parse_args(argv)
    for n in args.pages:
        for path in generate(n, fmt=args.format, two_column=args.two_column, seed=args.seed, out=args.out,
                             force=args.force):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
