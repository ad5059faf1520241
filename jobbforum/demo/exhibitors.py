"""Demo exhibitors for the demo Jobbforum: every organisation type, Pillow-drawn logos, booth
staff with tickets, mostly approved with booths, some pending, one on the waiting list.

Public bodies appear under their real names and organisation numbers; companies, unions and
non-profits are invented. Beyond the curated list, ``--exhibitors N`` tops up with generated
organisations (the benchmark uses 300).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from PIL import Image, ImageDraw, ImageFont

from jobbforum.extensions import db
from jobbforum.models import (
    ExhibitorRegistration,
    ExhibitorStatus,
    OrganisationType,
    Sector,
)
from jobbforum.services import exhibitors, uploads
from jobbforum.services.orgnumber import luhn_check_digit

if TYPE_CHECKING:
    from jobbforum.demo import DemoContext

T = OrganisationType
A, P, W = ExhibitorStatus.approved, ExhibitorStatus.pending, ExhibitorStatus.waitlisted

#: (name, org number, type, sectors, offers, languages, status, Swedish description, English description)
CURATED: list[tuple[str, str, OrganisationType, list[str], list[str], list[str], ExhibitorStatus, str, str]] = [
    ("Arbetsförmedlingen", "202100-2114", T.government_agency, ["offentlig-forvaltning"],
     ["jobs", "career_advice", "education"], ["sv", "en", "ar", "so", "ti"], A,
     "Vi hjälper dig att hitta jobb, praktik och arbetsmarknadsutbildning. Fråga oss om "
     "etableringsprogrammet och hur du skriver ett CV.",
     "We help you find jobs, internships and labour-market training. Ask us about the "
     "introduction programme and how to write a CV."),
    ("Uppsala universitet", "202100-2932", T.university, ["pedagogik", "naturvetenskap"],
     ["education", "career_advice"], ["sv", "en"], A,
     "Läs vidare i Sverige: bedömning av utländsk utbildning, kompletterande utbildningar och "
     "svenska för akademiker.",
     "Study in Sweden: recognition of foreign degrees, bridging programmes and Swedish for academics."),
    ("Region Stockholm", "232100-0016", T.municipality, ["halso-sjukvard", "administration"],
     ["jobs", "internships"], ["sv", "en", "ar", "fa"], A,
     "Vården behöver dig. Vi söker undersköterskor, vårdbiträden och legitimerad personal.",
     "Health care needs you: assistant nurses, care assistants and licensed professionals."),
    ("Stockholms stad", "212000-0142", T.municipality, ["socialt-arbete", "pedagogik"],
     ["jobs", "internships", "career_advice"], ["sv", "en", "so", "ar"], A,
     "Jobba i förskola, äldreomsorg eller socialtjänst. Vi berättar om vägar in och språkstöd.",
     "Work in preschools, elderly care or social services. Learn about ways in and language support."),
    ("Uppsala kommun", "212000-3005", T.municipality, ["socialt-arbete", "offentlig-forvaltning"],
     ["jobs", "internships"], ["sv", "en", "ti", "uk"], A,
     "Vi söker personal till vård och omsorg, skola och teknisk förvaltning i Uppsala.",
     "We are hiring in care, schools and municipal services in Uppsala."),
    ("Bemanna Direkt AB", "", T.staffing_company, ["handel", "transport", "stad-service"],
     ["jobs"], ["sv", "en", "ar", "uk", "ru"], A,
     "Bemanningsföretag med uppdrag inom lager, butik och lokalvård. Många jobb kräver inga "
     "tidigare svenska meriter.",
     "Staffing company with assignments in warehouses, shops and cleaning; many need no Swedish experience."),
    ("Nordisk Personalpartner AB", "", T.staffing_company, ["halso-sjukvard", "hotell-restaurang"],
     ["jobs"], ["sv", "en", "fa", "prs"], A,
     "Timanställningar och tillsvidaretjänster inom vård, restaurang och hotell.",
     "Hourly and permanent positions in care, restaurants and hotels."),
    ("Talangkraft Rekrytering AB", "", T.recruitment_company, ["data-it", "teknik"],
     ["jobs", "career_advice"], ["sv", "en"], A,
     "Vi rekryterar ingenjörer och IT-specialister. Ta med ditt CV för en snabb genomgång.",
     "We recruit engineers and IT specialists. Bring your CV for a quick review."),
    ("HR Kompassen AB", "", T.hr_consultancy, ["administration"],
     ["career_advice", "mentoring"], ["sv", "en", "ar"], A,
     "HR-konsulter som tränar dig inför anställningsintervjun och ger tips om LinkedIn.",
     "HR consultants who coach you for job interviews and give LinkedIn tips."),
    ("Tjänstefacket", "", T.trade_union, [], ["union_info", "career_advice"],
     ["sv", "en", "ar", "fa"], A,
     "Fackförbund för tjänstemän. Lär dig om kollektivavtal, lön och dina rättigheter på jobbet.",
     "Union for white-collar workers: collective agreements, pay and your rights at work."),
    ("Vård- och omsorgsfacket", "", T.trade_union, ["halso-sjukvard", "socialt-arbete"],
     ["union_info"], ["sv", "so", "ti", "am"], A,
     "Facket för dig som jobbar i vård, omsorg och service. Vi förklarar anställningsformer och schema.",
     "The union for care and service workers. We explain types of employment and schedules."),
    ("Byggfacket Mälardalen", "", T.trade_union, ["bygg"], ["union_info"], ["sv", "pl", "uk", "bs"], A,
     "Säkerhet, lön och avtal på byggen i Stockholm och Uppsala.",
     "Safety, pay and agreements on building sites in Stockholm and Uppsala."),
    ("Mälardalens Vårdbolag AB", "", T.employer, ["halso-sjukvard"], ["jobs", "internships", "education"],
     ["sv", "en", "ar", "ti"], A,
     "Privat vårdgivare som erbjuder praktik och betald undersköterskeutbildning.",
     "Private care provider offering internships and paid assistant-nurse training."),
    ("Stockholm Bygg & Anläggning AB", "", T.employer, ["bygg", "teknik"], ["jobs", "internships"],
     ["sv", "en", "pl", "tr"], A,
     "Vi söker snickare, betongarbetare och arbetsledare. Yrkeserfarenhet från hemlandet räknas.",
     "Carpenters, concrete workers and site supervisors wanted; experience from abroad counts."),
    ("Svea Logistik AB", "", T.employer, ["transport"], ["jobs"], ["sv", "en", "ar", "so"], A,
     "Lager och transport i Rosersberg. Truckkort? Vi hjälper dig att ta det.",
     "Warehouse and transport in Rosersberg. No forklift licence? We help you get one."),
    ("Café & Kök i Uppsala AB", "", T.employer, ["hotell-restaurang"], ["jobs", "internships"],
     ["sv", "en", "fa", "uk"], A,
     "Restauranggrupp med sex kök i Uppsala. Praktik som kan leda till anställning.",
     "Restaurant group with six kitchens in Uppsala. Internships that can lead to a job."),
    ("Tekniska Lösningar Norden AB", "", T.employer, ["data-it"], ["jobs", "mentoring"], ["sv", "en", "uk", "ru"], A,
     "IT-konsultbolag med traineeprogram för utrikes födda utvecklare.",
     "IT consultancy with a trainee programme for foreign-born developers."),
    ("Folkhögskolan Ljusglimten", "", T.non_profit, ["pedagogik"], ["education"], ["sv", "ar", "ti", "so"], A,
     "Studera svenska och allmänna ämnen på folkhögskola, med studiemedel.",
     "Study Swedish and general subjects at a folk high school, with student finance."),
    ("Stiftelsen Nya Vägar", "", T.non_profit, [], ["mentoring", "career_advice"],
     ["sv", "en", "ar", "fa", "uk"], A,
     "Mentorskap och nätverk för dig som är ny i Sverige.",
     "Mentoring and networks for people who are new in Sweden."),
    ("Kompetenscentrum Yrkessvenska", "", T.other, ["pedagogik"], ["education"], ["sv", "en", "ar"], A,
     "Kurser i yrkessvenska för vård, bygg och restaurang.",
     "Courses in professional Swedish for care, construction and restaurants."),
    ("Städpartner Norr AB", "", T.employer, ["stad-service"], ["jobs"], ["sv", "ti", "am"], P,
     "Vi växer och söker lokalvårdare i norra Stockholm.",
     "We are growing and hiring cleaners in northern Stockholm."),
    ("Vårdbemanning Express AB", "", T.staffing_company, ["halso-sjukvard"], ["jobs"], ["sv", "en"], P,
     "Bemanning av undersköterskor och sjuksköterskor.", ""),
    ("Nordic Green Energy AB", "", T.employer, ["teknik", "naturbruk"], ["jobs", "internships"],
     ["sv", "en"], W,
     "Solceller och laddinfrastruktur. Vi söker elektriker och montörer.",
     "Solar panels and charging infrastructure: electricians and installers wanted."),
    ("Medmänniska Uppsala", "", T.non_profit, ["socialt-arbete"], ["mentoring"], ["sv", "ar", "uk"], P,
     "Ideell förening med läxhjälp, språkcafé och volontäruppdrag.",
     "Non-profit with homework help, language café and volunteering."),
]

STAFF_FIRST = ["Anna", "Erik", "Sara", "Johan", "Leila", "Ahmed", "Maria", "Oskar", "Nadia",
               "Henrik", "Elin", "Mehmet", "Karin", "Daniel", "Yasmin", "Linnea"]
STAFF_LAST = ["Berg", "Lind", "Holm", "Nyström", "Karimi", "Eklund", "Aziz", "Sandberg",
              "Wikström", "Haddad", "Lundgren", "Öztürk"]
PREFIXES = ["Nordisk", "Svea", "Mälardalens", "Uppsala", "Stockholms", "Roslagens", "Södertörns",
            "Norrorts", "Attunda", "Fyris", "Saltsjö", "Värmdö"]
TRADES = [("Bygg", T.employer, ["bygg"]), ("Vård", T.employer, ["halso-sjukvard"]),
          ("Bemanning", T.staffing_company, ["handel", "transport"]),
          ("Rekrytering", T.recruitment_company, ["administration"]),
          ("Logistik", T.employer, ["transport"]), ("IT-konsult", T.employer, ["data-it"]),
          ("Restaurang", T.employer, ["hotell-restaurang"]), ("Fastighetsservice", T.employer, ["stad-service"]),
          ("HR-partner", T.hr_consultancy, ["administration"]), ("Omsorg", T.employer, ["socialt-arbete"])]
COLOURS = ["#0b5cad", "#146c2e", "#a4161a", "#6f2dbd", "#7a4d00", "#00676b", "#343a40", "#b3005e"]


def _org_number(seed: int) -> str:
    """An invented but well-formed organisation number (aktiebolag series 559)."""
    body = f"559{seed % 1_000_000:06d}"
    return f"{body[:6]}-{body[6:]}{luhn_check_digit(body)}"


def logo_png(name: str, colour: str) -> bytes:
    """A simple logo: the organisation's initials on a coloured rounded square."""
    initials = "".join(w[0] for w in name.replace("&", " ").split() if w[0].isalpha())[:2].upper()
    image = Image.new("RGB", (256, 256), "white")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((16, 16, 240, 240), radius=40, fill=colour)
    font = ImageFont.load_default(size=110)
    draw.text((128, 132), initials or "?", fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _specs(count: int, rng: Any) -> list[dict[str, Any]]:
    specs = []
    for i, (name, number, kind, sectors, offers, languages, status, sv, en) in enumerate(CURATED[:count]):
        specs.append(dict(name=name, org_number=number, type=kind, sectors=sectors, offers=offers,
                          languages=languages, status=status, description_sv=sv, description_en=en,
                          website=f"https://www.{_domain(name)}.se", colour=COLOURS[i % len(COLOURS)]))
    for i in range(len(specs), count):
        prefix, (trade, kind, sectors) = PREFIXES[i % len(PREFIXES)], TRADES[(i // len(PREFIXES)) % len(TRADES)]
        name = f"{prefix} {trade} {i // (len(PREFIXES) * len(TRADES)) + 1} AB"
        offers = rng.sample(["jobs", "internships", "education", "career_advice", "mentoring"], k=2)
        languages = ["sv"] + rng.sample(["en", "ar", "fa", "so", "ti", "uk", "pl", "tr"], k=2)
        specs.append(dict(name=name, org_number=_org_number(1000 + i), type=kind, sectors=sectors,
                          offers=offers, languages=languages,
                          status=A if rng.random() < 0.85 else P,
                          description_sv=f"{trade} i Stockholms och Uppsala län. Vi söker nya medarbetare "
                                         "och tar emot praktikanter.",
                          description_en=f"{trade} in Stockholm and Uppsala counties, hiring and taking interns.",
                          website=f"https://www.{_domain(name)}.se", colour=COLOURS[i % len(COLOURS)]))
    return specs


def _domain(name: str) -> str:
    text = name.lower().translate(str.maketrans("åäöé&", "aaoe-"))
    return "".join(c if c.isalnum() else "-" for c in text).strip("-").replace("--", "-")[:40]


def load_exhibitors(context: DemoContext) -> None:
    """Register the demo exhibitors through the service (as the form does), then decide as staff."""
    event = context.created["event"]
    rng = context.rng
    sectors = {s.slug: s.id for s in db.session.scalars(sa.select(Sector))}
    exhibitors.set_booth_capacity(event, None, actor=None, actor_label="demo")
    for spec in _specs(context.exhibitors, rng):
        organisation = exhibitors.find_organisation(spec["org_number"], spec["name"])
        if organisation is not None and db.session.scalar(sa.select(ExhibitorRegistration.id).where(
                ExhibitorRegistration.event_id == event.id,
                ExhibitorRegistration.organisation_id == organisation.id)) is not None:
            continue
        staff = [f"{rng.choice(STAFF_FIRST)} {rng.choice(STAFF_LAST)}" for _ in range(rng.randint(1, 3))]
        logo = uploads.save_image(io.BytesIO(logo_png(spec["name"], spec["colour"])), kind="logos")
        details = exhibitors.ExhibitorDetails(
            name=spec["name"], type=spec["type"], org_number=spec["org_number"], website=spec["website"],
            description_sv=spec["description_sv"], description_en=spec["description_en"],
            sector_ids=[sectors[s] for s in spec["sectors"] if s in sectors], offers=spec["offers"],
            languages=spec["languages"], needs=rng.sample(["table", "power", "screen"], k=rng.randint(1, 3)),
            contact_name=f"{rng.choice(STAFF_FIRST)} {rng.choice(STAFF_LAST)}",
            contact_email=f"kontakt@{_domain(spec['name'])}.example.se",
            contact_phone=f"08-{rng.randrange(100000, 999999)}", booth_staff_count=max(2, len(staff)))
        exhibitor, _token = exhibitors.register_exhibitor(event, details, staff_names=staff,
                                                          logo_filename=logo, consent_version="demo")
        if spec["status"] is not P:
            exhibitors.set_status(exhibitor, spec["status"], actor=None, actor_label="demo")
    exhibitors.auto_assign_booths(event, actor=None, actor_label="demo")
    approved = exhibitors.approved_count(event)
    exhibitors.set_booth_capacity(event, max(30, approved), actor=None, actor_label="demo")
